"""What one buyer may hold unpaid (hardening II, item 9): five cash-on-delivery checkouts by one buyer took all 127 units
of a product, and the next buyer got OUT_OF_STOCK. Now a buyer's open, unpaid orders may hold at most
UMKM_MAX_UNPAID_UNITS_PER_PRODUCT units of a product, UMKM_MAX_UNPAID_ORDERS orders and UMKM_MAX_UNPAID_RUPIAH in all;
a checkout past one is refused with LIMIT_REACHED, naming the line or the checkout. Through GraphQL, on SQLite and on
PostgreSQL (UMKM_TEST_DATABASE_URL), concurrent checkouts included."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from tests.helpers.api import Api, serve
from tests.helpers.catalog import add_product
from tests.helpers.checkout import CHECKOUT, cart, check_out, market, order_count, stock
from tests.helpers.people import sign_up
from umkm_graph.settings import UNPAID_CAPS, Settings



@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The caps a deployment gets by default (Settings built in code, as the other tests' are, have none)."""
    return dataclasses.replace(settings, **UNPAID_CAPS)


CANCEL = "mutation($id: ID!) { cancelOrder(id: $id, reason: \"Salah pesan\") { order { status } errors { code } } }"


async def test_one_buyer_cannot_hold_a_products_whole_stock_with_unpaid_cod_orders(api: Api, settings: Settings) -> None:
    m = await market(api)
    gula = await add_product(api, m.seller, m.shop["id"], category="gula", name="Gula Pasir 1 kg", unit="KG",
                            packSize=1, price=17500, stock=127)
    cap = settings.max_unpaid_units_per_product
    held = [await api.gql(CHECKOUT, cart([(gula, quantity)], [(m.shop, "pickup")]), m.buyer.token)
            for quantity in (cap // 2, cap - cap // 2, 1)]

    assert [r["checkout"]["errors"] for r in held[:2]] == [[], []]
    (error,) = held[2]["checkout"]["errors"]
    assert (error["code"], error["field"]) == ("LIMIT_REACHED", ["input", "lines", "0", "quantity"])
    assert f"{cap} units of Gula Pasir 1 kg" in error["message"] and "pay for or cancel" in error["message"]
    assert await stock(api, gula, m.seller) == 127 - cap
    neighbour = await sign_up(api, name="Bu Sri")
    await check_out(api, neighbour, cart([(gula, 5)], [(m.shop, "pickup")]))
    assert await stock(api, gula, m.seller) == 127 - cap - 5


async def test_a_single_checkout_over_the_cap_is_refused_and_takes_nothing(api: Api, settings: Settings) -> None:
    m = await market(api)
    gula = await add_product(api, m.seller, m.shop["id"], category="gula", name="Gula Pasir 1 kg", unit="KG",
                            packSize=1, price=17500, stock=127)

    errors = await api.fails(CHECKOUT, cart([(m.beras, 1), (gula, settings.max_unpaid_units_per_product + 1)],
                                            [(m.shop, "pickup")]), m.buyer.token)

    assert [(e["code"], e["field"]) for e in errors] == [("LIMIT_REACHED", ["input", "lines", "1", "quantity"])]
    assert (await stock(api, gula, m.seller), await stock(api, m.beras, m.seller)) == (127, 20)
    assert await order_count(api, m.buyer) == 0


async def test_a_cancelled_order_no_longer_counts_against_the_cap(api: Api, settings: Settings) -> None:
    m = await market(api)
    gula = await add_product(api, m.seller, m.shop["id"], category="gula", name="Gula Pasir 1 kg", unit="KG",
                            packSize=1, price=17500, stock=127)
    cap = settings.max_unpaid_units_per_product
    held = await check_out(api, m.buyer, cart([(gula, cap)], [(m.shop, "pickup")]))
    await api.fails(CHECKOUT, cart([(gula, 1)], [(m.shop, "pickup")]), m.buyer.token)

    await api.ok(CANCEL, {"id": held["orders"][0]["id"]}, m.buyer.token)

    await check_out(api, m.buyer, cart([(gula, cap)], [(m.shop, "pickup")]))
    assert await stock(api, gula, m.seller) == 127 - cap


async def test_a_buyer_may_hold_only_so_many_open_unpaid_orders(api: Api, settings: Settings) -> None:
    m = await market(api)
    kerupuk = await add_product(api, m.seller, m.shop["id"], category="kuliner", name="Kerupuk Udang",
                                unit="PACK", packSize=1, price=5000, stock=500)
    for _ in range(settings.max_unpaid_orders):
        await check_out(api, m.buyer, cart([(kerupuk, 1)], [(m.shop, "pickup")]))

    errors = await api.fails(CHECKOUT, cart([(kerupuk, 1)], [(m.shop, "pickup")]), m.buyer.token)

    assert [(e["code"], e["field"]) for e in errors] == [("LIMIT_REACHED", ["input"])]
    assert f"{settings.max_unpaid_orders} unpaid orders" in errors[0]["message"]
    assert await order_count(api, m.buyer) == settings.max_unpaid_orders


async def test_a_buyer_may_hold_only_so_many_rupiah_unpaid(api: Api, settings: Settings) -> None:
    m = await market(api)
    per_order = settings.cod_max_order_value
    batik = await add_product(api, m.seller, m.shop["id"], category="fashion", name="Batik Tulis", unit="PIECE",
                              packSize=1, price=per_order, stock=50)
    orders = settings.max_unpaid_rupiah // per_order
    for _ in range(orders):
        await check_out(api, m.buyer, cart([(batik, 1)], [(m.shop, "pickup")]))

    errors = await api.fails(CHECKOUT, cart([(batik, 1)], [(m.shop, "pickup")]), m.buyer.token)

    assert [(e["code"], e["field"]) for e in errors] == [("LIMIT_REACHED", ["input"])]
    assert "unpaid in all" in errors[0]["message"]
    assert await stock(api, batik, m.seller) == 50 - orders


async def test_twenty_concurrent_checkouts_by_one_buyer_stay_within_the_cap(settings: Settings) -> None:
    racing = dataclasses.replace(settings, rate_limit_per_ip=0, rate_limit_per_user=0,
                                 database_url=settings.database_url + ("?minsize=1&maxsize=20"
                                                                       if settings.database_url.startswith("postgres")
                                                                       else ""))
    async with serve(racing) as api:
        m = await market(api)
        gula = await add_product(api, m.seller, m.shop["id"], category="gula", name="Gula Pasir 1 kg",
                                unit="KG", packSize=1, price=17500, stock=127)
        variables = cart([(gula, 5)], [(m.shop, "pickup")])

        answers = await asyncio.gather(*(api.gql(CHECKOUT, variables, m.buyer.token) for _ in range(20)))

        codes = sorted(a["checkout"]["errors"][0]["code"] if a["checkout"]["errors"] else "ORDERED" for a in answers)
        allowed = racing.max_unpaid_units_per_product // 5
        assert codes == ["LIMIT_REACHED"] * (20 - allowed) + ["ORDERED"] * allowed
        assert await stock(api, gula, m.seller) == 127 - 5 * allowed


async def test_caps_set_to_zero_are_off(settings: Settings) -> None:
    off = dataclasses.replace(settings, max_unpaid_units_per_product=0, max_unpaid_orders=0, max_unpaid_rupiah=0)
    async with serve(off) as api:
        m = await market(api)
        gula = await add_product(api, m.seller, m.shop["id"], category="gula", name="Gula Pasir 1 kg",
                                unit="KG", packSize=1, price=17500, stock=127)
        for quantity in (25, 25, 25, 25, 27):
            await check_out(api, m.buyer, cart([(gula, quantity)], [(m.shop, "pickup")]))
        assert await stock(api, gula, m.seller) == 0


def test_a_negative_cap_is_refused_at_start() -> None:
    problems = Settings(max_unpaid_units_per_product=-1, max_unpaid_rupiah=-5).problems()
    assert "UMKM_MAX_UNPAID_UNITS_PER_PRODUCT must be 0 (no cap) or more, got -1" in problems
    assert "UMKM_MAX_UNPAID_RUPIAH must be 0 (no cap) or more, got -5" in problems
    deployed = Settings.from_env({"UMKM_MAX_UNPAID_ORDERS": "0"})
    assert (deployed.max_unpaid_units_per_product, deployed.max_unpaid_orders, deployed.max_unpaid_rupiah) == (
        20, 0, 5_000_000)
