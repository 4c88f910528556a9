"""Courier COD remittance (issue 14, section 3): cash a courier collected is owed by the courier to the shop until the
courier reports it remitted, by webhook or when asked (the delivery hook's CashRemittance, here Biteship's fake on
127.0.0.1). A report settles once however often it comes; a remittance short of what was owed stays on the shop's cash
statement and in the city's view as a discrepancy. Through GraphQL and the webhook route, over ASGI."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from tests.helpers.api import Api
from tests.helpers.checkout import ERRORS
from tests.helpers.delivery import CourierWorld, Shop, courier_market, courier_world, delivered_by_courier, tell
from tests.helpers.orders import attempt
from umkm_graph.delivery import remittance
from umkm_graph.settings import Settings

STATEMENT = """
query($shop: ID!, $from: Date!) {
  shopCashStatement(shopId: $shop, from: $from) {
    expected collected collectedByCourier outstanding remitted remittanceDiscrepancy owedByCourier
  }
}"""
CITY_CASH = """
{ cityCashOnDelivery {
    owedByCourier { shopName kecamatan orders rupiah } remittanceDiscrepancies { shopName orders rupiah }
} }"""
REFRESH = f"mutation($id: ID!) {{ refreshShipment(id: $id) {{ order {{ status payment {{ status }} }} {ERRORS} }} }}"
PAYMENT = "query($id: ID!) { order(id: $id) { status payment { status } } }"


@pytest.fixture
async def world(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[CourierWorld]:
    async with courier_world(settings, monkeypatch) as served:
        yield served


async def today_of(api: Api, m: Shop) -> dict[str, Any]:
    variables = {"shop": m.shop["id"], "from": dt.datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()}
    (day,) = (await api.gql(STATEMENT, variables, m.seller.token))["shopCashStatement"]
    return day


async def test_a_remittance_webhook_settles_the_couriers_cash_once(world: CourierWorld) -> None:
    api, fake = world.api, world.fake
    m = await courier_market(api)
    order, courier_id = await delivered_by_courier(api, fake, m)
    total = order["total"]
    assert await today_of(api, m) == {"expected": total, "collected": 0, "collectedByCourier": 0, "outstanding": total,
                                      "remitted": 0, "remittanceDiscrepancy": 0, "owedByCourier": 0}

    await fake.remit(courier_id, notify=False)
    body = fake.remittance_body(courier_id)
    first, again = await tell(api, fake, body), await tell(api, fake, body)  # Biteship repeats its webhooks
    assert first["events"][0]["outcome"] == f"remitted: Rp{total}"
    assert again["events"][0]["outcome"].startswith("duplicate")
    # The courier's report is the first word of the cash: the payment is PAID by it, and the debt settled at once.
    assert (await api.gql(PAYMENT, {"id": order["id"]}, m.buyer.token))["order"]["payment"]["status"] == "PAID"
    assert await today_of(api, m) == {"expected": total, "collected": total, "collectedByCourier": total,
                                      "outstanding": 0, "remitted": total, "remittanceDiscrepancy": 0,
                                      "owedByCourier": 0}
    assert (await attempt(api, "completeOrder", order, m.buyer))["errors"] == []


async def test_a_short_remittance_is_a_discrepancy_the_seller_and_the_city_see(world: CourierWorld) -> None:
    api, fake = world.api, world.fake
    m = await courier_market(api)
    order, courier_id = await delivered_by_courier(api, fake, m)
    total = order["total"]
    assert (await attempt(api, "confirmCashCollected", order, m.seller))["errors"] == []  # the courier has it
    assert (await today_of(api, m))["owedByCourier"] == total
    view = (await api.gql(CITY_CASH, token=m.officer.token))["cityCashOnDelivery"]
    assert view["owedByCourier"] == [{"shopName": "Toko Bu Endang", "kecamatan": "Klojen", "orders": 1, "rupiah": total}]

    await fake.remit(courier_id, remitted=total - 5000, notify=False)  # the webhook is lost; the seller asks
    asked = (await api.ok(REFRESH, {"id": order["id"]}, m.seller.token))["order"]
    assert asked == {"status": "DELIVERED", "payment": {"status": "PAID"}}
    day = await today_of(api, m)
    assert (day["remitted"], day["remittanceDiscrepancy"], day["owedByCourier"]) == (total - 5000, -5000, 0)
    view = (await api.gql(CITY_CASH, token=m.officer.token))["cityCashOnDelivery"]
    assert view["owedByCourier"] == []
    assert view["remittanceDiscrepancies"] == [{"shopName": "Toko Bu Endang", "orders": 1, "rupiah": -5000}]

    late = await tell(api, fake, fake.remittance_body(courier_id))  # the webhook comes after all: settled already
    assert late["events"][0]["outcome"].startswith("duplicate")
    assert (await today_of(api, m))["remitted"] == total - 5000


async def test_the_periodic_poll_settles_remittances_whose_webhook_went_missing(world: CourierWorld) -> None:
    api, fake = world.api, world.fake
    m = await courier_market(api)
    (paid, paid_id), (waiting, _) = await delivered_by_courier(api, fake, m), await delivered_by_courier(api, fake, m)
    await fake.remit(paid_id, notify=False)
    providers, events = world.app.state.providers, world.app.state.events
    assert await remittance.poll_remittances(providers, events) == 1
    assert await remittance.poll_remittances(providers, events) == 0  # asked once per lease, and settled once
    assert (await today_of(api, m))["remitted"] == paid["total"]
    assert (await api.gql(PAYMENT, {"id": waiting["id"]}, m.buyer.token))["order"]["payment"]["status"] == "PENDING"


async def test_a_remittance_before_delivery_or_about_an_unknown_parcel_settles_nothing(world: CourierWorld) -> None:
    api, fake = world.api, world.fake
    m = await courier_market(api)
    order, courier_id = await delivered_by_courier(api, fake, m, deliver=False)
    await fake.remit(courier_id, notify=False)  # a courier's mistake: the parcel is still at the shop
    answer = await tell(api, fake, fake.remittance_body(courier_id))
    assert answer["events"][0]["outcome"] == "ignored: a READY_FOR_PICKUP order's cash is not collected yet"
    assert (await api.gql(PAYMENT, {"id": order["id"]}, m.buyer.token))["order"]["payment"]["status"] == "PENDING"

    fake.orders["nobody"] = {**fake.orders[courier_id], "id": "nobody", "reference_id": "UMKM-NOPE"}
    answer = await tell(api, fake, fake.remittance_body("nobody"))
    assert answer["events"][0]["outcome"] == "ignored: no shipment has this reference"
    assert (await today_of(api, m))["remitted"] == 0
