"""Cashless payments end to end, over real HTTP: our app runs under uvicorn on 127.0.0.1, the midtrans plugin talks to the
fake Midtrans (umkm_midtrans.fake) on another port, and the fake sends its notifications to our webhook. GraphQL goes
over HTTP too. Expiry and reconciliation run through `umkm_graph.jobs`, as the periodic task and the CLI run them.

Each test also counts the HTTP calls the fake received, which is what each operation costs at the gateway.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import os
import sys
from pathlib import Path

import pytest

from tests.helpers.api import Api
from tests.helpers.checkout import CHECKOUT, cart, market, order_count, stock
from tests.helpers.database import TEST_DATABASE_URL
from tests.helpers.payments import (
    CANCEL, CONFIRM, REFUND, SERVER_KEY, Live, order_of, pay_by_qris, serve_live,
)
from umkm_graph import jobs
from umkm_graph.events import OrderStatusChanged, PaymentStatusChanged
from umkm_graph.settings import Settings


async def test_qris_checkout_waits_for_payment_and_a_webhook_places_the_order(live: Live) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    order = await order_of(live, placed, m.buyer)
    txn = live.fake.transactions[order["reference"]]

    assert order["status"] == "AWAITING_PAYMENT" and order["total"] == 135000 == txn.gross_amount
    payment = order["payment"]
    assert (payment["method"], payment["provider"], payment["status"]) == ("MIDTRANS_QRIS", "midtrans", "PENDING")
    assert payment["action"]["kind"] == "QR_STRING" and payment["action"]["qrString"] == txn.qr_string
    assert payment["action"]["vaNumber"] is None and payment["expiresAt"] == payment["action"]["expiresAt"]
    expires = dt.datetime.fromisoformat(payment["expiresAt"])
    assert dt.timedelta(minutes=59) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=60)
    assert await stock(live.api, m.beras, m.seller) == 18  # held while the buyer pays
    assert live.fake.count() == live.fake.count("charge") == 1

    assert await live.fake.pay(order["reference"]) == 200

    paid = await order_of(live, placed, m.buyer)
    assert paid["status"] == "PLACED" and paid["payment"]["status"] == "PAID" and paid["payment"]["paidAt"]
    assert paid["payment"]["action"] is None  # nothing left to do
    assert [(h["fromStatus"], h["toStatus"], h["by"]) for h in paid["history"]] == [
        (None, "AWAITING_PAYMENT", "BUYER"), ("AWAITING_PAYMENT", "PLACED", None)
    ]
    assert [(h["status"], h["gatewayStatus"], h["source"], h["outcome"]) for h in paid["payment"]["history"]] == [
        ("PAID", "settlement", "WEBHOOK", "PAID")
    ]
    seller_view = await order_of(live, placed, m.seller)
    assert seller_view["payment"]["history"] == paid["payment"]["history"]
    officer_view = await order_of(live, placed, m.officer)
    assert officer_view["payment"]["status"] == "PAID" and officer_view["payment"]["history"] == []
    assert len(live.changes(OrderStatusChanged, to_status="PLACED")) == 1
    assert len(live.changes(PaymentStatusChanged, status="PAID")) == 1
    # the charge, and one status call that confirms the webhook before it settles anything (hardening II, item 3)
    assert (live.fake.count("charge"), live.fake.count("status"), live.fake.count()) == (1, 1, 2)


async def test_a_paid_order_is_refunded_in_part_by_the_seller_then_in_full_by_cancelling(live: Live) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    await live.fake.pay(placed["reference"])

    assert (await live.api.ok(REFUND, {"id": placed["id"], "amount": 20000}, m.seller.token))["order"]["status"] == "PLACED"
    part = (await order_of(live, placed, m.buyer))["payment"]
    assert (part["status"], part["refundedAmount"]) == ("PARTIALLY_REFUNDED", 20000)
    assert part["refunds"] == [{"amount": 20000, "reason": "Telur pecah dua butir"}]

    assert (await live.api.ok(CANCEL, {"id": placed["id"]}, m.buyer.token))["order"]["status"] == "CANCELLED"
    final = await order_of(live, placed, m.seller)
    assert (final["payment"]["status"], final["payment"]["refundedAmount"]) == ("REFUNDED", 135000)
    assert [r["amount"] for r in final["payment"]["refunds"]] == [20000, 115000]
    assert live.fake.transactions[placed["reference"]].refunds == {
        f"{placed['reference']}-R1-20000": 20000, f"{placed['reference']}-cancel": 115000
    }
    assert await stock(live.api, m.beras, m.seller) == 20
    # + the status call that confirmed the settlement
    assert (live.fake.count("charge"), live.fake.count("refund"), live.fake.count()) == (1, 2, 4)


async def test_refunds_are_checked_before_the_gateway_is_asked(live: Live) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    errors = await live.api.fails(REFUND, {"id": placed["id"], "amount": 1000}, m.seller.token)
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID_TRANSITION", ["orderId"])]  # not paid yet
    await live.fake.pay(placed["reference"])
    errors = await live.api.fails(REFUND, {"id": placed["id"], "amount": 135001}, m.seller.token)
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID", ["amount"])]
    errors = await live.api.fails(REFUND, {"id": placed["id"], "amount": 1000}, m.buyer.token)
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_FOUND", ["orderId"])]
    assert live.fake.count("refund") == 0


async def test_a_virtual_account_gives_its_number_and_a_paid_one_cancelled_is_owed_not_refunded_by_the_gateway(
    live: Live,
) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m, payment="MIDTRANS_BNI_VA")
    action = (await order_of(live, placed, m.buyer))["payment"]["action"]
    txn = live.fake.transactions[placed["reference"]]
    assert (action["kind"], action["vaNumber"], action["bank"], action["qrString"]) == ("VA_NUMBER", txn.va_number, "BNI", None)
    await live.fake.pay(placed["reference"])

    await live.api.ok(CANCEL, {"id": placed["id"]}, m.buyer.token)

    after = await order_of(live, placed, m.buyer)
    assert (after["status"], after["payment"]["status"]) == ("CANCELLED", "REFUNDED")
    assert await stock(live.api, m.beras, m.seller) == 20 and live.fake.count("refund") == 0  # owed: paid by transfer


async def test_the_buyer_confirming_asks_the_gateway_once_and_settles_without_a_webhook(live: Live) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    assert (await live.api.ok(CONFIRM, {"id": placed["id"]}, m.buyer.token))["order"]["status"] == "AWAITING_PAYMENT"
    await live.fake.pay(placed["reference"], notify=False)  # the notification is lost
    assert (await live.api.ok(CONFIRM, {"id": placed["id"]}, m.buyer.token))["order"]["status"] == "PLACED"
    assert (await live.api.ok(CONFIRM, {"id": placed["id"]}, m.buyer.token))["order"]["status"] == "PLACED"
    assert live.fake.count("status") == 2  # the third confirm found it paid and did not ask
    history = (await order_of(live, placed, m.buyer))["payment"]["history"]
    assert [(h["status"], h["source"]) for h in history] == [("PENDING", "POLL"), ("PAID", "POLL")]
    errors = await live.api.fails(CONFIRM, {"id": placed["id"]}, m.seller.token)
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_FOUND", ["id"])]


async def test_a_webhook_racing_the_buyers_confirmation_settles_the_payment_exactly_once(live: Live) -> None:
    m = await market(live.api)
    orders = [await pay_by_qris(live, m, quantity=1) for _ in range(3)]
    for order in orders:
        await live.fake.pay(order["reference"], notify=False)
    races = [
        coroutine
        for order in orders
        for coroutine in (live.fake.notify(order["reference"]), live.api.ok(CONFIRM, {"id": order["id"]}, m.buyer.token),
                          live.fake.notify(order["reference"]))
    ]
    await asyncio.gather(*races)

    for order in orders:
        final = await order_of(live, order, m.buyer)
        assert final["status"] == "PLACED" and final["payment"]["status"] == "PAID"
        assert [h["toStatus"] for h in final["history"]] == ["AWAITING_PAYMENT", "PLACED"]
        assert [h["status"] for h in final["payment"]["history"]] == ["PAID"]  # one ledger row, however it arrived
    assert len(live.changes(OrderStatusChanged, to_status="PLACED")) == 3
    assert len(live.changes(PaymentStatusChanged, status="PAID")) == 3


async def test_an_unpaid_order_expires_its_stock_returns_and_the_gateway_cancels_it(live: Live) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    assert (await live.run_jobs()).expired == 0  # not due yet

    report = await live.run_jobs(now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=61))

    assert (report.checked, report.settled, report.expired) == (1, 0, 1)
    order = await order_of(live, placed, m.buyer)
    assert order["status"] == "CANCELLED" and order["cancelReason"] == "Not paid in time"
    assert order["payment"]["status"] == "EXPIRED" and order["payment"]["action"] is None
    assert [(h["status"], h["source"]) for h in order["payment"]["history"]] == [("PENDING", "POLL"), ("EXPIRED", "HOST")]
    assert await stock(live.api, m.beras, m.seller) == 20
    assert live.fake.transactions[placed["reference"]].status == "cancel"
    assert (live.fake.count("status"), live.fake.count("cancel")) == (2, 1)  # one status call per jobs run
    await live.fake.pay(placed["reference"])  # too late: the gateway refuses a cancelled QR
    assert (await order_of(live, placed, m.buyer))["payment"]["status"] == "EXPIRED"


async def test_reconciliation_recovers_a_missed_webhook_instead_of_expiring_the_order(live: Live) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    await live.fake.pay(placed["reference"], notify=False)

    report = await live.run_jobs(now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=61))

    assert (report.checked, report.settled, report.expired) == (1, 1, 0)
    order = await order_of(live, placed, m.buyer)
    assert (order["status"], order["payment"]["status"]) == ("PLACED", "PAID")
    assert (live.fake.count("status"), live.fake.count("cancel")) == (1, 0)
    assert (await live.run_jobs()).checked == 0  # nothing pending any more


async def test_expiry_defers_to_the_gateway_when_it_was_paid_after_reconciliation(live: Live) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    live.fake.fail("cancel", "500", times=3)  # the gateway will not cancel: every attempt fails
    await live.fake.pay(placed["reference"], notify=False)

    expired = await jobs.expire(live.app.state.providers, live.app.state.events,
                                dt.datetime.now(dt.UTC) + dt.timedelta(minutes=61))

    assert expired == 0
    order = await order_of(live, placed, m.buyer)
    assert (order["status"], order["payment"]["status"]) == ("PLACED", "PAID")
    assert await stock(live.api, m.beras, m.seller) == 18


async def test_the_periodic_task_recovers_a_missed_webhook(live_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    async with serve_live(dataclasses.replace(live_settings, payment_jobs_interval_seconds=0.2), monkeypatch) as live:
        m = await market(live.api)
        placed = await pay_by_qris(live, m)
        await live.fake.pay(placed["reference"], notify=False)
        for _ in range(100):
            if (await order_of(live, placed, m.buyer))["status"] == "PLACED":
                break
            await asyncio.sleep(0.05)
        assert (await order_of(live, placed, m.buyer))["payment"]["status"] == "PAID"


async def test_a_charge_that_times_out_is_retried_with_its_key_and_charged_once(live: Live) -> None:
    m = await market(live.api)
    live.fake.fail("charge", "timeout", seconds=5)  # the gateway makes the charge, but its answer never comes
    placed = await pay_by_qris(live, m)
    assert live.fake.count("charge") == 2 and list(live.fake.transactions) == [placed["reference"]]
    assert (await order_of(live, placed, m.buyer))["payment"]["action"]["qrString"]


@pytest.mark.parametrize("mode", ["500", "timeout", "malformed", "reset"])
async def test_a_gateway_failing_every_attempt_leaves_no_order_and_no_live_charge(live: Live, mode: str) -> None:
    m = await market(live.api)
    live.fake.fail("charge", mode, times=3, seconds=5)

    errors = await live.api.fails(CHECKOUT, cart([(m.beras, 2)], [(m.shop, "pickup")], payment="MIDTRANS_QRIS"),
                                  m.buyer.token)

    assert [(e["code"], e["field"]) for e in errors] == [("PROVIDER_ERROR", ["input", "paymentMethod"])]
    assert await order_count(live.api, m.buyer) == 0 and await stock(live.api, m.beras, m.seller) == 20
    assert (live.fake.count("charge"), live.fake.count("cancel")) == (3, 1)
    # Only a timeout got as far as making the charge; it was cancelled, so nobody can pay it.
    assert [t.status for t in live.fake.transactions.values()] == (["cancel"] if mode == "timeout" else [])
    assert (await live.api.gql("{ paymentMethods { code } }"))["paymentMethods"]  # the server is still answering


async def test_a_refund_whose_answer_is_lost_is_retried_under_its_key_and_refunds_once(live: Live) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    await live.fake.pay(placed["reference"])
    live.fake.fail("refund", "timeout", seconds=5)

    assert (await live.api.ok(CANCEL, {"id": placed["id"]}, m.buyer.token))["order"]["status"] == "CANCELLED"

    assert live.fake.count("refund") == 2 and live.fake.transactions[placed["reference"]].refunded == 135000


async def test_a_refund_the_gateway_keeps_failing_leaves_the_order_paid_and_a_later_cancel_refunds_once(live: Live) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    await live.fake.pay(placed["reference"])
    live.fake.fail("refund", "500", times=3)

    errors = await live.api.fails(CANCEL, {"id": placed["id"]}, m.buyer.token)

    assert [(e["code"], e["field"]) for e in errors] == [("PROVIDER_ERROR", ["id"])]
    order = await order_of(live, placed, m.buyer)
    assert (order["status"], order["payment"]["status"], order["payment"]["refundedAmount"]) == ("PLACED", "PAID", 0)
    assert await stock(live.api, m.beras, m.seller) == 18
    assert (await live.api.ok(CANCEL, {"id": placed["id"]}, m.buyer.token))["order"]["status"] == "CANCELLED"
    assert live.fake.transactions[placed["reference"]].refunded == 135000 and live.fake.count("refund") == 4


async def test_a_buyer_cancelling_before_paying_voids_the_charge(live: Live) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    assert (await live.api.ok(CANCEL, {"id": placed["id"]}, m.buyer.token))["order"]["status"] == "CANCELLED"
    order = await order_of(live, placed, m.buyer)
    assert order["payment"]["status"] == "CANCELLED" and await stock(live.api, m.beras, m.seller) == 20
    assert live.fake.transactions[placed["reference"]].status == "cancel" and live.fake.count("cancel") == 1


async def test_midtrans_methods_are_offered_with_their_refund_rules(live: Live) -> None:
    query = "{ paymentMethods { code provider cashOnDelivery maxAmount refundable partialRefunds } }"
    methods = {m["code"]: m for m in (await live.api.gql(query))["paymentMethods"]}
    assert methods["MIDTRANS_QRIS"] == {"code": "MIDTRANS_QRIS", "provider": "midtrans", "cashOnDelivery": False,
                                        "maxAmount": 10_000_000, "refundable": True, "partialRefunds": True}
    assert [c for c in methods if c.endswith("_VA")] == [
        "MIDTRANS_BCA_VA", "MIDTRANS_BNI_VA", "MIDTRANS_BRI_VA", "MIDTRANS_PERMATA_VA"
    ]
    assert not methods["MIDTRANS_BCA_VA"]["refundable"]


async def test_without_a_server_key_midtrans_offers_nothing(api: Api) -> None:
    methods = (await api.gql("{ paymentMethods { code } }"))["paymentMethods"]
    assert not [m for m in methods if m["code"].startswith("MIDTRANS_")]


async def test_the_jobs_command_recovers_a_missed_webhook(
    live_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    database = TEST_DATABASE_URL or f"sqlite://{tmp_path / 'umkm.db'}"  # shared with the command's own process
    async with serve_live(dataclasses.replace(live_settings, database_url=database), monkeypatch) as live:
        m = await market(live.api)
        placed = await pay_by_qris(live, m)
        await live.fake.pay(placed["reference"], notify=False)
        env = {**os.environ, "UMKM_DATABASE_URL": database, "UMKM_MIDTRANS_BASE_URL": live.fake.url,
               "UMKM_MIDTRANS_SERVER_KEY": SERVER_KEY}
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "umkm_graph.cli", "jobs", env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, output.decode()
        # The payment's news (the new order to the seller, the payment to the buyer) is sent in the same run; this
        # process has no UMKM_SMTP_HOST, so no channel delivers it, and it is given up at once. Then the order
        # deadlines, none due yet.
        assert output.decode().strip() == (
            "umkm-graph jobs: reconciled 1 pending payment(s), 1 settled; expired 0; sent 0 message(s), 0 to retry, "
            "2 given up; followed 0 pending payout(s), 0 done; reminded 0 seller(s); cancelled 0 unaccepted; completed 0 delivered; cash flagged 0 to "
            "sellers, 0 to the city; swept 0 idempotency key(s) and 0 spent reset code(s); reminded 0 seller(s) of "
            "expiring certificates; granted 0 referral reward voucher(s)")
        assert (await order_of(live, placed, m.buyer))["status"] == "PLACED"
