"""POST /webhooks/payments/{provider}: verified over the raw bytes, each event recorded once, repeats and late or
out-of-order events change nothing, and every bad request gets a 4xx, never a 500. Real HTTP, as in test_cashless."""

from __future__ import annotations

import json

from umkm_midtrans.provider import signature

from tests.helpers.checkout import market, stock
from tests.helpers.payments import SERVER_KEY, Live, order_of, pay_by_qris
from umkm_graph.events import OrderStatusChanged, PaymentStatusChanged


def signed(body: dict[str, object], key: str = SERVER_KEY) -> bytes:
    body = dict(body)
    body["signature_key"] = signature(str(body["order_id"]), str(body["status_code"]), str(body["gross_amount"]), key)
    return json.dumps(body).encode()


async def test_a_repeated_notification_is_recorded_once_and_changes_nothing_more(live: Live) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    await live.fake.pay(placed["reference"], notify=False)
    body = live.fake.notification(placed["reference"])

    first, second, third = [await live.webhook(body) for _ in range(3)]

    assert [r.status_code for r in (first, second, third)] == [200, 200, 200]
    assert first.json()["events"][0]["outcome"] == "PAID"
    assert second.json()["events"][0]["outcome"] == third.json()["events"][0]["outcome"] == "duplicate: already recorded"
    order = await order_of(live, placed, m.buyer)
    assert [h["toStatus"] for h in order["history"]] == ["AWAITING_PAYMENT", "PLACED"]
    assert [h["gatewayStatus"] for h in order["payment"]["history"]] == ["settlement"]
    assert len(live.changes(PaymentStatusChanged, status="PAID")) == 1


async def test_late_and_out_of_order_notifications_change_nothing(live: Live) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    reference = placed["reference"]
    pending = live.fake.notification(reference)  # sent at charge time, delivered late
    await live.fake.pay(reference)

    late_pending = await live.webhook(pending)
    contradicting = await live.webhook(live.fake.notification(reference, status="expire"))

    assert late_pending.json()["events"][0]["outcome"] == "no change: payment is PAID"
    assert contradicting.json()["events"][0]["outcome"] == "no change: payment is PAID"
    order = await order_of(live, placed, m.buyer)
    assert (order["status"], order["payment"]["status"]) == ("PLACED", "PAID")
    assert await stock(live.api, m.beras, m.seller) == 18
    assert [(h["gatewayStatus"], h["outcome"]) for h in order["payment"]["history"]] == [
        ("settlement", "PAID"), ("pending", "no change: payment is PAID"), ("expire", "no change: payment is PAID")
    ]


async def test_an_expire_notification_cancels_the_unpaid_order_and_a_later_settlement_cannot_revive_it(live: Live) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    assert await live.fake.expire(placed["reference"]) == 200
    order = await order_of(live, placed, m.buyer)
    assert (order["status"], order["payment"]["status"]) == ("CANCELLED", "EXPIRED")
    assert await stock(live.api, m.beras, m.seller) == 20

    forged = await live.webhook(live.fake.notification(placed["reference"], status="settlement"))
    assert forged.json()["events"][0]["outcome"] == "not confirmed: the gateway says expire"  # no refund asked for
    live.fake.transactions[placed["reference"]].status = "settlement"  # the buyer paid at the gateway all the same
    response = await live.webhook(live.fake.notification(placed["reference"]))

    assert response.status_code == 200 and response.json()["events"][0]["outcome"].startswith("late: paid after")
    assert (await order_of(live, placed, m.buyer))["status"] == "CANCELLED"
    assert len(live.changes(OrderStatusChanged, to_status="PLACED")) == 0


async def test_a_forged_signature_gets_401_and_changes_nothing(live: Live) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    await live.fake.pay(placed["reference"], notify=False)
    forged = live.fake.notification(placed["reference"], server_key="SB-Mid-server-guessed")
    genuine = json.loads(live.fake.notification(placed["reference"]))
    tampered = json.dumps(dict(genuine, transaction_status="settlement", gross_amount="1.00")).encode()

    for body in (forged, tampered):
        response = await live.webhook(body)
        assert response.status_code == 401 and response.json() == {"error": "The signature does not match"}

    order = await order_of(live, placed, m.buyer)
    assert (order["status"], order["payment"]["status"], order["payment"]["history"]) == ("AWAITING_PAYMENT", "PENDING", [])


async def test_a_signed_notification_for_another_amount_is_recorded_but_not_applied(live: Live) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    body = json.loads(live.fake.notification(placed["reference"], status="settlement"))
    response = await live.webhook(signed(dict(body, gross_amount="1000.00", transaction_id="other")))
    assert response.json()["events"][0]["outcome"] == "ignored: amount 1000 is not the payment's 135000"
    order = await order_of(live, placed, m.buyer)
    assert (order["status"], order["payment"]["history"][0]["outcome"]) == ("AWAITING_PAYMENT", response.json()["events"][0]["outcome"])


async def test_a_notification_about_an_unknown_order_is_acknowledged_and_ignored(live: Live) -> None:
    body = signed({"order_id": "UMKM-NOSUCHORDER", "status_code": "200", "gross_amount": "5000.00",
                   "transaction_status": "settlement", "transaction_id": "t-unknown"})
    response = await live.webhook(body)
    assert response.status_code == 200
    assert response.json() == {"events": [{"id": "t-unknown:settlement", "outcome": "ignored: no payment has this reference"}]}


async def test_bad_requests_get_4xx_and_never_a_500(live: Live) -> None:
    unknown_status = signed({"order_id": "UMKM-X", "status_code": "200", "gross_amount": "5000.00",
                             "transaction_status": "teleported"})
    cases = [
        ("midtrans", b"", 400),
        ("midtrans", b"{not json", 400),
        ("midtrans", b"\xff\xfe", 400),
        ("midtrans", b"[1, 2]", 400),
        ("midtrans", json.dumps({"order_id": "UMKM-X"}).encode(), 400),
        ("midtrans", unknown_status, 400),
        ("midtrans", b"{" + b" " * 70_000 + b"}", 413),
        ("stripe", b"{}", 404),
        ("cod", b"{}", 404),  # cash on delivery takes no webhooks
    ]
    for provider, body, status in cases:
        response = await live.webhook(body, provider)
        assert response.status_code == status, (provider, body[:40], response.text)
        assert "error" in response.json()
    assert (await live.api.client.get("/webhooks/payments/midtrans")).status_code == 405
