"""The benchmark of issue 14: a cashless checkout from three shops paid by one payment, through the API's `checkout`
mutation, against a hand-written transaction doing the same writes; the ratio on SQLite and PostgreSQL.

    .venv/bin/python bench/shared_payment.py --db sqlite
    .venv/bin/python bench/shared_payment.py --db postgres   # database bench_shared on 127.0.0.1:5432 (emptied)
    .venv/bin/python bench/shared_payment.py --db both --checkouts 300 --rounds 5

What it does: an app on a fresh database (a temporary SQLite file, or the emptied PostgreSQL database) with an
instant QRIS provider (a plugin that answers at once, so the gateway's own latency is left out of both sides), three
verified shops with a product each, and one buyer. Then, in alternating rounds, one buyer at a time:
- "API": the `checkout` mutation in-process over ASGI (no sockets): 3 lines, one per shop, self-pickup, BENCH_QRIS;
  checkout/service.py asks the provider for one payment and writes the checkout, its 3 orders AWAITING_PAYMENT, their
  lines, payments (one shared gateway reference and amount) and first transitions, and takes the stock.
- "floor": the same rows in one transaction of hand-written SQL (asyncpg on PostgreSQL, sqlite3 on SQLite): the stock
  by a conditional update, then one INSERT per table.
The ratio is the API's checkouts per second over the floor's (the target is >= 0.25x on PostgreSQL). Nothing is
asserted; figures are printed (medians of the rounds).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT)]  # tests/ for the shared helpers

from seeding import dsn  # noqa: E402

from tests.helpers.api import Api, asgi_client, started_app  # noqa: E402
from tests.helpers.catalog import add_product  # noqa: E402
from tests.helpers.database import ensure_postgres, reset_database  # noqa: E402
from tests.helpers.people import city_person, sign_up  # noqa: E402
from tests.helpers.shops import verified_shop  # noqa: E402
from umkm_graph.catalog.service import ensure_categories  # noqa: E402
from umkm_graph.settings import Settings  # noqa: E402

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/bench_shared"
SHOPS = 3
STOCK = 1_000_000
PRICE = 67_500
INSTANT_QRIS = '''
"""A QRIS provider that answers at once: the benchmark measures our side of a checkout, not a gateway's."""
import secrets

from umkm_graph.hookspecs import (PaymentAction, PaymentMethodInfo, PaymentProvider, PaymentResult, hookimpl)


class InstantQris(PaymentProvider):
    code = "bench_qris"
    display_name = "Bench QRIS"
    methods = (PaymentMethodInfo("BENCH_QRIS", "QRIS (bench)"),)

    def create_payment(self, request):
        return PaymentResult(provider_reference=secrets.token_hex(8),
                             action=PaymentAction(kind="QR_STRING", value="00020101021226" + request.reference))

    def get_status(self, request):
        return None


@hookimpl
def register_payment_providers(settings):
    return [InstantQris()]
