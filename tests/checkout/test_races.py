"""The last-item race on PostgreSQL: 200 buyers check out the same product at once, with 10 units in stock. Exactly 10
orders are placed, the stock ends at 0, and it is never negative, round after round. And two-line carts racing: carts
naming the same products in opposite orders never deadlock, and a cart whose second product runs out takes none of the
first. And buyers racing for the last units of one variant take only that variant's stock.

Runs on PostgreSQL only (UMKM_TEST_DATABASE_URL): SQLite has one writer at a time, so its checkouts queue up and there
is no race to lose. UMKM_RACE_ROUNDS sets the number of rounds (10 by default, to keep CI fast); every round prints its
outcome (run with -s to see it)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import time
from collections import Counter
from collections.abc import AsyncIterator

import pytest

from tests.helpers.api import Api, serve
from tests.helpers.catalog import add_product
from tests.helpers.database import TEST_DATABASE_URL
from tests.helpers.people import buyer_tokens, city_person, sign_up
from tests.helpers.shops import verified_shop
from tests.helpers.variants import rice_in_two_sacks
from umkm_graph.catalog.models import Product, ProductVariant
from umkm_graph.orders.models import Order, OrderLine
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
        tokens = await buyer_tokens(racing, BUYERS)
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


async def _checkouts(api: Api, tokens: list[str], carts: list[list[tuple[str, int]]], shop_id: str) -> Counter[str]:
    """Each token checks out its cart (product id, quantity) at the same moment; the outcomes, counted."""
    async def buy(token: str, lines: list[tuple[str, int]]) -> str:
        cart = {"lines": [{"productId": p, "quantity": q} for p, q in lines],
                "shops": [{"shopId": shop_id, "deliveryProvider": "pickup"}], "paymentMethod": "COD"}
        result = (await api.gql(CHECKOUT, {"input": cart}, token))["checkout"]
        return "ORDERED" if not result["errors"] else result["errors"][0]["code"]

    return Counter(await asyncio.gather(*(buy(t, c) for t, c in zip(tokens, carts, strict=True))))


@contextlib.asynccontextmanager
async def _two_products(
    settings: Settings, buyers: int, beras: int, gula: int
) -> AsyncIterator[tuple[Api, list[str], str, str, str]]:
    """A server with a pool that lets checkouts overlap, buyers' tokens, one shop, and its beras and gula with
    these stocks: (api, tokens, shop id, beras id, gula id)."""
    racing = dataclasses.replace(settings, database_url=f"{settings.database_url}?minsize=1&maxsize=20",
                                 rate_limit_per_ip=0, rate_limit_per_user=0)
    async with serve(racing) as api:
        officer, seller = await city_person(api), await sign_up(api, "SELLER")
        shop = await verified_shop(api, seller, officer)
        tokens = await buyer_tokens(racing, buyers)
        beras_id = (await add_product(api, seller, shop["id"], name="Beras Medium 5 kg", stock=beras))["id"]
        gula_id = (await add_product(api, seller, shop["id"], name="Gula Pasir 1 kg", category="gula", packSize=1,
                                     stock=gula))["id"]
        yield api, tokens, shop["id"], beras_id, gula_id


async def test_carts_naming_the_same_products_in_opposite_orders_all_go_through(settings: Settings) -> None:
    # Each checkout locks its products in id order, whatever the order of its lines: no two can wait on each other.
    async with _two_products(settings, 40, beras=500, gula=500) as (api, tokens, shop, beras, gula):
        carts = [[(beras, 2), (gula, 1)] if i % 2 else [(gula, 1), (beras, 2)] for i in range(len(tokens))]

        outcomes = await _checkouts(api, tokens, carts, shop)

        assert outcomes == Counter({"ORDERED": 40})
        assert (await Product.get(id=int(beras))).stock == 420 and (await Product.get(id=int(gula))).stock == 460


async def test_a_cart_whose_second_product_runs_out_in_a_race_takes_none_of_the_first(settings: Settings) -> None:
    async with _two_products(settings, 30, beras=100, gula=5) as (api, tokens, shop, beras, gula):
        outcomes = await _checkouts(api, tokens, [[(beras, 3), (gula, 1)]] * len(tokens), shop)

        assert outcomes == Counter({"ORDERED": 5, "OUT_OF_STOCK": 25})
        assert (await Product.get(id=int(beras))).stock == 85 and (await Product.get(id=int(gula))).stock == 0
        assert await Order.filter(lines__product_id=int(beras)).distinct().count() == 5


async def test_buyers_racing_for_the_last_sacks_take_only_that_variant_and_the_products_total_keeps_step(
        settings: Settings) -> None:
    """60 buyers at once: half want the last 10 of the 25 kg sack, half the 5 kg bag (plenty left). Exactly 10 sacks
    are sold, every bag buyer gets one, and the product's total is the variants' sum throughout."""
    racing = dataclasses.replace(settings, database_url=f"{settings.database_url}?minsize=1&maxsize=20",
                                 rate_limit_per_ip=0, rate_limit_per_user=0)
    async with serve(racing) as api:
        officer, seller = await city_person(api), await sign_up(api, "SELLER")
        shop = await verified_shop(api, seller, officer)
        tokens = await buyer_tokens(racing, 60)
        product = await add_product(api, seller, shop["id"], name="Beras Medium 5 kg", stock=500)
        both = await rice_in_two_sacks(api, seller, product, bag_stock=500, sack_stock=UNITS)

        async def buy(token: str, variant: str) -> str:
            cart = {"lines": [{"productId": product["id"], "variantId": variant, "quantity": 1}],
                    "shops": [{"shopId": shop["id"], "deliveryProvider": "pickup"}], "paymentMethod": "COD"}
            result = (await api.gql(CHECKOUT, {"input": cart}, token))["checkout"]
            return f"{variant}:" + ("ORDERED" if not result["errors"] else result["errors"][0]["code"])

        sack, bag = both["25 kg"]["id"], both["5 kg"]["id"]
        outcomes = Counter(await asyncio.gather(*(buy(t, sack if i % 2 else bag) for i, t in enumerate(tokens))))

        assert outcomes == Counter({f"{sack}:ORDERED": UNITS, f"{sack}:OUT_OF_STOCK": 30 - UNITS, f"{bag}:ORDERED": 30})
        stocks = dict(await ProductVariant.filter(product_id=int(product["id"])).values_list("id", "stock"))
        assert stocks == {int(sack): 0, int(bag): 470}
        assert (await Product.get(id=int(product["id"]))).stock == 470
