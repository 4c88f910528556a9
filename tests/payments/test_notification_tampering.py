"""Issue 12, item 3: Midtrans signs only order_id + status_code + gross_amount, so a genuinely signed notification can
say another status than the one signed, or carry an amount that is no whole number of rupiah. None of it may change an
order: the plugin refuses a status that disagrees with its signed status_code and an amount that is not whole rupiah,
and the host changes a payment only on what the gateway's status endpoint confirms. Real HTTP from the fake gateway to
the app's webhook, as in test_cashless."""

from __future__ import annotations

import pytest

from tests.helpers.checkout import Market, market, stock
from tests.helpers.payments import Live, order_of, pay_by_qris
from umkm_graph.events import OrderStatusChanged, PaymentStatusChanged

UNCHANGED = ("AWAITING_PAYMENT", "PENDING", [])


async def untouched(live: Live, placed: dict[str, object], m: Market) -> tuple[object, object, object]:
    order = await order_of(live, placed, m.buyer)
    assert live.changes(PaymentStatusChanged) == [] and live.changes(OrderStatusChanged, to_status="PLACED") == []
    return order["status"], order["payment"]["status"], order["payment"]["history"]


async def test_a_signed_pending_notification_that_says_settlement_changes_nothing(live: Live) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    tampered = live.fake.notification(placed["reference"], claim="settlement")  # signed with status_code 201

    response = await live.webhook(tampered)

    assert response.status_code == 400 and "201" in response.json()["error"]
    assert await untouched(live, placed, m) == UNCHANGED
    assert await stock(live.api, m.beras, m.seller) == 18
    await live.fake.pay(placed["reference"])  # the genuine settlement still settles it
    assert (await order_of(live, placed, m.buyer))["payment"]["status"] == "PAID"


@pytest.mark.parametrize("amount", ["1.50", "NaN", "", "135000.000001", "1e5", " 135000", "1_35000", "١٣٥٠٠٠"])
async def test_a_signed_settlement_whose_amount_is_not_whole_rupiah_changes_nothing(live: Live, amount: str) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    await live.fake.pay(placed["reference"], notify=False)  # even when the gateway has it settled
    body = live.fake.notification(placed["reference"], gross_amount=amount)

    response = await live.webhook(body)

    assert response.status_code == 400 and "gross_amount" in response.json()["error"]
    assert await untouched(live, placed, m) == UNCHANGED


@pytest.mark.parametrize("amount", ["135000.00", "135000"])
async def test_the_amount_written_as_midtrans_does_settles(live: Live, amount: str) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    await live.fake.pay(placed["reference"], notify=False)

    response = await live.webhook(live.fake.notification(placed["reference"], gross_amount=amount))

    assert response.status_code == 200 and response.json()["events"][0]["outcome"] == "PAID"


async def test_a_signed_settlement_the_gateway_does_not_confirm_changes_nothing(live: Live) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    reference = placed["reference"]
    unconfirmed = live.fake.notification(reference, status="settlement")  # well formed and signed; still pending

    response = await live.webhook(unconfirmed)

    assert response.status_code == 200
    assert response.json()["events"][0]["outcome"] == "not confirmed: the gateway says pending"
    assert live.fake.count("status", reference) == 1
    assert await untouched(live, placed, m) == UNCHANGED
    await live.fake.pay(reference)  # the real settlement, under the same event id, is not taken by the unconfirmed one
    order = await order_of(live, placed, m.buyer)
    assert (order["status"], order["payment"]["status"]) == ("PLACED", "PAID")
    assert [(h["gatewayStatus"], h["source"]) for h in order["payment"]["history"]] == [("settlement", "WEBHOOK")]


async def test_a_signed_expiry_the_gateway_does_not_confirm_keeps_the_order_and_its_stock(live: Live) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)

    response = await live.webhook(live.fake.notification(placed["reference"], status="expire"))

    assert response.json()["events"][0]["outcome"] == "not confirmed: the gateway says pending"
    assert await untouched(live, placed, m) == UNCHANGED
    assert await stock(live.api, m.beras, m.seller) == 18


async def test_a_notification_that_cannot_be_confirmed_now_gets_503_and_is_applied_when_resent(live: Live) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    await live.fake.pay(placed["reference"], notify=False)
    live.fake.fail("status", "500", times=3)  # every attempt of one confirmation (live_settings: two retries)

    response = await live.webhook(live.fake.notification(placed["reference"]))

    assert response.status_code == 503
    assert await untouched(live, placed, m) == UNCHANGED
    assert await live.fake.notify(placed["reference"]) == 200  # the gateway resends
    assert (await order_of(live, placed, m.buyer))["payment"]["status"] == "PAID"