'''
CHECKOUT = """mutation($input: CheckoutInput!) {
  checkout(input: $input) { checkout { id total } errors { code field message } }
}"""
_REFERENCE = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # as orders/models.py


@dataclasses.dataclass
class World:
    api: Api
    buyer_id: int
    token: str
    products: list[tuple[int, int, str]]  # (product id, shop id, name)


async def build(api: Api) -> World:
    officer = await city_person(api)
    products = []
    for i in range(SHOPS):
        seller = await sign_up(api, "SELLER", f"Penjual {i + 1}")
        shop = await verified_shop(api, seller, officer, name=f"Toko Bench {i + 1}")
        made = await add_product(api, seller, shop["id"], name=f"Beras Medium 5 kg ({i + 1})", price=PRICE, stock=STOCK)
        products.append((int(made["id"]), int(shop["id"]), made["name"]))
    buyer = await sign_up(api, "BUYER", "Siti Aminah")
    return World(api, int(buyer.id), buyer.token, products)


def checkout_input(world: World) -> dict[str, Any]:
    return {"input": {"lines": [{"productId": str(p), "quantity": 1} for p, _, _ in world.products],
                      "shops": [{"shopId": str(s), "deliveryProvider": "pickup"} for _, s, _ in world.products],
                      "paymentMethod": "BENCH_QRIS"}}


async def api_round(world: World, count: int) -> float:
    variables = checkout_input(world)
    started = time.perf_counter()
    for _ in range(count):
        result = (await world.api.gql(CHECKOUT, variables, world.token))["checkout"]
        if result["errors"]:
            raise RuntimeError(f"the API's checkout failed: {result['errors']}")
    return count / (time.perf_counter() - started)


def _reference(prefix: str = "UMKM-") -> str:
    return prefix + "".join(secrets.choice(_REFERENCE) for _ in range(10))


def floor_rows(world: World) -> dict[str, Any]:
    """The values one checkout writes, as the API computes them."""
    now = dt.datetime.now(dt.UTC)
    orders = [(shop, _reference(), product, name) for product, shop, name in world.products]
    return {"now": now, "expires": now + dt.timedelta(minutes=60), "charge": _reference("UMKM-PAY-"),
            "orders": orders, "total": PRICE * len(orders), "qr": "00020101021226", "pickup": secrets.token_hex(3)}


ORDER_COLUMNS = ("checkout_id, shop_id, buyer_id, reference, status, delivery_method, delivery_provider, "
                 "delivery_service, delivery_fee, pickup_code, payment_method, subtotal, total, note, created_at, "
                 "updated_at")
PAYMENT_COLUMNS = ("order_id, method, provider, amount, status, reference, gateway_reference, gateway_amount, "
                   "provider_reference, action_kind, action_value, expires_at, refunded_amount, created_at")


def floor_sqlite_round(path: str, world: World, count: int) -> float:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")  # as the app's SQLite connections (db.py)
    started = time.perf_counter()
    for _ in range(count):
        rows = floor_rows(world)
        now, ids = rows["now"].isoformat(), [p for p, _, _ in world.products]
        db.execute("BEGIN IMMEDIATE")
        taken = db.execute(f"UPDATE products SET stock = stock - 1 WHERE id IN ({','.join('?' * len(ids))}) "
                           "AND stock >= 1 RETURNING id", ids).fetchall()
        if len(taken) != len(ids):
            raise RuntimeError("out of stock")
        checkout = db.execute("INSERT INTO checkouts (buyer_id, total, created_at) VALUES (?, ?, ?) RETURNING id",
                              (world.buyer_id, rows["total"], now)).fetchone()[0]
        for shop, reference, product, name in rows["orders"]:
            order = db.execute(
                f"INSERT INTO orders ({ORDER_COLUMNS}) VALUES (?, ?, ?, ?, 'AWAITING_PAYMENT', 'PICKUP', 'pickup', "
                "'standard', 0, ?, 'BENCH_QRIS', ?, ?, '', ?, ?) RETURNING id",
                (checkout, shop, world.buyer_id, reference, rows["pickup"], PRICE, PRICE, now, now)).fetchone()[0]
            db.execute("INSERT INTO order_lines (order_id, product_id, product_name, unit_price, quantity, line_total) "
                       "VALUES (?, ?, ?, ?, 1, ?)", (order, product, name, PRICE, PRICE))
            db.execute(f"INSERT INTO payments ({PAYMENT_COLUMNS}) VALUES (?, 'BENCH_QRIS', 'bench_qris', ?, "
                       "'PENDING', ?, ?, ?, ?, 'QR_STRING', ?, ?, 0, ?)",
                       (order, PRICE, reference, rows["charge"], rows["total"], secrets.token_hex(8),
                        rows["qr"] + rows["charge"], rows["expires"].isoformat(), now))
            db.execute("INSERT INTO order_transitions (order_id, from_status, to_status, actor_id, created_at) "
                       "VALUES (?, NULL, 'AWAITING_PAYMENT', ?, ?)", (order, world.buyer_id, now))
        db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return count / elapsed


async def floor_postgres_round(url: str, world: World, count: int) -> float:
    import asyncpg

    connection = await asyncpg.connect(dsn(url))
    ids = [p for p, _, _ in world.products]
    try:
        started = time.perf_counter()
        for _ in range(count):
            rows = floor_rows(world)
            now = rows["now"]
            async with connection.transaction():
                taken = await connection.fetch("UPDATE products SET stock = stock - 1 WHERE id = ANY($1::int[]) "
                                               "AND stock >= 1 RETURNING id", ids)
                if len(taken) != len(ids):
                    raise RuntimeError("out of stock")
                checkout = await connection.fetchval(
                    "INSERT INTO checkouts (buyer_id, total, created_at) VALUES ($1, $2, $3) RETURNING id",
                    world.buyer_id, rows["total"], now)
                orders = await connection.fetch(
                    f"INSERT INTO orders ({ORDER_COLUMNS}) SELECT $1, x.shop, $2, x.reference, 'AWAITING_PAYMENT', "
                    "'PICKUP', 'pickup', 'standard', 0, $3, 'BENCH_QRIS', $4, $4, '', $5, $5 "
                    "FROM unnest($6::int[], $7::text[]) AS x(shop, reference) RETURNING id, reference",
                    checkout, world.buyer_id, rows["pickup"], PRICE, now,
                    [o[0] for o in rows["orders"]], [o[1] for o in rows["orders"]])
                by_reference = {r["reference"]: r["id"] for r in orders}
                order_ids = [by_reference[o[1]] for o in rows["orders"]]
                await connection.execute(
                    "INSERT INTO order_lines (order_id, product_id, product_name, unit_price, quantity, line_total) "
                    "SELECT x.o, x.p, x.n, $1, 1, $1 FROM unnest($2::int[], $3::int[], $4::text[]) "
                    "AS x(o, p, n)", PRICE, order_ids, [o[2] for o in rows["orders"]], [o[3] for o in rows["orders"]])
                await connection.execute(
                    f"INSERT INTO payments ({PAYMENT_COLUMNS}) SELECT x.o, 'BENCH_QRIS', 'bench_qris', $1, 'PENDING', "
                    "x.r, $2, $3, $4, 'QR_STRING', $5, $6, 0, $7 FROM unnest($8::int[], $9::text[]) AS x(o, r)",
                    PRICE, rows["charge"], rows["total"], secrets.token_hex(8), rows["qr"] + rows["charge"],
                    rows["expires"], now, order_ids, [o[1] for o in rows["orders"]])
                await connection.execute(
                    "INSERT INTO order_transitions (order_id, from_status, to_status, actor_id, created_at) "
                    "SELECT o, NULL, 'AWAITING_PAYMENT', $1, $2 FROM unnest($3::int[]) AS o", world.buyer_id, now,
                    order_ids)
        return count / (time.perf_counter() - started)
    finally:
        await connection.close()


WRITTEN = ("checkouts", "orders", "order_lines", "payments", "order_transitions")


async def counts() -> dict[str, int]:
    from tortoise import Tortoise

    connection = Tortoise.get_connection("default")
    found = {}
    for table in WRITTEN:
        _, rows = await connection.execute_query(f"SELECT count(*) AS n FROM {table}")
        found[table] = int(dict(rows[0])["n"])
    found["shared charges"] = int(dict((await connection.execute_query(
        "SELECT count(DISTINCT gateway_reference) AS n FROM payments"))[1][0])["n"])
    return found


def per_checkout(before: dict[str, int], after: dict[str, int], count: int) -> str:
    return ", ".join(f"{table} {(after[table] - before[table]) / count:g}" for table in after)


async def measure(db: str, checkouts: int, rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        plugins = Path(scratch) / "plugins"
        plugins.mkdir()
        (plugins / "bench_qris.py").write_text(INSTANT_QRIS)
        path = str(Path(scratch) / "bench.sqlite3")
        url = POSTGRES_URL if db == "postgres" else f"sqlite://{path}"
        if db == "postgres":
            await ensure_postgres(url)
        settings = Settings(database_url=url, plugins_dir=str(plugins), rate_limit_per_ip=0, rate_limit_per_user=0,
                            secret_key="bench-secret-key-for-the-shared-payment-benchmark")
        async with started_app(settings, reset=False) as app:
            if db == "postgres":
                await reset_database()  # the schema afresh, through the migrations
            await ensure_categories()
            async with asgi_client(app) as client:
                world = await build(Api(client))
                await api_round(world, max(checkouts // 10, 5))  # warm up: plans cached, connections open
                api, floor = [], []
                for r in range(rounds):
                    before = await counts()
                    api.append(await api_round(world, checkouts))
                    middle = await counts()
                    if db == "postgres":
                        floor.append(await floor_postgres_round(url, world, checkouts))
                    else:
                        floor.append(floor_sqlite_round(path, world, checkouts))
                    if r == 0:  # both sides write the same rows: say so, per checkout
                        print(f"  rows per checkout, API:   {per_checkout(before, middle, checkouts)}")
                        print(f"  rows per checkout, floor: {per_checkout(middle, await counts(), checkouts)}")
                    print(f"  {db} round {r + 1}/{rounds}: API {api[-1]:7.1f} /s   floor {floor[-1]:7.1f} /s",
                          flush=True)
    return {"db": db, "api": statistics.median(api), "floor": statistics.median(floor)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--checkouts", type=int, default=200, help="checkouts per round and side")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    figures = [asyncio.run(measure(db, args.checkouts, args.rounds))
               for db in (("sqlite", "postgres") if args.db == "both" else (args.db,))]
    print("\n| 3-shop cashless checkout, one payment, one buyer at a time | API /s | floor /s | ratio | target |")
    print("|---|---|---|---|---|")
    for f in figures:
        ratio = f["api"] / f["floor"]
        target = ">= 0.25x " + ("met" if ratio >= 0.25 else "not met") if f["db"] == "postgres" else "(none)"
        print(f"| {f['db']} | {f['api']:.1f} | {f['floor']:.1f} | {ratio:.2f}x | {target} |")


if __name__ == "__main__":
    main()
