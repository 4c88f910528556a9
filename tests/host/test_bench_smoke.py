"""The benchmark's building blocks at a tiny scale, so bench/ cannot rot: the seed is consistent, the floor and the API
answer the storefront question with the same products, the load generator drives both, checkout runs both ways on
PostgreSQL, and the report renders. No timing is asserted; bench/run.py measures."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.database import TEST_DATABASE_URL, empty_postgres
from tests.helpers.paths import REPO

sys.path.insert(0, str(REPO / "bench"))

import run as bench  # noqa: E402  (bench/run.py)
from load import LoadSpec, measure  # noqa: E402
from seeding import Scale, ensure_seeded  # noqa: E402

from umkm_graph.core.regions import KELURAHAN  # noqa: E402

TINY = Scale(shops=12, products=360, reviews=150, orders=80)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    url = TEST_DATABASE_URL or f"sqlite://{tmp_path / 'bench.sqlite3'}"
    assert asyncio.run(ensure_seeded(url, TINY, progress=None))
    assert not asyncio.run(ensure_seeded(url, TINY, progress=None)), "the seeded database is reused at the same scale"
    yield url
    if TEST_DATABASE_URL:  # the rest of the suite rebuilds its schema from the migrations
        asyncio.run(empty_postgres(TEST_DATABASE_URL))


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    if not bench.is_postgres(url):
        with sqlite3.connect(url.split("://", 1)[1]) as db:
            return db.execute(sql).fetchall()

    async def fetch() -> list[tuple[object, ...]]:
        import asyncpg

        connection = await asyncpg.connect(bench.dsn(url))
        try:
            return [tuple(row) for row in await connection.fetch(sql)]
        finally:
            await connection.close()

    return asyncio.run(fetch())


def test_seeded_ratings_match_reviews_and_every_order_has_lines_and_a_payment(database: str) -> None:
    def one(sql: str) -> object:
        return _rows(database, sql)[0][0]

    assert (one("SELECT count(*) FROM shops"), one("SELECT count(*) FROM products"),
            one("SELECT count(*) FROM reviews"), one("SELECT count(*) FROM orders")) == (12, 360, 150, 80)
    assert one("""SELECT count(*) FROM products p WHERE p.review_count != (SELECT count(*) FROM reviews r
                  WHERE r.product_id = p.id) OR p.rating_sum != (SELECT coalesce(sum(rating), 0) FROM reviews r
                  WHERE r.product_id = p.id)""") == 0
    assert one("""SELECT count(*) FROM shops s WHERE s.review_count != (SELECT count(*) FROM reviews r
                  WHERE r.shop_id = s.id)""") == 0
    assert one("SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)"
               " OR NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id)") == 0
    assert one("""SELECT count(*) FROM reviews r JOIN order_lines l ON l.id = r.order_line_id
                  JOIN orders o ON o.id = l.order_id WHERE o.status != 'COMPLETED'""") == 0
    assert {row[0] for row in _rows(database, "SELECT DISTINCT kecamatan FROM shops")} <= set(KELURAHAN)
    sembako = {row[0] for row in _rows(database, "SELECT c.slug FROM products p JOIN categories c ON c.id = p.category_id")}
    assert {"beras", "minyak-goreng", "telur", "gula"} <= sembako


def test_floor_and_api_list_the_same_sembako_products_and_both_take_load(database: str) -> None:
    switch = bench.cache_switch_exists()
    statements = asyncio.run(bench.count_statements(database, False if switch else None))
    assert set(statements) == set(bench.PAGE_SIZES) and min(statements.values()) > 0

    floor, api = bench.start_floor(database), bench.start_api("api", database, False if switch else None)
    cached = [bench.start_api("api-cached", database, True)] if switch else []
    with bench.running(floor, api, *cached):
        for _ in range(2):  # the second time, a response cache answers
            bench.check_same_answers(floor, [api, *cached])  # raises on any difference
        assert len(bench.storefront_nodes(api, 100)) == 100
        rounds = bench.Rounds()
        for server in (floor, api):
            result = measure(LoadSpec(server.url + "/graphql", [bench.storefront_body(10)], connections=2,
                                      seconds=0.5), "aiohttp")
            assert result.requests > 0 and result.errors == 0
            rounds.add(f"{server.name}/10", result)
        checkout = None
        if bench.is_postgres(database):
            checkout = bench.checkout_rounds(database, floor, [api], bench.Plan(1, 0.5, 1, 1), "aiohttp", {})
            assert checkout.written["floor"] > 0 and checkout.written["api"] > 0
            assert asyncio.run(bench.rows_since(database, {t: 0 for t in bench.WRITTEN})) == TINY.orders

    figures = bench.Figures("sqlite", True, TINY, "bench/run.py --db sqlite --quick", "aiohttp", bench.Plan.of(True),
                            statements, rounds, False, {"api": 80.0}, checkout, [0.9], [])
    text = bench.render(figures)
    assert "| target (issue 6; issue 19) |" in text and "Memory" in text
