"""WebSocket limits and subscriptions (hardening II, items 4 and 13): before and after, side by side, in one run.

    .venv/bin/python bench/sockets.py --baseline-src /tmp/ws-before/src
        # /tmp/ws-before: a second checkout of the code before the change, e.g.
        # `git worktree add /tmp/ws-before main` (remove it with `git worktree remove /tmp/ws-before` afterwards)

Each server is `umkm-graph serve` in a process of its own, with the default limits, on its own copy of one seeded
SQLite database (`umkm-graph seed`): "before" runs the baseline's src/, "after" this tree's, and "after, no caps" this
tree's with 100 operations a socket and no rate limits (LIFTED: the routing of events alone). On each:
1. Ten payment events (the demo seller confirms cash for ten COD orders of one buyer): the server's CPU for them
   (from /proc, until it is idle again) with no subscription open, then with an attacker's 5 sockets x 100
   `paymentUpdated` subscriptions that hear none of them (how many the server accepted is shown).
2. One message of 8.5 MB on a signed-in socket: answered, or refused (and how).
3. 1,500 `{ __typename }` queries on one socket, five in flight at a time: answered and refused.
Nothing is asserted; tests/engine/test_socket_limits.py and test_subscription_caps.py hold the behaviour.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from run import ROOT, Server, api_command, free_port, spawn, stop  # bench/run.py
from startup import cpu_seconds  # bench/startup.py

PASSWORD = "kamis-mbois"  # the demo's (src/umkm_graph/demo/data/demo.toml)
SELLER = "penjual@example.id"
SHOP = "toko-sembako-bu-sri"
# The routing of events alone: the caps and the rate limits lifted, so the attacker's 500 subscriptions all open.
LIFTED = {"UMKM_MAX_SUBSCRIPTIONS_PER_SOCKET": "100", "UMKM_RATE_LIMIT_PER_USER": "0", "UMKM_RATE_LIMIT_PER_IP": "0"}
PAYMENT_UPDATED = "subscription { paymentUpdated { order { id } payment { status } } }"


@dataclass
class Figures:
    cpu_alone_ms: float = 0.0
    cpu_watched_ms: float = 0.0
    subscriptions_open: int = 0
    big_message: str = ""
    flood: Counter[str] = field(default_factory=Counter)
    flood_seconds: float = 0.0


async def gql(session: aiohttp.ClientSession, url: str, query: str, variables: dict[str, Any] | None = None,
              token: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with session.post(f"{url}/graphql", json={"query": query, "variables": variables or {}},
                            headers=headers) as response:
        body = await response.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return body["data"]  # type: ignore[no-any-return]


async def sign_up(session: aiohttp.ClientSession, url: str, name: str) -> str:
    data = await gql(session, url, "mutation($i: RegisterInput!) { register(input: $i) { token } }",
                     {"i": {"email": f"{name}{time.monotonic_ns()}@example.id", "password": "rahasia-123",
                            "name": name.title(), "role": "BUYER"}})
    return str(data["register"]["token"])


async def socket(session: aiohttp.ClientSession, url: str, token: str) -> aiohttp.ClientWebSocketResponse:
    ws = await session.ws_connect(url.replace("http", "ws") + "/graphql", protocols=["graphql-transport-ws"],
                                  max_msg_size=0)
    await ws.send_str(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
    await ws.receive(timeout=10)
    return ws


async def idle_cpu(pid: int) -> float:
    """The process's CPU seconds once it has stopped using any for 0.3 s."""
    last = cpu_seconds(pid)
    while True:
        await asyncio.sleep(0.3)
        now = cpu_seconds(pid)
        if now - last < 0.005:
            return now
        last = now


