"""The last-item race on PostgreSQL: 200 buyers check out the same product at once, with 10 units in stock. Exactly 10
orders are placed, the stock ends at 0, and it is never negative, round after round.

Runs on PostgreSQL only (UMKM_TEST_DATABASE_URL): SQLite has one writer at a time, so its checkouts queue up and there
is no race to lose. UMKM_RACE_ROUNDS sets the number of rounds (10 by default, to keep CI fast); every round prints its
outcome (run with -s to see it)."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import time
from collections import Counter

import pytest
from argon2 import PasswordHasher

from tests.support import TEST_DATABASE_URL, Api, add_product, city_person, sign_up, verified_shop
from tests.test_limits import serve
from umkm_graph.models import Order, OrderLine, Product, Role, User
from umkm_graph.services import people
from umkm_graph.settings import Settings

BUYERS = 200
UNITS = 10
ROUNDS = int(os.environ.get("UMKM_RACE_ROUNDS", "10"))
CHECKOUT = """
mutation($input: CheckoutInput!) { checkout(input: $input) { checkout { orders { id } } errors { code field message } } }
"""

pytestmark = pytest.mark.skipif(
    not (TEST_DATABASE_URL or "").startswith("postgres"),
    reason="the last-item race needs PostgreSQL (set UMKM_TEST_DATABASE_URL): SQLite runs one writer at a time, so "
    "concurrent checkouts queue up instead of racing",
)


async def _buyers(settings: Settings, count: int) -> list[str]:
    """Buyer accounts made directly (argon2 takes ~0.1 s a hash, by design), with their bearer tokens."""
    password_hash = PasswordHasher().hash("rahasia-123")
    await User.bulk_create([
        User(email=f"racer{i}@example.id", password_hash=password_hash, name=f"Pembeli {i}", role=Role.BUYER)
        for i in range(count)
    ])
    users = await User.filter(email__startswith="racer").order_by("id")
    return [people.issue_token(user, settings.secret_key, settings.token_ttl_seconds) for user in users]


async def _lowest_stock(product_id: int, done: asyncio.Event, seen: list[int]) -> None:
    """Reads the stock over and over while the race runs, to catch it below zero even for a moment."""
    while not done.is_set():
        seen.append((await Product.get(id=product_id)).stock)
        await asyncio.sleep(0.005)


async def _race(api: Api, tokens: list[str], shop_id: str, product_id: str) -> Counter[str]:
    cart = {"lines": [{"productId": product_id, "quantity": 1}], "shops": [{"shopId": shop_id, "deliveryProvider": "pickup"}],
            "paymentMethod": "COD"}

    async def buy(token: str) -> str:
        result = (await api.gql(CHECKOUT, {"input": cart}, token))["checkout"]
        return "ORDERED" if not result["errors"] else result["errors"][0]["code"]

    return Counter(await asyncio.gather(*(buy(token) for token in tokens)))


async def test_200_buyers_racing_for_the_last_10_units_get_exactly_10_orders(settings: Settings) -> None:
    # A pool of 20 connections, so that checkouts really overlap in the database; no rate limits for one client.
    racing = dataclasses.replace(settings, database_url=f"{settings.database_url}?minsize=1&maxsize=20",
                                 rate_limit_per_ip=0, rate_limit_per_user=0)
    async with serve(racing) as api:
        officer, seller = await city_person(api), await sign_up(api, "SELLER")
        shop = await verified_shop(api, seller, officer)
        tokens = await _buyers(racing, BUYERS)
        for round_number in range(1, ROUNDS + 1):
            product = await add_product(api, seller, shop["id"], name=f"Beras Premium 5 kg, batch {round_number}",
                                        stock=UNITS)
            product_id = int(product["id"])
            done, seen = asyncio.Event(), [UNITS]
            watcher = asyncio.create_task(_lowest_stock(product_id, done, seen))
            started = time.perf_counter()
            outcomes = await _race(api, tokens, shop["id"], product["id"])
            elapsed = time.perf_counter() - started
            done.set()
            await watcher

            final = (await Product.get(id=product_id)).stock
            orders = await Order.filter(lines__product_id=product_id).distinct().count()
            sold = sum(await OrderLine.filter(product_id=product_id).values_list("quantity", flat=True))
            print(f"\nrace round {round_number}/{ROUNDS}: {dict(outcomes)} in {elapsed:.1f} s; {orders} orders, "
                  f"{sold} units sold, stock {final}, lowest stock seen {min(seen)} over {len(seen)} reads")
            assert outcomes == Counter({"ORDERED": UNITS, "OUT_OF_STOCK": BUYERS - UNITS})
            assert orders == UNITS and sold == UNITS and final == 0 and min(seen) >= 0
        assert await Product.filter(stock__lt=0).count() == 0
