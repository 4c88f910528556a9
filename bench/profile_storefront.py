"""Requests per second of the storefront query through the app in this process, next to a hand-written SQL endpoint in
the same process, and (with --profile) where the app's time goes.

    python bench/profile_storefront.py                        # seeds /tmp/umkm_storefront.db once, then measures
    python bench/profile_storefront.py --profile --sizes 50   # and prints the top costs of the uncached path

Both sides are starlette apps called directly through ASGI, one request after another, so neither pays for a socket or
an HTTP client and the ratio is the cost of the GraphQL layer alone (stricter than over HTTP, where uvicorn's own cost
is added to both; bench/run.py measures that). Figures are requests per CPU-second of this process, medians of
interleaved rounds, so other work on a shared machine moves them little. The SQL side reads the same columns with one
statement and answers the same JSON; the answers are compared before timing. The app runs with rate limits off, once
with the public response cache off (every request executes) and once with it on (repeats are answered from the cache;
the hits column is the share of its requests answered from the cache). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiosqlite
from prometheus_client import REGISTRY
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parent))
from seeding import Scale, ensure_seeded  # noqa: E402  (bench/seeding.py; bench/ is not a package)

from umkm_graph.app import create_app  # noqa: E402
from umkm_graph.settings import Settings  # noqa: E402

STOREFRONT = """query Storefront($category: String!, $first: Int!) {
  products(filter: {category: $category}, first: $first) {
    edges { node { id name price shop { name kecamatan } rating reviewCount } }
  }
}"""
# About the measurement: 5,000 products and 20,000 reviews (and the orders the reviews need).
SCALE = Scale(shops=500, products=5_000, reviews=20_000, orders=12_000)


# --- the hand-written floor -----------------------------------------------------------------------------------------

FLOOR_SQL = """
SELECT p.id, p.name, p.price, s.name, s.kecamatan, p.rating_sum, p.review_count
FROM products p JOIN shops s ON s.id = p.shop_id
WHERE p.is_active AND s.status = 'VERIFIED'
  AND p.category_id IN (SELECT id FROM categories WHERE slug = ?1
                        UNION SELECT c.id FROM categories c JOIN categories t ON c.parent_id = t.id WHERE t.slug = ?1)
