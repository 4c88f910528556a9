"""The benchmark of issue 6: the API next to a raw-SQL floor, on one scaled database, in one command.

    .venv/bin/python bench/run.py --db sqlite            # full scale; the first run seeds for a few minutes
    .venv/bin/python bench/run.py --db postgres          # database `bench` on 127.0.0.1:5432 (created if missing)
    .venv/bin/python bench/run.py --db sqlite --quick    # a smoke run: a tenth of the data, short rounds, print only
    .venv/bin/python bench/run.py --db postgres --only checkout   # step 4 alone (about a minute), print only
    .venv/bin/python bench/run.py --db postgres --only checkout --baseline-src /tmp/before/src
        # ... with a second API server running another copy of src/ (e.g. `git archive HEAD src | tar -x -C /tmp/before`)
        # measured in the same interleaved rounds, as "baseline": a change's before and after side by side

What one run does, in order:
1. Seeds (bench/seeding.py) 2,000 shops, 100,000 products, 500,000 reviews and 100,000 orders, with a progress bar;
   --quick seeds 200 / 10,000 / 50,000 / 10,000. The seeded database is kept (bench/.data/, one SQLite file per
   scale) and reused until the scale changes (PostgreSQL's one `bench` database is filled again when a run switches
   between --quick and full) or --reseed is given.
2. Counts the SQL statements of one storefront request at page sizes 10, 50 and 100, in-process, with the statement
   counter of tests/helpers/statements.py.
3. Starts the floor (bench/floor.py) and `umkm-graph serve` (rate limits off, one uvicorn worker each, own processes),
   checks that they return the same products for the storefront question, then loads them in interleaved rounds
   (floor, API, floor, API, ... at each page size) with wrk, or an aiohttp load process when wrk is missing. When the
   settings have a response-cache switch (CACHE_SWITCH below), a second API server with the cache on is measured too
   ("cached": the same anonymous query repeated); the first runs with it off ("uncached").
4. On PostgreSQL: 16 buyers check out concurrently, each a 3-line cart over 2 shops (COD, self-pickup), through the
   API's `checkout` mutation and through the floor's hand-written transaction; rows written are cleaned up afterwards.
5. Start-up: `umkm-graph serve` spawned several times, the time to its first storefront answer (bench/startup.py
   measures this alone, next to the interpreter's and the imports' own times).
6. The analytics aggregates, service against hand-written SQL (bench/analytics.py's `compare`).
7. Prints the medians and ratios, and writes them to docs/performance.md, replacing the section of this database
   (a --quick run only prints).

Nothing here is asserted: the targets of issue 6 are shown as met or not met. Issue 14's 3-shop cashless checkout with
one payment has its own script, bench/shared_payment.py (in-process, both databases).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import inspect
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT)]  # bench/ modules, and tests/ for the statement counter

import analytics  # noqa: E402
from load import LoadResult, LoadSpec, measure  # noqa: E402
from seeding import FULL, QUICK, Scale, dsn, ensure_seeded, is_postgres  # noqa: E402

DATA = BENCH / ".data"
SQLITE_URL = f"sqlite://{DATA / 'bench.sqlite3'}"
SQLITE_QUICK_URL = f"sqlite://{DATA / 'bench-quick.sqlite3'}"  # so a smoke run leaves the full-scale file alone
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/bench"
REPORT = ROOT / "docs" / "performance.md"
PAGE_SIZES = (10, 50, 100)
READ_CONNECTIONS = 8
BUYERS = 16  # concurrent buyers at checkout, one connection each
CARTS_PER_BUYER = 3
BENCH_PASSWORD = "bench-password-123"
# The public response cache's on/off switch, as an environment variable read by settings.py (a true/false value). When
# settings.py does not read it, there is no cache to switch: "cached" is then not measured. Another name or other values:
# change these three constants.
CACHE_SWITCH = "UMKM_RESPONSE_CACHE"
CACHE_OFF, CACHE_ON = "false", "true"

STOREFRONT = ("query Storefront($first: Int!, $category: String!) { products(filter: {category: $category}, "
              "first: $first) { edges { node { id name price shop { name kecamatan } rating reviewCount } } } }")
CHECKOUT = ("mutation Checkout($input: CheckoutInput!) { checkout(input: $input) { checkout { id total } "
            "errors { code field message } } }")
LOGIN = ("mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) "
         "{ token errors { message } } }")


@dataclass
class Plan:
    rounds: int
    seconds: float
    startups: int
    analytics_repeat: int

    @classmethod
    def of(cls, quick: bool) -> Plan:
        return cls(rounds=2, seconds=2.0, startups=3, analytics_repeat=3) if quick else \
            cls(rounds=4, seconds=5.0, startups=5, analytics_repeat=5)


def storefront_body(first: int, category: str = "sembako") -> str:
    return json.dumps({"query": STOREFRONT, "variables": {"first": first, "category": category}})


# --- HTTP from this process (checks, sign-ins, start-up), and servers in their own processes --------------------------


def post_json(url: str, body: str, headers: dict[str, str] | None = None, timeout: float = 30) -> tuple[int, Any]:
    request = urllib.request.Request(url, body.encode(), {"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid


def cache_switch_exists() -> bool:
    """Whether the settings read the response-cache switch (the other half of the cached measurement)."""
    from umkm_graph import settings

    return f'"{CACHE_SWITCH}"' in inspect.getsource(settings)


def api_environment(database_url: str, cache: bool | None) -> dict[str, str]:
    """`umkm-graph serve`'s environment: the defaults (UMKM_ENV unset), this database, no rate limits, no jobs, and no
    caps on what a buyer holds unpaid (each of the bench's buyers checks out hundreds of times, unpaid, in a minute;
    with a cap on, a PostgreSQL checkout is a transaction of four more round trips, which the floor does not make)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UMKM_")}
    env.update(UMKM_DATABASE_URL=database_url, UMKM_RATE_LIMIT_PER_IP="0", UMKM_RATE_LIMIT_PER_USER="0",
               UMKM_PAYMENT_JOBS_INTERVAL_SECONDS="0", UMKM_MAX_UNPAID_UNITS_PER_PRODUCT="0",
               UMKM_MAX_UNPAID_ORDERS="0", UMKM_MAX_UNPAID_RUPIAH="0")
    if cache is not None:
        env[CACHE_SWITCH] = CACHE_ON if cache else CACHE_OFF
    return env


