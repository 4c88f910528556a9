"""Catalog search quality on the seeded demo data: recall@10 and MRR of the labelled set (bench/search_labels.toml)
for the old substring search and the new one, on each database given, and whether the databases agree.

    python bench/search_quality.py --database-url sqlite:///tmp/quality.db \
        --database-url postgres://postgres@127.0.0.1:5432/quality

Each database is emptied and seeded afresh (demo seed 1). recall@10 is the share of a query's expected listings in its
first ten (of at most ten expected); MRR the mean of 1 / the rank of the first expected listing. A query that should
find nothing scores 1 on both when it finds nothing, else 0; so does one whose expected listings the seed puts only in
shops not yet verified (buyers never see those).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from tortoise.expressions import Q

from umkm_graph.catalog.listing import ProductFilter, ProductSort
from umkm_graph.catalog.models import Product
from umkm_graph.catalog.search import search_page
from umkm_graph.core.paging import Window
from umkm_graph.db import close_database, open_database
from umkm_graph.demo.seed import seed_database
from umkm_graph.shops.models import ShopStatus

LABELS = Path(__file__).with_name("search_labels.toml")
TOP = 10


@dataclass(frozen=True)
class Label:
    query: str
    expect: tuple[str, ...]  # starts of the expected listings' names


def labels() -> list[Label]:
    table = tomllib.loads(LABELS.read_text())
    return [Label(row["q"], tuple(row["expect"])) for row in table["queries"]]


async def old_search(text: str) -> list[Product]:
    """The storefront's search before issue 15: one substring of name or description, newest first."""
    return await Product.filter(Q(name__icontains=text) | Q(description__icontains=text), is_active=True,
                                shop__status=ShopStatus.VERIFIED).order_by("-created_at", "-id").limit(TOP)


async def new_search(text: str) -> list[Product]:
    return (await search_page(ProductFilter(text=text), ProductSort.RELEVANCE, Window(offset=0, size=TOP))).rows


def scores(label: Label, found: list[Product], relevant: set[int]) -> tuple[float, float]:
    if not relevant:  # nothing to find (or what it names is only in shops not yet verified, which buyers never see)
        return (1.0, 1.0) if not found else (0.0, 0.0)
    ids = [p.id for p in found]
    recall = len(relevant & set(ids)) / min(TOP, len(relevant)) if relevant else 0.0
    rank = next((i for i, product_id in enumerate(ids, 1) if product_id in relevant), None)
    return recall, (1 / rank if rank else 0.0)


async def _reset(url: str) -> None:
    if url.startswith("postgres"):
        import asyncpg

        connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        try:
            await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        finally:
            await connection.close()
    else:
        path = url.removeprefix("sqlite://")
        if os.path.exists(path):
            os.remove(path)


async def measure(url: str) -> dict[str, object]:
    await _reset(url)
    await seed_database(url, seed=1)
    await open_database(url)
    try:
        visible = await Product.filter(is_active=True, shop__status=ShopStatus.VERIFIED).values_list("id", "name")
        totals = {"old": [0.0, 0.0], "new": [0.0, 0.0]}
        tops: dict[str, list[str]] = {}
        misses = []
        for label in labels():
            relevant = {pid for pid, name in visible if any(name.startswith(start) for start in label.expect)}
            for kind, run in (("old", old_search), ("new", new_search)):
                found = await run(label.query)
                recall, reciprocal = scores(label, found, relevant)
                totals[kind][0] += recall
                totals[kind][1] += reciprocal
                if kind == "new":
                    tops[label.query] = [p.name for p in found]
                    if recall < 1 or reciprocal < 1:
                        misses.append(f"{label.query!r}: recall {recall:.2f}, rr {reciprocal:.2f}")
        n = len(labels())
        return {"figures": {k: (v[0] / n, v[1] / n) for k, v in totals.items()}, "tops": tops, "misses": misses, "n": n}
    finally:
        await close_database()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", action="append", required=True)
    args = parser.parse_args()
    results = {}
    for url in args.database_url:
        results[url] = asyncio.run(measure(url))
        figures = results[url]["figures"]
        print(f"{url.split(':')[0]}: {results[url]['n']} queries")
        for kind in ("old", "new"):
            recall, mrr = figures[kind]  # type: ignore[index]
            print(f"  {kind} search: recall@10 {recall:.3f}  MRR {mrr:.3f}")
        for miss in results[url]["misses"]:  # type: ignore[attr-defined]
            print(f"  below 1: {miss}")
    if len(results) > 1:
        tops = [r["tops"] for r in results.values()]
        same = sum(all(t[q] == tops[0][q] for t in tops) for q in tops[0])  # type: ignore[index]
        print(f"same top 10 (by name, in order) on every database: {same} of {len(tops[0])} queries")


if __name__ == "__main__":
    main()
