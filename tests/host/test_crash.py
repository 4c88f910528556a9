"""Crash mid-checkout: a real server (`umkm-graph serve`) is killed with SIGKILL while buyers check out, then started
again. No order is left without lines or a payment, no checkout without orders, no payment without an order, and the
stock taken equals what the orders hold.

Runs on PostgreSQL when UMKM_TEST_DATABASE_URL is set, otherwise on a SQLite file (two processes cannot share an
in-memory database). Each round prints what happened (run with -s to see it)."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import time
from pathlib import Path

import httpx2

from tests.helpers.api import Api
from tests.helpers.live import free_port, server_process
from tests.helpers.people import Person, sign_up
from tests.helpers.processes import BROKEN, CHECKOUT, demo_shop_in_stock, seeded_shared_database, stock_by_product

ROUNDS = 2
WORKERS = 12


async def _load(url: str, buyers: list[Person], shop_id: str, product_ids: list[str], placed: list[str]) -> int:
    """Buyers check out one to three products at a time until the server stops answering; returns the lost requests."""
    lost = 0

    async def buyer_loop(buyer: Person) -> None:
        nonlocal lost
        async with httpx2.AsyncClient(base_url=url, timeout=10) as client:
            api = Api(client)
            while True:
                lines = [{"productId": p, "quantity": 1} for p in random.sample(product_ids, random.randint(1, 3))]
                cart = {"lines": lines, "shops": [{"shopId": shop_id, "deliveryProvider": "pickup"}], "paymentMethod": "COD"}
                try:
                    result = (await api.gql(CHECKOUT, {"input": cart}, buyer.token))["checkout"]
                except (httpx2.HTTPError, AssertionError):  # the server died under this request
                    lost += 1
                    return
                if not result["errors"]:
                    placed.append(result["checkout"]["id"])

    await asyncio.gather(*(buyer_loop(buyer) for buyer in buyers))
    return lost


async def test_a_server_killed_mid_checkout_leaves_no_half_written_order(tmp_path: Path) -> None:
    env, query = await seeded_shared_database(tmp_path)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    for round_number in range(1, ROUNDS + 1):
        with server_process(env, port) as server:
            async with httpx2.AsyncClient(base_url=url, timeout=10) as client:
                api = Api(client)
                buyers = [await sign_up(api, name=f"Pembeli {i}") for i in range(WORKERS)]
                shop_id, product_ids = await demo_shop_in_stock(api)
            stock_before = await stock_by_product(query)
            last_order = (await query("SELECT COALESCE(MAX(id), 0) FROM orders"))[0][0]
            placed: list[str] = []
            load = asyncio.create_task(_load(url, buyers, shop_id, product_ids, placed))
            deadline = time.monotonic() + 15
            while len(placed) < 20 and time.monotonic() < deadline and not load.done():
                await asyncio.sleep(0.01)
            os.kill(server.pid, signal.SIGKILL)  # mid-load: requests are in flight
            lost = await load
        with server_process(env, port):  # started again on the same database
            broken = {name: rows for name, sql in BROKEN.items() if (rows := await query(sql))}
            stock_after = await stock_by_product(query)
            sold = dict(await query(
                "SELECT l.product_id, SUM(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id "
                f"WHERE o.id > {last_order} GROUP BY l.product_id"
            ))
            taken = {pid: before - stock_after[pid] for pid, before in stock_before.items() if before != stock_after[pid]}
            orders_written = (await query(f"SELECT COUNT(*) FROM orders WHERE id > {last_order}"))[0][0]
            print(f"\ncrash round {round_number}: killed with {len(placed)} checkouts answered and {lost} requests in "
                  f"flight; {orders_written} orders written, {sum(taken.values())} units of stock taken, "
                  f"{sum(int(q) for q in sold.values())} units on order lines; inconsistencies: {broken or 'none'}")
            assert broken == {}
            assert taken == {pid: int(quantity) for pid, quantity in sold.items()}
            assert orders_written >= len(placed) > 0
            async with httpx2.AsyncClient(base_url=url, timeout=10) as client:  # and it serves checkouts again
                cart = {"lines": [{"productId": product_ids[0], "quantity": 1}],
                        "shops": [{"shopId": shop_id, "deliveryProvider": "pickup"}], "paymentMethod": "COD"}
                await Api(client).ok(CHECKOUT, {"input": cart}, buyers[0].token)
