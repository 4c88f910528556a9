"""bench/profile_storefront.py cannot rot: on a tiny seeded database its hand-written SQL endpoint and the app (with and
without the response cache) answer the storefront question alike, through its direct ASGI client. No timing here."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.helpers.paths import REPO

sys.path.insert(0, str(REPO / "bench"))

import profile_storefront as bench  # noqa: E402  (bench/profile_storefront.py)
import pytest  # noqa: E402
from seeding import Scale, ensure_seeded  # noqa: E402

from umkm_graph.app import create_app  # noqa: E402

TINY = Scale(shops=12, products=360, reviews=150, orders=80)


@pytest.mark.fast_paths  # it checks the response cache too
async def test_the_floor_and_the_app_answer_the_storefront_alike(tmp_path: Path) -> None:
    path = tmp_path / "storefront.sqlite3"
    await ensure_seeded(f"sqlite://{path}", TINY, progress=None)
    floor, app = bench.floor_app(path), create_app(bench.app_settings(path, cache=True))
    async with floor.router.lifespan_context(floor), app.router.lifespan_context(app):
        for first in (1, 10, 100):
            expected = await bench.Client(floor).ask(first)
            assert 0 < len(expected["data"]["products"]["edges"]) <= first
            assert await bench.Client(app).ask(first) == expected
            repeat = await bench.Client(app).post({"query": bench.STOREFRONT, "operationName": "Storefront",
                                                   "variables": {"category": "sembako", "first": first}})
            assert repeat.headers["x-cache"] == "HIT"
