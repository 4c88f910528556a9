"""What a search page with its facets costs next to the plain category listing of the same page size, side by side in
one run, at the benchmark's 100,000 products (bench/seeding.py), with the statements each sends.

    python bench/search_speed.py --database-url sqlite:///tmp/bench.db
    python bench/search_speed.py --database-url postgres://postgres@127.0.0.1:5432/bench --quick

Through the catalog's services (the GraphQL layer above them is the same for both): a search page with its facets is
one search_results call, as productSearch's `products` and `facets` share one. Runs alternate (listing, search,
listing, ...); the medians are printed with their ratio. Target (issue 15): search with facets at most 2x the listing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from seeding import FULL, QUICK, ensure_seeded  # bench/seeding.py

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' statement counter

from tests.helpers.statements import counting_statements  # noqa: E402
from umkm_graph.catalog.listing import ProductFilter, ProductSort, product_page  # noqa: E402
from umkm_graph.catalog.search import SEARCH_CANDIDATES, search_results  # noqa: E402
from umkm_graph.core.paging import Window  # noqa: E402
from umkm_graph.db import close_database, open_database  # noqa: E402

COLUMNS = ("id", "shop_id", "name", "price", "unit", "pack_size", "stock", "created_at")
QUERIES = ("beras", "minyak goreng", "telor", "bras premium", "beras 5kg", "sembako")


async def _listing(size: int) -> None:
    await product_page(ProductFilter(category="beras"), ProductSort.NEWEST, Window(offset=0, size=size),
                       columns=COLUMNS, shop_columns=("id", "name"))


def _search(text: str, candidates: int) -> Callable[[int], Awaitable[None]]:
    async def run(size: int) -> None:
        await search_results(ProductFilter(text=text), ProductSort.RELEVANCE, Window(offset=0, size=size), candidates)
    return run


async def _timed(run: Callable[[int], Awaitable[None]], size: int) -> float:
    began = time.perf_counter()
    await run(size)
    return time.perf_counter() - began


async def _statements(run: Callable[[int], Awaitable[None]], size: int) -> int:
    with counting_statements() as statements:
        await run(size)
    return len(statements)


async def measure(url: str, size: int, repeat: int, candidates: int) -> None:
    await open_database(url, migrate=False)
    try:
        listing_times: list[float] = []
        search_times: dict[str, list[float]] = {q: [] for q in QUERIES}
        for run in (_listing, *(_search(q, candidates) for q in QUERIES)):
            await run(size)  # warm: statement texts and caches
        for _ in range(repeat):
            for text in QUERIES:
                listing_times.append(await _timed(_listing, size))
                search_times[text].append(await _timed(_search(text, candidates), size))
        listing = statistics.median(listing_times)
        print(f"{url.split(':')[0]}, page of {size}, {candidates} candidates: category listing {listing * 1000:.1f} ms"
              " (median)")
        for text, times in search_times.items():
            median = statistics.median(times)
            print(f"  search {text!r} + facets: {median * 1000:.1f} ms = {median / listing:.2f}x the listing")
        everything = statistics.median([t for times in search_times.values() for t in times])
        print(f"  all searches: {everything / listing:.2f}x the listing (target <= 2x)")
        counts = {s: await _statements(_search("beras premium", candidates), s) for s in (5, 20, 100)}
        print(f"  statements per search + facets by page size: {counts}")
    finally:
        await close_database()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--quick", action="store_true", help="10,000 products instead of 100,000")
    parser.add_argument("--size", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--candidates", type=int, default=SEARCH_CANDIDATES, help="listings a search ranks at most")
    args = parser.parse_args()
    scale = QUICK if args.quick else FULL
    asyncio.run(ensure_seeded(args.database_url, scale))
    asyncio.run(measure(args.database_url, args.size, args.repeat, args.candidates))


if __name__ == "__main__":
    main()