async def payment_events(session: aiohttp.ClientSession, server: Server, figures: Figures) -> None:
    url = server.url
    seller = (await gql(session, url, "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                        {"e": SELLER, "p": PASSWORD}))["login"]["token"]
    shop = (await gql(session, url, "query($s: String!) { shop(slug: $s) { id products(first: 20) { edges { node "
                      "{ id stock } } } } }", {"s": SHOP}))["shop"]
    product = next(edge["node"]["id"] for edge in shop["products"]["edges"] if edge["node"]["stock"] >= 40)
    buyer, attacker = await sign_up(session, url, "pembeli"), await sign_up(session, url, "penyerang")
    cart = {"lines": [{"productId": product, "quantity": 1}],
            "shops": [{"shopId": shop["id"], "deliveryProvider": "pickup"}], "paymentMethod": "COD"}
    orders = []
    for _ in range(20):
        placed = await gql(session, url, "mutation($i: CheckoutInput!) { checkout(input: $i) { checkout { orders "
                           "{ id } } errors { message } } }", {"i": cart}, buyer)
        order = placed["checkout"]["checkout"]["orders"][0]["id"]
        for step in ("acceptOrder", "markReadyForPickup"):
            await gql(session, url, f"mutation($id: ID!) {{ {step}(id: $id) {{ errors {{ message }} }} }}",
                      {"id": order}, seller)
        orders.append(order)

    async def ten_events(batch: list[str]) -> float:
        began = await idle_cpu(server.pid)
        for order in batch:
            await gql(session, url, "mutation($id: ID!) { confirmCashCollected(id: $id) { errors { message } } }",
                      {"id": order}, seller)
        return (await idle_cpu(server.pid) - began) * 1000

    figures.cpu_alone_ms = await ten_events(orders[:10])
    sockets = [await socket(session, url, attacker) for _ in range(5)]
    for ws in sockets:
        for n in range(100):
            await ws.send_str(json.dumps({"id": str(n), "type": "subscribe", "payload": {"query": PAYMENT_UPDATED}}))
    await asyncio.sleep(1.0)
    refused = 0
    for ws in sockets:
        while True:
            try:
                message = await ws.receive(timeout=0.2)
            except TimeoutError:
                break
            if message.type != aiohttp.WSMsgType.TEXT:
                refused += 100  # the socket itself was closed
                break
            refused += json.loads(message.data)["type"] == "error"
    figures.subscriptions_open = 500 - refused
    figures.cpu_watched_ms = await ten_events(orders[10:])
    for ws in sockets:
        await ws.close()


async def big_message(session: aiohttp.ClientSession, server: Server, figures: Figures) -> None:
    token = await sign_up(session, server.url, "besar")
    ws = await socket(session, server.url, token)
    query = "#" + "x" * 8_500_000 + "\n{ __typename }"
    await ws.send_str(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
    message = await ws.receive(timeout=30)
    if message.type == aiohttp.WSMsgType.TEXT:
        answer = json.loads(message.data)
        errors = answer["payload"] if answer["type"] == "error" else answer["payload"].get("errors")
        figures.big_message = f"answered ({errors[0]['extensions']['code'] if errors else 'data'})"
    else:
        figures.big_message = f"refused: close {ws.close_code} {message.extra}"
    await ws.close()


async def flood(session: aiohttp.ClientSession, server: Server, figures: Figures) -> None:
    token = await sign_up(session, server.url, "banjir")
    ws = await socket(session, server.url, token)
    began = time.perf_counter()
    for start in range(0, 1500, 5):
        ids = {str(n) for n in range(start, start + 5)}
        for n in ids:
            await ws.send_str(json.dumps({"id": n, "type": "subscribe", "payload": {"query": "{ __typename }"}}))
        while ids:
            answer = json.loads((await ws.receive(timeout=10)).data)
            if answer.get("id") in ids and answer["type"] in ("next", "error"):
                ids.discard(answer["id"])
                errors = answer["payload"] if answer["type"] == "error" else answer["payload"].get("errors")
                figures.flood["answered" if not errors else errors[0]["extensions"].get("code", "?")] += 1
    figures.flood_seconds = time.perf_counter() - began
    await ws.close()


def environment(database: Path, source: Path | None, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UMKM_")}
    env.update(UMKM_DATABASE_URL=f"sqlite://{database}", UMKM_PAYMENT_JOBS_INTERVAL_SECONDS="0",
               UMKM_ACCESS_LOG="false", **extra)
    if source is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(source), env.get("PYTHONPATH")]))
    return env


async def measure(name: str, seeded: Path, source: Path | None, extra: dict[str, str], work: Path) -> Figures:
    database = work / f"{name.replace(' ', '-').replace(',', '')}.sqlite3"
    shutil.copy(seeded, database)
    port = free_port()
    server = spawn(f"sockets-{name.replace(' ', '-').replace(',', '')}", api_command(port),
                   environment(database, source, extra), port)
    figures = Figures()
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(300):
                try:
                    await gql(session, server.url, "{ __typename }")
                    break
                except (aiohttp.ClientError, OSError):
                    await asyncio.sleep(0.1)
            await payment_events(session, server, figures)
            await big_message(session, server, figures)
            await flood(session, server, figures)
    finally:
        stop(server)
    return figures


def seed(work: Path) -> Path:
    seeded = work / "seeded.sqlite3"
    env = environment(seeded, None, {})
    subprocess.run([*api_command(0)[:-3], "seed"], env=env, cwd=ROOT, check=True, capture_output=True)
    return seeded


def report(columns: dict[str, Figures]) -> None:
    rows = [
        ("10 payment events, no subscriptions: CPU ms", lambda f: f"{f.cpu_alone_ms:.0f}"),
        ("paymentUpdated subscriptions accepted of 5 x 100", lambda f: str(f.subscriptions_open)),
        ("10 payment events, those subscriptions open: CPU ms", lambda f: f"{f.cpu_watched_ms:.0f}"),
        ("one 8.5 MB message", lambda f: f.big_message),
        ("1,500 queries on one socket: answered", lambda f: str(f.flood["answered"])),
        ("1,500 queries on one socket: refused RATE_LIMITED", lambda f: str(f.flood["RATE_LIMITED"])),
        ("1,500 queries on one socket: seconds", lambda f: f"{f.flood_seconds:.1f}"),
    ]
    width = max(len(label) for label, _ in rows)
    print(f"{'':<{width}}  " + "  ".join(f"{name:>22}" for name in columns))
    for label, value in rows:
        print(f"{label:<{width}}  " + "  ".join(f"{value(f):>22}" for f in columns.values()))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline-src", type=Path, required=True, help="src/ of the code before the change")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="umkm-sockets-") as tmp:
        work = Path(tmp)
        seeded = seed(work)
        columns = {
            "before": await measure("before", seeded, args.baseline_src.resolve(), {}, work),
            "after": await measure("after", seeded, None, {}, work),
            "after, no caps": await measure("after, no caps", seeded, None, LIFTED, work),
        }
    report(columns)


if __name__ == "__main__":
    asyncio.run(main())
