"""The order deadlines the jobs run, tested by moving the clock they read: an order the seller does not accept in time
is cancelled (stock back, payment voided or refunded) after a reminder; a delivered, paid order completes itself;
delivered cash on delivery still unconfirmed is flagged to the seller, then to the city, and never completed; old
idempotency keys are swept for everyone. Each happens once however many runs overlap."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from typing import Any

import pytest

from tests.helpers.checkout import CHECKOUT_WITH_KEY, Market, cart, check_out, market, stock
from tests.helpers.orders import attempt
from tests.helpers.database import TEST_DATABASE_URL
from tests.helpers.payments import Live, jobs_processes, order_of, pay_by_qris
from tests.helpers.people import city_person
from umkm_graph.events import OrderStatusChanged
from umkm_graph.notifications.models import OutboxMessage
from umkm_graph.payments.models import IdempotencyKey

HOUR = dt.timedelta(hours=1)
ON_POSTGRES = bool(TEST_DATABASE_URL and TEST_DATABASE_URL.startswith("postgres"))
CANCELLED = re.compile(r"cancelled (\d+) unaccepted")
DEADLINES = "query($id: ID!) { order(id: $id) { status acceptBy completesAt cashFlaggedAt cashEscalatedAt } }"
CITY_LIST = "{ cashUnconfirmedOrders { totalCount edges { node { id reference } } } }"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def deadlines(live: Live, order: dict[str, Any], token: str) -> dict[str, Any]:
    return (await live.api.gql(DEADLINES, {"id": order["id"]}, token))["order"]


async def steps(live: Live, m: Market, order: dict[str, Any], *names: str) -> None:
    for name in names:
        person = m.buyer if name == "completeOrder" else m.seller
        assert (await attempt(live.api, name, order, person))["errors"] == [], name


async def cod_pickup(live: Live, m: Market, quantity: int = 2) -> dict[str, Any]:
    return (await check_out(live.api, m.buyer, cart([(m.beras, quantity)], [(m.shop, "pickup")])))["orders"][0]


async def test_an_order_not_accepted_in_time_is_cancelled_by_the_system_after_one_reminder(live: Live) -> None:
    m = await market(live.api)
    ignored, accepted = await cod_pickup(live, m, 2), await cod_pickup(live, m, 3)
    await steps(live, m, accepted, "acceptOrder")
    assert await stock(live.api, m.beras, m.seller) == 15
    placed_at = now()
    accept_by = dt.datetime.fromisoformat((await deadlines(live, ignored, m.seller.token))["acceptBy"])
    assert placed_at + 23 * HOUR < accept_by <= placed_at + 24 * HOUR  # the default window, from checkout

    early = await live.run_order_jobs(placed_at + 19 * HOUR)
    assert (early.deadlines.reminded, early.deadlines.cancelled) == (0, 0)
    first, again = await live.run_order_jobs(placed_at + 21 * HOUR), await live.run_order_jobs(placed_at + 22 * HOUR)
    assert (first.deadlines.reminded, again.deadlines.reminded, first.deadlines.cancelled) == (1, 0, 0)
    reminders = await OutboxMessage.filter(kind="ACCEPT_REMINDER").values("user_id", "parameters")
    assert [(r["user_id"], r["parameters"]["reference"]) for r in reminders] == [(int(m.seller.id), ignored["reference"])]

    late = await live.run_order_jobs(accept_by + dt.timedelta(minutes=1))
    assert late.deadlines.cancelled == 1
    final = await order_of(live, ignored, m.buyer)
    assert final["status"] == "CANCELLED" and final["payment"]["status"] == "CANCELLED"
    assert final["cancelReason"] == "The seller did not accept the order within 24 hours"
    assert final["history"][-1] == {"fromStatus": "PLACED", "toStatus": "CANCELLED", "by": None,
                                    "reason": final["cancelReason"]}
    assert await stock(live.api, m.beras, m.seller) == 17  # the ignored order's two sacks are back
    assert (await order_of(live, accepted, m.buyer))["status"] == "ACCEPTED"
    assert len(live.changes(OrderStatusChanged, order_id=int(ignored["id"]), to_status="CANCELLED")) == 1


async def test_a_paid_order_not_accepted_in_time_is_refunded_in_full_at_the_gateway(live: Live) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    await live.fake.pay(placed["reference"])
    paid = await order_of(live, placed, m.buyer)
    assert (paid["status"], paid["payment"]["status"]) == ("PLACED", "PAID")

    report = await live.run_order_jobs(now() + 25 * HOUR)
    assert report.deadlines.cancelled == 1
    final = await order_of(live, placed, m.buyer)
    assert (final["status"], final["payment"]["status"], final["payment"]["refundedAmount"]) == (
        "CANCELLED", "REFUNDED", 135000)
    assert live.fake.transactions[placed["reference"]].refunds == {f"{placed['reference']}-cancel": 135000}
    assert await stock(live.api, m.beras, m.seller) == 20


async def test_a_refund_the_gateway_refuses_leaves_the_order_placed_and_a_later_run_cancels_it(live: Live) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    await live.fake.pay(placed["reference"])
    live.fake.fail("refund", "500", times=3)  # every attempt of one run (a call and its two retries)
    later = now() + 25 * HOUR
    assert (await live.run_order_jobs(later)).deadlines.cancelled == 0
    assert (await order_of(live, placed, m.buyer))["status"] == "PLACED"
    assert await stock(live.api, m.beras, m.seller) == 18  # nothing half-written

    assert (await live.run_order_jobs(later + 2 * HOUR)).deadlines.cancelled == 1  # once the claim ran out
    assert (await order_of(live, placed, m.buyer))["payment"]["status"] == "REFUNDED"


async def test_a_delivered_paid_order_completes_itself_after_the_window_and_counts(live: Live) -> None:
    m = await market(live.api)
    order = await cod_pickup(live, m)
    await steps(live, m, order, "acceptOrder", "markReadyForPickup", "markDelivered", "confirmCashCollected")
    delivered_at = now()
    completes_at = dt.datetime.fromisoformat((await deadlines(live, order, m.buyer.token))["completesAt"])
    assert delivered_at + 71 * HOUR < completes_at <= delivered_at + 72 * HOUR

    assert (await live.run_order_jobs(delivered_at + 70 * HOUR)).deadlines.completed == 0
    assert (await live.run_order_jobs(completes_at + HOUR)).deadlines.completed == 1
    final = await order_of(live, order, m.seller)
    assert final["status"] == "COMPLETED"
    assert final["history"][-1]["by"] is None and final["history"][-1]["toStatus"] == "COMPLETED"
    assert (await deadlines(live, order, m.buyer.token))["completesAt"] is None


async def test_unconfirmed_cash_is_flagged_to_the_seller_then_the_city_and_the_order_never_completes(live: Live) -> None:
    m = await market(live.api)
    order = await cod_pickup(live, m)
    await steps(live, m, order, "acceptOrder", "markReadyForPickup", "markDelivered")
    officer = await city_person(live.api)
    delivered_at = now()

    seller_told = await live.run_order_jobs(delivered_at + 25 * HOUR)
    assert (seller_told.deadlines.cash_flagged, seller_told.deadlines.cash_escalated) == (1, 0)
    flags = await deadlines(live, order, m.seller.token)
    assert flags["cashFlaggedAt"] is not None and flags["cashEscalatedAt"] is None
    assert (await live.api.gql(CITY_LIST, token=officer.token))["cashUnconfirmedOrders"]["totalCount"] == 0

    city_told = await live.run_order_jobs(delivered_at + 100 * HOUR)
    assert (city_told.deadlines.cash_flagged, city_told.deadlines.cash_escalated, city_told.deadlines.completed) == (
        0, 1, 0)
    listed = (await live.api.gql(CITY_LIST, token=officer.token))["cashUnconfirmedOrders"]
    assert [edge["node"]["reference"] for edge in listed["edges"]] == [order["reference"]]
    assert (await deadlines(live, order, m.seller.token))["status"] == "DELIVERED"
    refused = await live.api.post(CITY_LIST, token=m.seller.token)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    await steps(live, m, order, "confirmCashCollected")  # late cash: off the city's list, then completes as usual
    assert (await live.api.gql(CITY_LIST, token=officer.token))["cashUnconfirmedOrders"]["totalCount"] == 0
    assert (await live.run_order_jobs(delivered_at + 200 * HOUR)).deadlines.completed == 1


async def test_overlapping_runs_cancel_remind_and_complete_each_order_once(live: Live) -> None:
    m = await market(live.api)
    placed = [await cod_pickup(live, m, 1) for _ in range(4)]
    delivered = await cod_pickup(live, m, 1)
    await steps(live, m, delivered, "acceptOrder", "markReadyForPickup", "markDelivered", "confirmCashCollected")
    later = now() + 80 * HOUR
    reports = await asyncio.gather(*(live.run_order_jobs(later) for _ in range(4)))
    assert sum(r.deadlines.cancelled for r in reports) == 4
    assert sum(r.deadlines.reminded for r in reports) == 4
    assert sum(r.deadlines.completed for r in reports) == 1
    for order in placed:
        history = (await order_of(live, order, m.buyer))["history"]
        assert [h["toStatus"] for h in history] == ["PLACED", "CANCELLED"]
        assert len(live.changes(OrderStatusChanged, order_id=int(order["id"]), to_status="CANCELLED")) == 1
    assert await stock(live.api, m.beras, m.seller) == 19  # the delivered sack alone is gone


async def test_old_idempotency_keys_are_swept_for_users_who_never_return(live: Live) -> None:
    m = await market(live.api)
    variables = {**cart([(m.minyak, 1)], [(m.shop, "pickup")]), "key": "kunci-lama-1"}
    answer = await live.api.gql(CHECKOUT_WITH_KEY, variables, m.buyer.token)
    assert answer["checkout"]["errors"] == []
    assert await IdempotencyKey.filter(user_id=int(m.buyer.id)).count() == 1

    assert (await live.run_order_jobs(now() + 23 * HOUR)).keys_swept == 0
    assert (await live.run_order_jobs(now() + 25 * HOUR)).keys_swept == 1
    assert await IdempotencyKey.filter(user_id=int(m.buyer.id)).count() == 0


async def test_several_jobs_processes_cancel_and_refund_each_unaccepted_order_once(live: Live) -> None:
    """On PostgreSQL: four `umkm-graph jobs` processes at once, each with its own connections, at the same moved clock."""
    if not ON_POSTGRES:
        pytest.skip("several processes need UMKM_TEST_DATABASE_URL on PostgreSQL (SQLite in memory is one process's)")
    m = await market(live.api)
    placed = [await pay_by_qris(live, m, quantity=1) for _ in range(6)]
    for order in placed:
        await live.fake.pay(order["reference"])
    live.fake.delay = 0.02  # each refund takes a moment, so the processes overlap
    later = (now() + 25 * HOUR).isoformat()
    outputs = await jobs_processes(live, TEST_DATABASE_URL or "", 4, "--only", "deadlines", "--now", later)
    cancelled = [int(CANCELLED.search(output).group(1)) for output in outputs]  # type: ignore[union-attr]
    assert sum(cancelled) == len(placed), outputs
    for order in placed:
        assert live.fake.count("refund", order["reference"]) == 1
        final = await order_of(live, order, m.buyer)
        assert (final["status"], final["payment"]["status"]) == ("CANCELLED", "REFUNDED")
        assert [h["toStatus"] for h in final["history"]] == ["AWAITING_PAYMENT", "PLACED", "CANCELLED"]
    assert await stock(live.api, m.beras, m.seller) == 20
