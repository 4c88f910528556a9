"""What the platform owes each shop (issue 14, section 2): a settled cashless checkout puts each shop's order on its
balance, less the platform's fee (2.5% here, UMKM_PLATFORM_FEE_BASIS_POINTS); a refund takes the refunded part back
with the fee on it returned; cash on delivery never reaches the ledger. The seller reads the balance and its statement,
paginated, and a city officer the totals per shop and per kecamatan. Over real HTTP to the fake Midtrans."""

from __future__ import annotations

import dataclasses

import pytest

from tests.helpers.balances import CITY_BALANCES, entries, shop_balance
from tests.helpers.checkout import CHECKOUT, cart, market
from tests.helpers.orders import attempt
from tests.helpers.payments import CANCEL, REFUND, Live, charge_of, pay_two_shops
from umkm_graph.settings import Settings

FEE_BASIS_POINTS = 250  # 2.5%
BERAS_ORDER, TELUR_ORDER = 2 * 67500, 28000  # pay_two_shops: 2 beras from one shop, 1 telur from the other, pickup


@pytest.fixture
def live_settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, provider_timeout_seconds=1.0, provider_retries=2,
                               platform_fee_basis_points=FEE_BASIS_POINTS)


def fee(amount: int) -> int:
    return amount * FEE_BASIS_POINTS // 10_000


async def test_settling_a_two_shop_payment_puts_each_shops_order_on_its_balance_less_the_fee_once(live: Live) -> None:
    m = await market(live.api)
    orders = await pay_two_shops(live, m)
    charge = charge_of(live, orders)
    before = await shop_balance(live.api, m.shop, m.seller)
    assert (before["balance"], entries(before)) == (0, [])  # an unpaid order is owed nothing yet

    await live.fake.pay(charge)
    await live.fake.notify(charge)  # Midtrans repeats a notification: counted once

    beras = await shop_balance(live.api, m.shop, m.seller)
    telur = await shop_balance(live.api, m.other_shop, m.other_seller)
    assert entries(beras) == [("SALE", BERAS_ORDER), ("FEE", -fee(BERAS_ORDER))]
    assert beras["balance"] == BERAS_ORDER - fee(BERAS_ORDER) == 131625
    assert entries(telur) == [("SALE", TELUR_ORDER), ("FEE", -fee(TELUR_ORDER))]
    assert telur["balance"] == TELUR_ORDER - 700
    assert beras["entries"]["edges"][-1]["node"]["description"] == f"Order {orders[0]['reference']}"


async def test_refunds_take_the_refunded_part_back_and_return_its_fee_so_a_whole_refund_leaves_nothing(
    live: Live,
) -> None:
    m = await market(live.api)
    beras, telur = await pay_two_shops(live, m)
    await live.fake.pay(charge_of(live, [beras, telur]))

    await live.api.ok(REFUND, {"id": beras["id"], "amount": 10000}, m.seller.token)
    part = await shop_balance(live.api, m.shop, m.seller)
    assert entries(part)[2:] == [("REFUND", -10000), ("FEE_RETURNED", 250)]  # 2.5% of 10,000
    assert part["balance"] == BERAS_ORDER - fee(BERAS_ORDER) - 10000 + 250

    await live.api.ok(REFUND, {"id": beras["id"], "amount": BERAS_ORDER - 10000}, m.seller.token)
    await live.api.ok(CANCEL, {"id": telur["id"]}, m.buyer.token)  # a paid order cancelled is refunded in full

    whole = await shop_balance(live.api, m.shop, m.seller)
    assert entries(whole)[4:] == [("REFUND", -(BERAS_ORDER - 10000)), ("FEE_RETURNED", fee(BERAS_ORDER) - 250)]
    assert whole["balance"] == 0
    other = await shop_balance(live.api, m.other_shop, m.other_seller)
    assert (entries(other)[2:], other["balance"]) == ([("REFUND", -TELUR_ORDER), ("FEE_RETURNED", 700)], 0)


async def test_cash_on_delivery_never_reaches_the_ledger(live: Live) -> None:
    m = await market(live.api)
    (order,) = (await live.api.ok(CHECKOUT, cart([(m.beras, 1)], [(m.shop, "pickup")]), m.buyer.token))["checkout"][
        "orders"]
    for step in ("acceptOrder", "markReadyForPickup", "markDelivered", "confirmCashCollected"):
        assert (await attempt(live.api, step, order, m.seller))["errors"] == []

    balance = await shop_balance(live.api, m.shop, m.seller)
    assert (balance["balance"], entries(balance)) == (0, [])  # the seller holds that cash already


async def test_the_statement_is_paginated_newest_first(live: Live) -> None:
    m = await market(live.api)
    beras, _ = await pay_two_shops(live, m)
    await live.fake.pay(charge_of(live, [beras, _]))
    await live.api.ok(REFUND, {"id": beras["id"], "amount": 10000}, m.seller.token)

    first = await shop_balance(live.api, m.shop, m.seller, first=3)
    rest = await shop_balance(live.api, m.shop, m.seller, first=3, after=first["entries"]["pageInfo"]["endCursor"])

    assert first["entries"]["totalCount"] == 4 and first["entries"]["pageInfo"]["hasNextPage"]
    assert [e["node"]["kind"] for e in first["entries"]["edges"]] == ["FEE_RETURNED", "REFUND", "FEE"]
    assert [e["node"]["kind"] for e in rest["entries"]["edges"]] == ["SALE"]
    assert not rest["entries"]["pageInfo"]["hasNextPage"]


async def test_a_city_officer_sees_the_totals_per_shop_and_per_kecamatan(live: Live) -> None:
    m = await market(live.api)
    beras, telur = await pay_two_shops(live, m)
    await live.fake.pay(charge_of(live, [beras, telur]))
    await live.api.ok(REFUND, {"id": beras["id"], "amount": 10000}, m.seller.token)

    view = (await live.api.gql(CITY_BALANCES, token=m.officer.token))["cityBalances"]

    owed = BERAS_ORDER - fee(BERAS_ORDER) - 10000 + 250
    assert [(s["node"]["shopId"], s["node"]["balance"]) for s in view["byShop"]["edges"]] == [
        (m.shop["id"], owed), (m.other_shop["id"], TELUR_ORDER - 700)]
    shop = view["byShop"]["edges"][0]["node"]
    assert (shop["sales"], shop["fees"], shop["refunds"], shop["payouts"]) == (BERAS_ORDER, -3375 + 250, -10000, 0)
    (klojen,) = view["byKecamatan"]  # both shops are in Klojen
    assert klojen == {"kecamatan": "Klojen", "sales": BERAS_ORDER + TELUR_ORDER, "fees": -3375 + 250 - 700,
                      "refunds": -10000, "payouts": 0, "balance": owed + TELUR_ORDER - 700}
    assert view["total"]["balance"] == klojen["balance"]