def api_command(port: int) -> list[str]:
    script = Path(sys.executable).with_name("umkm-graph")
    head = [str(script)] if script.exists() else [sys.executable, "-m", "umkm_graph.cli"]
    return [*head, "serve", "--port", str(port)]


def spawn(name: str, command: list[str], env: dict[str, str], port: int) -> Server:
    DATA.mkdir(parents=True, exist_ok=True)
    log = DATA / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    return Server(name, process, f"http://127.0.0.1:{port}", log)


def wait_for_answer(server: Server, timeout: float = 60) -> float:
    """Seconds until the server answers the storefront query with data (polling every 10 ms)."""
    began = time.perf_counter()
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited:\n{server.log.read_text(errors='replace')[-3000:]}")
        try:
            status, body = post_json(server.url + "/graphql", storefront_body(10), timeout=5)
            if status == 200 and body.get("data"):
                return time.perf_counter() - began
            raise RuntimeError(f"{server.name} answered {status}: {str(body)[:500]}")
        except (ConnectionError, urllib.error.URLError, TimeoutError):
            pass
        if time.perf_counter() - began > timeout:
            raise RuntimeError(f"{server.name} did not answer within {timeout} s; see {server.log}")
        time.sleep(0.01)


def stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def start_api(name: str, database_url: str, cache: bool | None, source: Path | None = None) -> Server:
    """`umkm-graph serve` on a free port; with `source`, that directory's umkm_graph package instead of this tree's."""
    port = free_port()
    env = api_environment(database_url, cache)
    if source is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(source), env.get("PYTHONPATH")]))
    return spawn(name, api_command(port), env, port)


def start_floor(database_url: str) -> Server:
    port = free_port()
    command = [sys.executable, str(BENCH / "floor.py"), "--database-url", database_url, "--port", str(port)]
    return spawn("floor", command, dict(os.environ), port)


@contextmanager
def running(*servers: Server) -> Iterator[None]:
    try:
        for server in servers:
            wait_for_answer(server)
        yield
    finally:
        for server in servers:
            stop(server)


def cpu_seconds(pid: int) -> float:
    """The process's own CPU time so far (user + system, from /proc/<pid>/stat), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class RssPeak:
    """The largest VmRSS a process reaches while the block runs, sampled every 100 ms."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()

    def __enter__(self) -> RssPeak:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            self._stop.wait(0.1)

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


# --- the storefront ------------------------------------------------------------------------------------------------