ORDER BY p.created_at DESC, p.id DESC
LIMIT ?2
"""


def floor_app(path: Path) -> Starlette:
    """The same question answered by one SQL statement and json.dumps: what the hardware allows."""
    state: dict[str, aiosqlite.Connection] = {}

    async def storefront(request: Request) -> Response:
        body = await request.json()
        variables = body["variables"]
        async with state["db"].execute(FLOOR_SQL, (variables["category"], variables["first"])) as cursor:
            rows = await cursor.fetchall()
        edges = [{"node": {"id": str(pid), "name": name, "price": price, "shop": {"name": shop, "kecamatan": kecamatan},
                           "rating": round(total / count, 2) if count else None, "reviewCount": count}}
                 for pid, name, price, shop, kecamatan, total, count in rows]
        return Response(json.dumps({"data": {"products": {"edges": edges}}}, separators=(",", ":")),
                        media_type="application/json")

    async def lifespan(_: Starlette) -> Any:
        state["db"] = await aiosqlite.connect(path)
        try:
            yield
        finally:
            await state["db"].close()

    return Starlette(routes=[Route("/graphql", storefront, methods=["POST"])],
                     lifespan=contextlib.asynccontextmanager(lifespan))


# --- measuring ------------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclasses.dataclass
class Client:
    """Calls an ASGI app directly with one POST /graphql: no HTTP client in between (httpx2's ASGITransport costs about
    0.3 ms a request, half the floor's whole answer), so the figures are the apps' own."""

    app: Any

    async def post(self, payload: dict[str, Any]) -> Answer:
        body = json.dumps(payload).encode()
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
                 "path": "/graphql", "raw_path": b"/graphql", "query_string": b"", "root_path": "",
                 "headers": [(b"host", b"bench"), (b"content-type", b"application/json"),
                             (b"content-length", str(len(body)).encode())],
                 "client": ("127.0.0.1", 50000), "server": ("bench", 80)}
        messages = [{"type": "http.request", "body": body, "more_body": False}]
        answer = Answer(0, {}, b"")

        async def receive() -> dict[str, Any]:
            return messages.pop() if messages else {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                answer.status = message["status"]
                answer.headers = {k.decode().lower(): v.decode() for k, v in message.get("headers", [])}
            elif message["type"] == "http.response.body":
                answer.body += message.get("body", b"")

        await self.app(scope, receive, send)
        return answer

    async def ask(self, first: int) -> dict[str, Any]:
        answer = await self.post({"query": STOREFRONT, "operationName": "Storefront",
                                  "variables": {"category": "sembako", "first": first}})
        if answer.status != 200:
            raise SystemExit(f"the app answered {answer.status}: {answer.body[:300]!r}")
        body = json.loads(answer.body)
        if body.get("errors"):
            raise SystemExit(f"the app answered errors: {body['errors']}")
        return body  # type: ignore[no-any-return]


async def rate(ask: Callable[[], Awaitable[object]], seconds: float) -> float:
    """Requests per CPU-second of this process (every thread: aiosqlite runs SQL in one), one request after another, for
    about this long after a short warm-up. CPU time, not wall time, so that other work on a shared machine does not
    move the figure much."""
    for _ in range(5):
        await ask()
    done, began, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - began < seconds:
        for _ in range(10):
            await ask()
        done += 10
    return done / (time.process_time() - cpu)


PACKAGES = ("graphql", "strawberry", "tortoise", "pypika_tortoise", "iso8601", "aiosqlite", "asyncio", "starlette",
            "httpx2", "json", "orjson", "umkm_graph", "sqlite3", "pyinstrument")


def package_of(path: str) -> str:
    parts = Path(path).parts
    for part in reversed(parts[:-1]):
        if part in PACKAGES:
            return part
    return "other" if parts[-1] != "profile_storefront.py" else "bench"


async def profile(ask: Callable[[], Awaitable[object]], requests: int, top: int) -> None:
    """Where the time of this many requests goes: own (self) time summed by package, then the functions with the most
    own time (pyinstrument samples, so small functions are not inflated as under cProfile)."""
    from pyinstrument import Profiler

    profiler = Profiler(async_mode="disabled", interval=0.0002)
    profiler.start()
    began = time.perf_counter()
    for _ in range(requests):
        await ask()
    elapsed = time.perf_counter() - began
    profiler.stop()
    by_package: dict[str, float] = {}
    by_function: dict[str, float] = {}
    root = profiler.last_session.root_frame() if profiler.last_session else None
    pending = [root] if root else []
    while pending:
        frame = pending.pop()
        real = [child for child in frame.children if not child.is_synthetic]
        pending.extend(real)
        own = frame.time - sum(child.time for child in real)  # pyinstrument keeps own time in synthetic children
        if own <= 0:
            continue
        path = frame.file_path or ""
        package = package_of(path)
        by_package[package] = by_package.get(package, 0.0) + own
        name = f"{package}: {frame.function} ({Path(path).name}:{frame.line_no})"
        by_function[name] = by_function.get(name, 0.0) + own
    total = sum(by_package.values()) or 1.0
    print(f"{requests} requests in {elapsed:.2f} s ({elapsed / requests * 1000:.2f} ms each); own time by package:")
    for package, seconds in sorted(by_package.items(), key=lambda item: -item[1]):
        print(f"  {seconds / total:6.1%}  {package}")
    print("functions with the most own time:")
    for name, seconds in sorted(by_function.items(), key=lambda item: -item[1])[:top]:
        print(f"  {seconds / total:6.1%}  {name}")


def cache_outcomes() -> dict[str, float]:
    """The response cache's counters so far (hit, miss, uncacheable), from the app's Prometheus metric."""
    return {outcome: REGISTRY.get_sample_value("umkm_response_cache_total", {"outcome": outcome}) or 0.0
            for outcome in ("hit", "miss", "uncacheable")}


def app_settings(path: Path, cache: bool) -> Settings:
    fields = {f.name for f in dataclasses.fields(Settings)}
    extra = {"response_cache": cache} if "response_cache" in fields else {}
    return Settings(database_url=f"sqlite://{path}", rate_limit_per_ip=0, rate_limit_per_user=0, **extra)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/umkm_storefront.db"))
    parser.add_argument("--reseed", action="store_true", help="fill the database again even if it is seeded")
    parser.add_argument("--sizes", default="10,50,100", help="page sizes, comma-separated")
    parser.add_argument("--seconds", type=float, default=3.0, help="timing per figure")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per figure (the median is shown)")
    parser.add_argument("--profile", action="store_true", help="profile the uncached app at each page size")
    parser.add_argument("--requests", type=int, default=300, help="requests per profile")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    await ensure_seeded(f"sqlite://{args.db}", SCALE, reseed=args.reseed)

    floor, uncached, cached = floor_app(args.db), create_app(app_settings(args.db, False)), create_app(app_settings(args.db, True))
    async with (floor.router.lifespan_context(floor), uncached.router.lifespan_context(uncached),
                cached.router.lifespan_context(cached)):
        clients = {name: Client(app) for name, app in (("floor", floor), ("api", uncached), ("cached", cached))}
        for size in sizes:
            expected = await clients["floor"].ask(size)
            for name in ("api", "cached"):
                if await clients[name].ask(size) != expected:
                    raise SystemExit(f"{name} and the SQL floor answer differently at first={size}")
        print("requests per CPU-second (medians of interleaved rounds)")
        seen = cache_outcomes()
        print(f"{'first':>5} {'floor req/s':>12} {'api req/s':>10} {'ratio':>6} {'cached req/s':>13} {'ratio':>6}  "
              f"{'hits':>6}")
        for size in sizes:
            rounds: dict[str, list[float]] = {name: [] for name in clients}
            for _ in range(args.rounds):  # interleaved, so a busy moment of the machine hits every side alike
                for name, client in clients.items():
                    rounds[name].append(await rate(lambda c=client, s=size: c.ask(s), args.seconds / args.rounds))  # type: ignore[misc]
            figures = {name: statistics.median(values) for name, values in rounds.items()}
            outcomes = cache_outcomes()
            hits = (outcomes["hit"] - seen["hit"]) / max(1.0, sum(outcomes.values()) - sum(seen.values()))
            seen = outcomes
            print(f"{size:>5} {figures['floor']:>12,.0f} {figures['api']:>10,.0f} {figures['api'] / figures['floor']:>6.3f} "
                  f"{figures['cached']:>13,.0f} {figures['cached'] / figures['floor']:>6.3f}  {hits:>6.1%}", flush=True)
        if args.profile:
            for size in sizes:
                print(f"\n=== profile of the uncached app, first={size}, {args.requests} requests")
                ask = lambda s=size: clients["api"].ask(s)  # noqa: E731
                await profile(ask, args.requests, args.top)


if __name__ == "__main__":
    asyncio.run(main())
