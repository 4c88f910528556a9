"""Gateway faults: Midtrans times out, answers 500, answers something that is not JSON, or resets the connection, during
checkout and during a status poll. The order stays consistent, the error is a clear PROVIDER_ERROR, and reconciliation
(`umkm_graph.jobs`) recovers the order once the gateway works again. Real HTTP, as in test_cashless; the checkout that
fails every attempt is in test_cashless."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers.checkout import CHECKOUT, cart, market, order_count, stock
from tests.helpers.payments import CONFIRM, Live, order_of, pay_by_qris
from umkm_graph import jobs

MODES = ["timeout", "500", "malformed", "reset"]
ATTEMPTS = 3  # live_settings: two retries


def failing_polls(mode: str) -> int:
    """Status calls that fail every attempt: aiohttp itself resends a GET once on a reset connection."""
    return ATTEMPTS * (2 if mode == "reset" else 1)


@pytest.mark.parametrize("mode", MODES)
async def test_a_checkout_the_gateway_fails_once_is_retried_and_charged_once(live: Live, mode: str) -> None:
    m = await market(live.api)
    live.fake.fail("charge", mode, times=1, seconds=5)

    placed = await pay_by_qris(live, m)

    order = await order_of(live, placed, m.buyer)
    assert (order["status"], order["payment"]["status"]) == ("AWAITING_PAYMENT", "PENDING")
    assert order["payment"]["action"]["qrString"] == live.fake.transactions[placed["reference"]].qr_string
    assert list(live.fake.transactions) == [placed["reference"]] and live.fake.count("charge") == 2
    assert await order_count(live.api, m.buyer) == 1 and await stock(live.api, m.beras, m.seller) == 18


@pytest.mark.parametrize("mode", MODES)
async def test_a_failed_checkout_leaves_nothing_for_reconciliation_and_the_next_checkout_works(
    live: Live, mode: str
) -> None:
    m = await market(live.api)
    live.fake.fail("charge", mode, times=ATTEMPTS, seconds=5)
    variables = cart([(m.beras, 2)], [(m.shop, "pickup")], payment="MIDTRANS_QRIS")

    errors = await live.api.fails(CHECKOUT, variables, m.buyer.token)

    assert [(e["code"], e["field"]) for e in errors] == [("PROVIDER_ERROR", ["input", "paymentMethod"])]
    assert "midtrans" in errors[0]["message"].lower()
    report = await live.run_jobs(now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=61))
    assert (report.checked, report.settled, report.expired) == (0, 0, 0)  # no payment was left behind
    assert await order_count(live.api, m.buyer) == 0 and await stock(live.api, m.beras, m.seller) == 20

    placed = await pay_by_qris(live, m)  # the gateway works again
    await live.fake.pay(placed["reference"])
    assert (await order_of(live, placed, m.buyer))["status"] == "PLACED"
    assert await stock(live.api, m.beras, m.seller) == 18


@pytest.mark.parametrize("mode", MODES)
async def test_a_status_poll_the_gateway_fails_changes_nothing_and_reconciliation_recovers_later(
    live: Live, mode: str
) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    await live.fake.pay(placed["reference"], notify=False)  # paid, but the notification is lost
    live.fake.fail("status", mode, times=failing_polls(mode), seconds=5)

    errors = await live.api.fails(CONFIRM, {"id": placed["id"]}, m.buyer.token)

    assert [(e["code"], e["field"]) for e in errors] == [("PROVIDER_ERROR", ["id"])]
    order = await order_of(live, placed, m.buyer)
    assert (order["status"], order["payment"]["status"], order["payment"]["history"]) == (
        "AWAITING_PAYMENT", "PENDING", [])
    assert await stock(live.api, m.beras, m.seller) == 18 and live.fake.count("status") == failing_polls(mode)

    live.fake.fail("status", mode, times=failing_polls(mode), seconds=5)
    failing = await live.run_jobs()
    assert (failing.checked, failing.settled, failing.expired) == (1, 0, 0)  # asked, no answer, kept waiting
    assert (await order_of(live, placed, m.buyer))["status"] == "AWAITING_PAYMENT"

    recovered = await live.run_jobs(now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=61))

    assert (recovered.checked, recovered.settled, recovered.expired) == (1, 1, 0)
    order = await order_of(live, placed, m.buyer)
    assert (order["status"], order["payment"]["status"]) == ("PLACED", "PAID")
    assert [(h["status"], h["source"]) for h in order["payment"]["history"]] == [("PAID", "POLL")]
    assert [h["toStatus"] for h in order["history"]] == ["AWAITING_PAYMENT", "PLACED"]
    assert await stock(live.api, m.beras, m.seller) == 18 and live.fake.count("cancel") == 0


async def test_expiry_while_the_gateway_is_down_does_not_cancel_and_a_later_run_settles_the_paid_order(
    live: Live,
) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    await live.fake.pay(placed["reference"], notify=False)
    live.fake.fail("status", "500", times=2 * ATTEMPTS)  # reconciliation's poll, then expiry's own poll
    live.fake.fail("cancel", "500", times=ATTEMPTS)  # expiry cancels at the gateway first
    late = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=61)

    down = await live.run_jobs(now=late)

    assert (down.checked, down.settled, down.expired) == (1, 0, 0)
    order = await order_of(live, placed, m.buyer)
    assert (order["status"], order["payment"]["status"]) == ("AWAITING_PAYMENT", "PENDING")
    assert await stock(live.api, m.beras, m.seller) == 18
    assert (live.fake.count("status"), live.fake.count("cancel")) == (2 * ATTEMPTS, ATTEMPTS)

    up = await live.run_jobs(now=late + jobs.LEASE)  # the first run's claim has run out

    assert (up.checked, up.settled, up.expired) == (1, 1, 0)
    assert (await order_of(live, placed, m.buyer))["status"] == "PLACED"
