"""The cash ledger of cash on delivery (issue 14, section 3): the seller records the cash collected, a difference from
the order's total stays as a discrepancy, and the shop's statement per WIB day shows expected, collected and
outstanding cash. Through GraphQL, on whichever database the suite uses."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from tests.helpers.api import Api
from tests.helpers.checkout import ERRORS, Market, cart, check_out, market
from tests.helpers.orders import attempt

CONFIRM_CASH = f"""
mutation($id: ID!, $amount: Rupiah) {{
  confirmCashCollected(id: $id, amount: $amount) {{ order {{ id status payment {{ status }} }} {ERRORS} }}
}}"""
STATEMENT = """
query($shop: ID!, $from: Date!, $to: Date) {
  shopCashStatement(shopId: $shop, from: $from, to: $to) {
    day expected collected collectedByCourier discrepancy outstanding ordersCollected
  }
}"""


def today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()


async def cod_pickup(api: Api, m: Market, quantity: int) -> dict[str, Any]:
    """A COD order of beras for pickup, ready to be handed over."""
    (order,) = (await check_out(api, m.buyer, cart([(m.beras, quantity)], [(m.shop, "pickup")])))["orders"]
    for name in ("acceptOrder", "markReadyForPickup"):
        assert (await attempt(api, name, order, m.seller))["errors"] == []
    return order


async def statement(api: Api, m: Market, first: dt.date, last: dt.date | None = None) -> list[dict[str, Any]]:
    variables = {"shop": m.shop["id"], "from": first.isoformat(), "to": last.isoformat() if last else None}
    return (await api.gql(STATEMENT, variables, m.seller.token))["shopCashStatement"]


async def test_cash_collected_short_is_a_discrepancy_and_uncollected_cash_is_outstanding(api: Api) -> None:
    m = await market(api)
    short = await cod_pickup(api, m, 2)  # 2 x Rp67.500
    waiting = await cod_pickup(api, m, 1)
    (cancelled,) = (await check_out(api, m.buyer, cart([(m.beras, 1)], [(m.shop, "pickup")])))["orders"]
    assert (await attempt(api, "cancelOrder", cancelled, m.buyer))["errors"] == []

    paid = await api.ok(CONFIRM_CASH, {"id": short["id"], "amount": 130000}, m.seller.token)

    assert paid["order"]["payment"]["status"] == "PAID"
    (day,) = await statement(api, m, today())
    assert day == {"day": today().isoformat(), "expected": short["total"] + waiting["total"], "collected": 130000,
                   "collectedByCourier": 0, "discrepancy": 130000 - short["total"], "outstanding": waiting["total"],
                   "ordersCollected": 1}

    await api.ok(CONFIRM_CASH, {"id": waiting["id"]}, m.seller.token)  # no amount: exactly the total
    (day,) = await statement(api, m, today())
    assert (day["collected"], day["outstanding"], day["discrepancy"], day["ordersCollected"]) == (
        130000 + waiting["total"], 0, 130000 - short["total"], 2)


async def test_days_before_and_after_show_what_was_outstanding_then(api: Api) -> None:
    m = await market(api)
    order = await cod_pickup(api, m, 1)
    yesterday, tomorrow = today() - dt.timedelta(days=1), today() + dt.timedelta(days=1)

    days = await statement(api, m, yesterday, tomorrow)

    assert [(d["day"], d["expected"], d["outstanding"]) for d in days] == [
        (yesterday.isoformat(), 0, 0), (today().isoformat(), order["total"], order["total"]),
        (tomorrow.isoformat(), 0, order["total"])]


async def test_cash_amounts_and_statement_ranges_are_checked(api: Api) -> None:
    m = await market(api)
    order = await cod_pickup(api, m, 1)
    for amount in (-1, 2 * order["total"] + 1):
        errors = await api.fails(CONFIRM_CASH, {"id": order["id"], "amount": amount}, m.seller.token)
        assert [(e["code"], e["field"]) for e in errors] == [("INVALID", ["amount"])]
    (day,) = await statement(api, m, today())
    assert (day["collected"], day["outstanding"]) == (0, order["total"])  # nothing was written

    for first, last in ((today(), today() - dt.timedelta(days=1)), (today() - dt.timedelta(days=92), today())):
        body = await api.post(STATEMENT, {"shop": m.shop["id"], "from": first.isoformat(), "to": last.isoformat()},
                              m.seller.token)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["INVALID"]
    other = await api.post(STATEMENT, {"shop": m.shop["id"], "from": today().isoformat()}, m.other_seller.token)
    assert [e["extensions"]["code"] for e in other["errors"]] == ["NOT_FOUND"]


CITY_CASH = """
{ cityCashOnDelivery {
    byShop { shopId shopName kecamatan orders rupiah } byKecamatan { kecamatan orders rupiah }
    handedOver handedOverUnconfirmed unconfirmedShare
} }"""


async def test_the_city_sees_cash_outstanding_per_shop_and_kecamatan_and_the_share_never_confirmed(api: Api) -> None:
    m = await market(api)
    handed = await cod_pickup(api, m, 2)
    waiting = await cod_pickup(api, m, 1)
    assert (await attempt(api, "markDelivered", handed, m.seller))["errors"] == []  # handed over, cash not confirmed

    view = (await api.gql(CITY_CASH, token=m.officer.token))["cityCashOnDelivery"]

    kecamatan = view["byShop"][0]["kecamatan"]
    assert view["byShop"] == [{"shopId": m.shop["id"], "shopName": "Toko Bu Endang", "kecamatan": kecamatan,
                               "orders": 2, "rupiah": handed["total"] + waiting["total"]}]
    assert view["byKecamatan"] == [{"kecamatan": kecamatan, "orders": 2, "rupiah": handed["total"] + waiting["total"]}]
    assert (view["handedOver"], view["handedOverUnconfirmed"], view["unconfirmedShare"]) == (1, 1, 1.0)

    await api.ok(CONFIRM_CASH, {"id": handed["id"]}, m.seller.token)
    view = (await api.gql(CITY_CASH, token=m.officer.token))["cityCashOnDelivery"]
    assert [(s["orders"], s["rupiah"]) for s in view["byShop"]] == [(1, waiting["total"])]
    assert (view["handedOver"], view["handedOverUnconfirmed"], view["unconfirmedShare"]) == (1, 0, 0.0)
    denied = await api.post(CITY_CASH, token=m.seller.token)
    assert [e["extensions"]["code"] for e in denied["errors"]] == ["FORBIDDEN"]


SHOP_ORDERS = """
query($shop: ID!, $payment: PaymentStatus) {
  shopOrders(shopId: $shop, paymentStatus: $payment) { totalCount edges { node { id payment { status } } } }
}"""


async def test_shop_orders_filter_by_payment_status(api: Api) -> None:
    m = await market(api)
    paid, waiting = await cod_pickup(api, m, 1), await cod_pickup(api, m, 1)
    await api.ok(CONFIRM_CASH, {"id": paid["id"]}, m.seller.token)

    for status, expected in (("PAID", [paid]), ("PENDING", [waiting]), (None, [waiting, paid])):
        found = (await api.gql(SHOP_ORDERS, {"shop": m.shop["id"], "payment": status}, m.seller.token))["shopOrders"]
        assert [edge["node"]["id"] for edge in found["edges"]] == [order["id"] for order in expected]
        assert found["totalCount"] == len(expected)