def storefront_nodes(server: Server, first: int) -> list[dict[str, Any]]:
    status, body = post_json(server.url + "/graphql", storefront_body(first))
    if status != 200 or body.get("errors") or not body.get("data"):
        raise RuntimeError(f"{server.name} did not answer the storefront query: {status} {str(body)[:500]}")
    return [edge["node"] for edge in body["data"]["products"]["edges"]]


def same_products(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> str | None:
    """None when both answers list the same products with the same fields; else the difference. Ratings may differ
    by 0.01: the API rounds halves to even (Python's round), the databases' round() rounds them away from zero."""
    if [n["id"] for n in a] != [n["id"] for n in b]:
        return f"ids differ: {[n['id'] for n in a][:12]} vs {[n['id'] for n in b][:12]}"
    for x, y in zip(a, b, strict=True):
        plain = ("name", "price", "shop", "reviewCount")
        if any(x[k] != y[k] for k in plain) or (x["rating"] is None) != (y["rating"] is None) or \
                (x["rating"] is not None and abs(float(x["rating"]) - float(y["rating"])) > 0.0100001):
            return f"product {x['id']} differs: {x} vs {y}"
    return None


def check_same_answers(floor: Server, apis: list[Server]) -> None:
    for first in PAGE_SIZES:
        expected = storefront_nodes(floor, first)
        if len(expected) != first:
            raise RuntimeError(f"the floor found {len(expected)} sembako products, not {first}: is the database seeded?")
        for api in apis:
            difference = same_products(expected, storefront_nodes(api, first))
            if difference:
                raise RuntimeError(f"floor and {api.name} disagree at first={first}: {difference}")


@dataclass
class Rounds:
    """Each target's results, round by round."""

    results: dict[str, list[LoadResult]] = field(default_factory=dict)
    cpu_ms: dict[str, list[float]] = field(default_factory=dict)  # the server's CPU per request, round by round

    def add(self, key: str, result: LoadResult, cpu_seconds: float | None = None) -> None:
        self.results.setdefault(key, []).append(result)
        if cpu_seconds is not None and result.requests:
            self.cpu_ms.setdefault(key, []).append(cpu_seconds * 1000 / result.requests)

    def cpu(self, key: str) -> float:
        found = self.cpu_ms.get(key)
        return statistics.median(found) if found else float("nan")

    def median(self, key: str, what: Callable[[LoadResult], float]) -> float:
        found = self.results.get(key)
        return statistics.median(what(r) for r in found) if found else float("nan")

    def errors(self, key: str) -> int:
        return sum(r.errors for r in self.results.get(key, []))


def storefront_rounds(floor: Server, apis: list[Server], plan: Plan, tool: str, peaks: dict[str, float]) -> Rounds:
    rounds = Rounds()
    targets = [floor, *apis]
    for server in targets:  # warm each, briefly, at the largest page
        measure(LoadSpec(server.url + "/graphql", [storefront_body(PAGE_SIZES[-1])], seconds=1,
                         connections=READ_CONNECTIONS), tool)
    for r in range(plan.rounds):
        for first in PAGE_SIZES:
            for server in targets:
                spec = LoadSpec(server.url + "/graphql", [storefront_body(first)], connections=READ_CONNECTIONS,
                                seconds=plan.seconds)
                cpu_before = cpu_seconds(server.pid)
                with RssPeak(server.pid) as peak:
                    result = measure(spec, tool)
                cpu = cpu_seconds(server.pid) - cpu_before
                peaks[server.name] = max(peaks.get(server.name, 0.0), peak.peak)
                rounds.add(f"{server.name}/{first}", result, cpu)
                print(f"  round {r + 1}/{plan.rounds} first={first:<3} {server.name:<10} {result.rps:8.1f} req/s  "
                      f"p50 {result.p50_ms:7.2f} ms  p99 {result.p99_ms:7.2f} ms  "
                      f"CPU {cpu * 1000 / max(result.requests, 1):5.2f} ms/req"
                      + (f"  errors {result.errors}" if result.errors else ""), flush=True)
    return rounds


async def count_statements(database_url: str, cache: bool | None) -> dict[int, int]:
    """SQL statements of one storefront request at each page size, counted in-process after a warm-up request (so with
    the response cache on, this is a cache hit)."""
    import httpx2

    from tests.helpers.statements import counting_statements
    from umkm_graph.app import create_app
    from umkm_graph.settings import Settings

    settings = Settings.from_env(api_environment(database_url, cache))
    app = create_app(settings)
    counts = {}
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://bench") as client:
            for first in PAGE_SIZES:
                body = json.loads(storefront_body(first))
                (await client.post("/graphql", json=body)).raise_for_status()
                with counting_statements() as statements:
                    response = await client.post("/graphql", json=body)
                response.raise_for_status()
                counts[first] = len(statements)
    return counts


# --- checkout (PostgreSQL) -----------------------------------------------------------------------------------------

WRITTEN = ("order_transitions", "payments", "order_lines", "orders", "checkouts")  # children first


@dataclass
class Cart:
    buyer_id: int
    email: str
    lines: list[tuple[int, int]]  # (product id, quantity)
    shops: list[int]


async def prepare_checkout(database_url: str) -> tuple[list[Cart], dict[str, int]]:
    """Bench buyers who can sign in, carts of 3 lines over 2 verified shops (distinct products, ample stock), and
    the highest id in each table written at checkout, so the run's rows can be counted and removed."""
    import asyncpg
    from argon2 import PasswordHasher

    connection = await asyncpg.connect(dsn(database_url))
    try:
        hashed = PasswordHasher().hash(BENCH_PASSWORD)
        buyers = []
        for i in range(BUYERS):
            email = f"pembeli{i}@bench.id"
            await connection.execute(
                "INSERT INTO users (email, password_hash, name, role, created_at) VALUES ($1, $2, $3, 'BUYER', now()) "
                "ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash", email, hashed,
                f"Pembeli Bench {i}")
            buyers.append((await connection.fetchval("SELECT id FROM users WHERE email = $1", email), email))
        rows = await connection.fetch(
            "SELECT p.id, p.shop_id FROM products p JOIN shops s ON s.id = p.shop_id "
            "WHERE s.status = 'VERIFIED' AND s.offers_pickup AND p.is_active ORDER BY p.shop_id, p.id")
        by_shop: dict[int, list[int]] = {}
        for row in rows:
            by_shop.setdefault(row["shop_id"], []).append(row["id"])
        shops = [s for s, products in by_shop.items() if len(products) >= 3]
        carts = []
        for n in range(min(BUYERS * CARTS_PER_BUYER, len(shops) // 2)):  # fewer on a tiny database
            first, second = shops[2 * n], shops[2 * n + 1]
            buyer_id, email = buyers[n % BUYERS]
            lines = [(by_shop[first][0], 2), (by_shop[first][1], 1), (by_shop[second][0], 3)]
            carts.append(Cart(buyer_id, email, lines, [first, second]))
        await connection.execute("UPDATE products SET stock = 1000000 WHERE id = ANY($1::int[])",
                                  [p for cart in carts for p, _ in cart.lines])
        highest = {table: await connection.fetchval(f"SELECT coalesce(max(id), 0) FROM {table}") for table in WRITTEN}
        return carts, highest
    finally:
        await connection.close()


async def rows_since(database_url: str, highest: dict[str, int], remove: bool = False) -> int:
    """Checkouts written since `highest` was taken; with remove, every row written since is deleted."""
    import asyncpg

    connection = await asyncpg.connect(dsn(database_url))
    try:
        made = await connection.fetchval("SELECT count(*) FROM checkouts WHERE id > $1", highest["checkouts"])
        if remove:
            async with connection.transaction():
                for table in WRITTEN:
                    await connection.execute(f"DELETE FROM {table} WHERE id > $1", highest[table])
        return int(made)
    finally:
        await connection.close()


def checkout_bodies(api: Server, carts: list[Cart]) -> tuple[list[str], list[dict[str, str]], list[str]]:
    """The API's mutation bodies with each buyer's bearer token (signed in through the API), and the floor's bodies."""
    tokens: dict[str, str] = {}
    for cart in carts:
        if cart.email not in tokens:
            status, body = post_json(api.url + "/graphql", json.dumps(
                {"query": LOGIN, "variables": {"email": cart.email, "password": BENCH_PASSWORD}}))
            token = ((body or {}).get("data") or {}).get("login", {}).get("token")
            if status != 200 or not token:
                raise RuntimeError(f"{cart.email} could not sign in: {status} {body}")
            tokens[cart.email] = token
    api_bodies = [json.dumps({"query": CHECKOUT, "variables": {"input": {
        "lines": [{"productId": str(p), "quantity": q} for p, q in cart.lines],
        "shops": [{"shopId": str(s), "deliveryProvider": "pickup"} for s in cart.shops],
        "paymentMethod": "COD"}}}) for cart in carts]
    headers = [{"Authorization": f"Bearer {tokens[cart.email]}"} for cart in carts]
    floor_bodies = [json.dumps({"buyer": cart.buyer_id, "lines": cart.lines}) for cart in carts]
    return api_bodies, headers, floor_bodies


@dataclass
class CheckoutFigures:
    rounds: Rounds
    written: dict[str, int]  # checkouts the database holds afterwards, per target: failures show as a shortfall


def checkout_rounds(database_url: str, floor: Server, apis: list[Server], plan: Plan, tool: str,
                    peaks: dict[str, float]) -> CheckoutFigures:
    """Interleaved rounds: the floor, then each API server (named by its Server.name), round after round."""
    carts, highest = asyncio.run(prepare_checkout(database_url))
    api_bodies, headers, floor_bodies = checkout_bodies(apis[0], carts)
    for api in apis:
        status, body = post_json(api.url + "/graphql", api_bodies[0], headers[0])
        if status != 200 or body.get("errors") or body["data"]["checkout"]["errors"]:
            raise RuntimeError(f"{api.name}'s checkout failed: {status} {body}")
    status, body = post_json(floor.url + "/checkout", floor_bodies[0])
    if status != 200:
        raise RuntimeError(f"the floor's checkout failed: {status} {body}")
    rounds, written = Rounds(), {"floor": 0, **{api.name: 0 for api in apis}}
    targets = [("floor", floor, LoadSpec(floor.url + "/checkout", floor_bodies, connections=BUYERS, seconds=plan.seconds))]
    targets += [(api.name, api, LoadSpec(api.url + "/graphql", api_bodies, headers, connections=BUYERS,
                                         seconds=plan.seconds)) for api in apis]
    try:
        for r in range(plan.rounds):
            for name, server, spec in targets:
                before = asyncio.run(rows_since(database_url, highest))
                with RssPeak(server.pid) as peak:
                    result = measure(spec, tool)
                peaks[server.name] = max(peaks.get(server.name, 0.0), peak.peak)
                made = asyncio.run(rows_since(database_url, highest)) - before
                written[name] += made
                rounds.add(name, result)
                print(f"  round {r + 1}/{plan.rounds} checkout {name:<8} {result.rps:8.1f} /s  p50 {result.p50_ms:7.2f} ms"
                      f"  p99 {result.p99_ms:7.2f} ms  written {made} of {result.requests}", flush=True)
    finally:
        asyncio.run(rows_since(database_url, highest, remove=True))
    return CheckoutFigures(rounds, written)


# --- start-up, analytics ---------------------------------------------------------------------------------------------


def startup_times(database_url: str, cache: bool | None, times: int) -> list[float]:
    found = []
    for i in range(times):
        server = start_api(f"startup-{i}", database_url, cache)
        try:
            found.append(wait_for_answer(server))
        finally:
            stop(server)
    return found


def checkout_only(url: str, plan: Plan, tool: str, baseline: Path | None) -> int:
    """Step 4 alone, printed: the floor, this tree's API and, given a baseline source, that one's API."""
    cache = False if cache_switch_exists() else None
    floor, apis = start_floor(url), [start_api("api", url, cache)]
    if baseline is not None:
        apis.append(start_api("baseline", url, cache, baseline))
    print(f"4. checkout: {BUYERS} buyers, 3 lines over 2 shops, {plan.rounds} rounds of {plan.seconds:g} s, load by "
          f"{tool}", flush=True)
    with running(floor, *apis):
        figures = checkout_rounds(url, floor, apis, plan, tool, {})
    c = figures.rounds
    floor_rps = c.median("floor", lambda r: r.rps)
    print("\n| checkout (3 lines, 2 shops, COD, 16 buyers) | checkouts/s | p50 ms | p99 ms | written | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in c.results:
        rps = c.median(name, lambda r: r.rps)
        print(f"| {name} | {rps:.1f} | {c.median(name, lambda r: r.p50_ms):.2f} | {c.median(name, lambda r: r.p99_ms):.2f}"
              f" | {figures.written[name]} of {sum(r.requests for r in c.results[name])} | {rps / floor_rps:.3f} |")
    return 0


async def analytics_figures(database_url: str, repeat: int) -> list[analytics.Comparison]:
    from umkm_graph.db import close_database, open_database

    await open_database(database_url)
    try:
        return await analytics.compare(database_url, repeat, k=5)
    finally:
        await close_database()


# --- the report --------------------------------------------------------------------------------------------------------


@dataclass
class Figures:
    database: str
    quick: bool
    scale: Scale
    command: str
    tool: str
    plan: Plan
    statements: dict[int, int]  # uncached
    storefront: Rounds
    cached: bool
    peaks: dict[str, float]
    checkout: CheckoutFigures | None
    startup: list[float]
    analytics: list[analytics.Comparison]
    when: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"))
    load_average: str = "unknown"  # other work on the machine makes the figures move
    cached_statements: dict[int, int] = field(default_factory=dict)
    baseline: str | None = None  # what the baseline server runs (--baseline-src), measured beside this tree's

    def ratio(self, target: str, first: int) -> float:
        floor = self.storefront.median(f"floor/{first}", lambda r: r.rps)
        return self.storefront.median(f"{target}/{first}", lambda r: r.rps) / floor

    def checkout_ratio(self) -> float:
        assert self.checkout is not None
        rounds = self.checkout.rounds
        return rounds.median("api", lambda r: r.rps) / rounds.median("floor", lambda r: r.rps)


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown CPU")
    return f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, {platform.system()} {platform.release()}"


def render(f: Figures) -> str:
    out = [f"### {f.database}{' (quick)' if f.quick else ''}", "",
           f"- When: {f.when}. Machine: {machine()}. Load average before the run: {f.load_average}.",
           f"- Command: `{f.command}`",
           f"- Data: {f.scale.line()}. Load: {f.tool}, {READ_CONNECTIONS} connections for reads and {BUYERS} for "
           f"checkout, one uvicorn worker per server, {f.plan.rounds} interleaved rounds of {f.plan.seconds:g} s; "
           "medians of the rounds.", ""]
    out += ["| storefront | page | req/s | p50 ms | p99 ms | server CPU ms/request | SQL/request | ratio to floor |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    names = ["floor", *(["baseline"] if f.baseline else []), "api"] + (["api-cached"] if f.cached else [])
    for first in PAGE_SIZES:
        for name in names:
            key = f"{name}/{first}"
            sql = "1" if name == "floor" else "-" if name == "baseline" else \
                str((f.cached_statements if name == "api-cached" else f.statements).get(first, "?"))
            ratio = "1.00" if name == "floor" else f"{f.ratio(name, first):.3f}"
            errors = f.storefront.errors(key)
            label = {"floor": "floor (hand SQL)", "api": "API, uncached", "api-cached": "API, cached",
                     "baseline": f"API before ({f.baseline}), uncached"}[name]
            out.append(f"| {label}{f' ({errors} errors)' if errors else ''} | {first} | "
                       f"{f.storefront.median(key, lambda r: r.rps):.1f} | "
                       f"{f.storefront.median(key, lambda r: r.p50_ms):.2f} | "
                       f"{f.storefront.median(key, lambda r: r.p99_ms):.2f} | {f.storefront.cpu(key):.2f} | {sql} | "
                       f"{ratio} |")
    if not f.cached:
        out += ["", f"Cached: not measured; the settings have no `{CACHE_SWITCH}` switch yet."]
    if f.checkout is not None:
        c = f.checkout.rounds
        out += ["", "Checkout: rows written count the requests still in flight when the load stopped; fewer rows "
                    "than answers would mean failed checkouts.", "",
                "| checkout (3 lines, 2 shops, COD, 16 buyers) | checkouts/s | p50 ms | p99 ms | written | ratio |",
                "|---|---:|---:|---:|---:|---:|"]
        for name, label in (("floor", "hand-written SQL transaction"), ("api", "API `checkout` mutation")):
            requests = sum(r.requests for r in c.results[name])
            out.append(f"| {label} | {c.median(name, lambda r: r.rps):.1f} | {c.median(name, lambda r: r.p50_ms):.2f} | "
                       f"{c.median(name, lambda r: r.p99_ms):.2f} | {f.checkout.written[name]} of {requests} | "
                       f"{'1.00' if name == 'floor' else f'{f.checkout_ratio():.3f}'} |")
    if f.analytics:
        out += ["", "| analytics aggregate (median of runs) | service ms | hand SQL ms | service time / hand time |",
                "|---|---:|---:|---:|"]
        out += [f"| {a.aggregate} | {a.service_ms:.1f} | {a.hand_sql_ms:.1f} | {a.ratio:.2f} |" for a in f.analytics]
    startup = statistics.median(f.startup)
    rss = f.peaks.get("api", 0.0)
    out += ["", f"Start-up to the first storefront answer: median {startup:.2f} s of {len(f.startup)} "
                f"({', '.join(f'{s:.2f}' for s in f.startup)}). Peak RSS of the API worker under load: {rss:.0f} MB"
                + (f" (cached server: {f.peaks.get('api-cached', 0.0):.0f} MB)." if f.cached else "."), ""]
    worst = min(f.ratio("api", first) for first in PAGE_SIZES)
    rows = [("Storefront uncached, worst page size", ">= 0.15x floor (stretch 0.25x)", f"{worst:.3f}x",
             _met(worst >= 0.15) + (", stretch met" if worst >= 0.25 else ""))]
    if f.cached:
        cached = min(f.ratio("api-cached", first) for first in PAGE_SIZES)
        rows.append(("Storefront cached, worst page size", ">= 0.7x floor", f"{cached:.3f}x", _met(cached >= 0.7)))
    else:
        rows.append(("Storefront cached", ">= 0.7x floor", "not measured", "not measured"))
    counts = sorted(set(f.statements.values()))
    rows.append(("SQL statements per request", "the same at every page size",
                 ", ".join(f"{first}: {f.statements[first]}" for first in PAGE_SIZES), _met(len(counts) == 1)))
    if f.checkout is not None:
        rows.append(("Checkout, PostgreSQL, 16 buyers", ">= 0.25x hand SQL", f"{f.checkout_ratio():.3f}x",
                     _met(f.checkout_ratio() >= 0.25)))
    else:
        rows.append(("Checkout", ">= 0.25x hand SQL", "PostgreSQL only", "-"))
    rows.append(("Start-up", "< 1 s to the first answer", f"{startup:.2f} s", _met(startup < 1)))
    rows.append(("Memory", "RSS under load < 150 MB per worker", f"{rss:.0f} MB", _met(rss < 150)))
    rows.append(("Storefront uncached, worst page size (issue 19)", ">= 0.7x floor", f"{worst:.3f}x", _met(worst >= 0.7)))
    for first, wanted in ((10, 0.8), (100, 1.5)):
        cpu = f.storefront.cpu(f"api/{first}")
        rows.append((f"Server CPU per uncached request, page {first} (issue 19)", f"<= {wanted} ms", f"{cpu:.2f} ms",
                     _met(cpu <= wanted)))
    out += ["| target (issue 6; issue 19) | wanted | measured | |", "|---|---|---|---|"]
    out += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(out) + "\n"


HEADER = """# Performance

Figures from `bench/run.py` (issues 6 and 19): the API next to a hand-written-SQL floor on one scaled database. Each
section is rewritten by the run on that database; the command is in the section; text above the first section is kept. How the figures are made is in the docstring of
bench/run.py; what a figure means for the targets is in the last table of each section. Timings are only ever measured
here, never asserted in tests.

"""
SECTIONS = ("postgres", "sqlite", "postgres (quick)", "sqlite (quick)")


def write_report(figures: Figures, path: Path = REPORT) -> None:
    """Replace this database's section of docs/performance.md, keeping the others."""
    title = figures.database + (" (quick)" if figures.quick else "")
    sections: dict[str, str] = {}
    header = HEADER
    if path.exists():
        text = path.read_text()
        header = text[:text.index("\n### ") + 1] if "\n### " in text else text  # the file's own introduction

        current, lines = None, []
        for line in path.read_text().splitlines(keepends=True):
            if line.startswith("### "):
                if current:
                    sections[current] = "".join(lines)
                current, lines = line[4:].strip(), []
            if current:
                lines.append(line)
        if current:
            sections[current] = "".join(lines)
    sections[title] = render(figures)
    ordered = [sections[name].rstrip("\n") + "\n" for name in SECTIONS if name in sections]
    path.write_text(header + "\n".join(ordered))


# --- the run -----------------------------------------------------------------------------------------------------------


def database_url(db: str, given: str | None, quick: bool) -> str:
    if given:
        return given
    if db == "sqlite":
        return SQLITE_QUICK_URL if quick else SQLITE_URL
    create_postgres_database(POSTGRES_URL)
    return POSTGRES_URL


def create_postgres_database(url: str) -> None:
    import asyncpg

    name = url.rsplit("/", 1)[1]

    async def create() -> None:
        connection = await asyncpg.connect(dsn(url.rsplit("/", 1)[0] + "/postgres"))
        try:
            if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
                await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    asyncio.run(create())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: a tenth of the data, 2 rounds of 2 s; prints, writes no report")
    parser.add_argument("--reseed", action="store_true", help="fill the database again even if it holds this scale")
    parser.add_argument("--database-url", help=f"another database (default {SQLITE_URL} or {POSTGRES_URL})")
    parser.add_argument("--load", choices=("auto", "wrk", "aiohttp"), default="auto",
                        help="the load generator (auto: wrk when on PATH)")
    parser.add_argument("--no-report", action="store_true", help="print only; leave docs/performance.md alone")
    parser.add_argument("--json", help="also write the figures as JSON to this file")
    parser.add_argument("--only", choices=("checkout",),
                        help="one part alone: checkout (step 4, PostgreSQL, full-length rounds); prints, writes no report")
    parser.add_argument("--baseline-src", type=Path,
                        help="also serve the umkm_graph package of this directory, as 'baseline' (uncached), measured "
                             "in the same rounds: a change's before and after side by side")
    parser.add_argument("--no-analytics", action="store_true", help="leave out step 6, the analytics aggregates")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 4, --quick 2)")
    parser.add_argument("--seconds", type=float, help="seconds per round and target (default 5, --quick 2)")
    parser.add_argument("--baseline-label", default="baseline", help="what the baseline is, for the report")
    parser.add_argument("--report", action="store_true", help="write docs/performance.md even for a --quick run "
                                                            "(as its own '(quick)' section)")
    args = parser.parse_args(argv)
    url = database_url(args.db, args.database_url, args.quick)
    scale, plan = (QUICK if args.quick else FULL), Plan.of(args.quick)
    plan.rounds, plan.seconds = args.rounds or plan.rounds, args.seconds or plan.seconds
    tool = args.load if args.load != "auto" else ("wrk" if shutil.which("wrk") else "aiohttp")
    command = " ".join([".venv/bin/python bench/run.py", *(argv if argv is not None else sys.argv[1:])])

    load_average = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"1. seed ({url})", flush=True)
    asyncio.run(ensure_seeded(url, scale, reseed=args.reseed))
    if args.only == "checkout":
        if not is_postgres(url):
            parser.error("the checkout is measured on PostgreSQL only: --db postgres")
        return checkout_only(url, plan, tool, args.baseline_src)
    cached = cache_switch_exists()
    print("2. SQL statements per storefront request", flush=True)
    statements = asyncio.run(count_statements(url, False if cached else None))
    cached_statements = asyncio.run(count_statements(url, True)) if cached else {}
    print("   " + ", ".join(f"first={k}: {v}" for k, v in statements.items())
          + (" (cached: " + ", ".join(f"{v}" for v in cached_statements.values()) + ")" if cached else ""), flush=True)

    print(f"3. storefront: floor vs API, {plan.rounds} rounds of {plan.seconds:g} s, load by {tool}", flush=True)
    peaks: dict[str, float] = {}
    floor = start_floor(url)
    apis = [start_api("api", url, False if cached else None)]
    if args.baseline_src is not None:
        apis.append(start_api("baseline", url, False if cached else None, args.baseline_src))
    if cached:
        apis.append(start_api("api-cached", url, True))
    checkout = None
    with running(floor, *apis):
        check_same_answers(floor, apis)
        storefront = storefront_rounds(floor, apis, plan, tool, peaks)
        if is_postgres(url):
            print(f"4. checkout: {BUYERS} buyers, 3 lines over 2 shops", flush=True)
            checkout = checkout_rounds(url, floor, apis[:1], plan, tool, peaks)
        else:
            print("4. checkout: PostgreSQL only, skipped", flush=True)

    print(f"5. start-up, {plan.startups} times", flush=True)
    startup = startup_times(url, False if cached else None, plan.startups)
    print("   " + ", ".join(f"{s:.2f} s" for s in startup), flush=True)
    comparisons: list[analytics.Comparison] = []
    if args.no_analytics:
        print("6. analytics: skipped (--no-analytics)", flush=True)
    else:
        print("6. analytics: service vs hand-written SQL", flush=True)
        comparisons = asyncio.run(analytics_figures(url, plan.analytics_repeat))

    figures = Figures(args.db, args.quick, scale, command, tool, plan, statements, storefront, cached, peaks,
                      checkout, startup, comparisons, load_average=load_average,
                      cached_statements=cached_statements,
                      baseline=args.baseline_label if args.baseline_src is not None else None)
    text = render(figures)
    print("\n" + text)
    if not args.no_report and (args.report or not args.quick):
        write_report(figures)
        print(f"written to {REPORT.relative_to(ROOT)}")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "database": args.db, "quick": args.quick, "statements": statements, "cached_statements": cached_statements,
            "storefront": {k: [vars(r) for r in v] for k, v in storefront.results.items()},
            "checkout": None if checkout is None else {k: [vars(r) for r in v] for k, v in checkout.rounds.results.items()},
            "startup": startup, "rss_peak_mb": peaks,
            "analytics": [vars(a) for a in comparisons]}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
