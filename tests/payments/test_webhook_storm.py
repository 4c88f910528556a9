"""Webhook storm: every notification of a payment delivered five times, shuffled, at the same moment as the buyer's own
"I have paid", for several orders at once, mixed with forged and altered-amount replays. Each payment settles once, each
distinct event is one ledger row, and the forgeries change nothing. Real HTTP, as in test_cashless."""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from collections.abc import Awaitable
from typing import Any

from tests.helpers.checkout import market, stock
from tests.helpers.payments import CONFIRM, Live, order_of, pay_by_qris
from umkm_graph.events import OrderStatusChanged, PaymentStatusChanged

ORDERS = 3
REPEATS = 5
EVENTS = ("pending", "settlement")


def altered_amount(body: bytes, amount: str = "1000.00") -> bytes:
    """A genuine notification replayed with another amount; its signature is the original one."""
    return json.dumps(dict(json.loads(body), gross_amount=amount)).encode()


async def test_a_storm_of_repeated_shuffled_notifications_settles_each_payment_once(live: Live) -> None:
    m = await market(live.api)
    orders = [await pay_by_qris(live, m, quantity=1) for _ in range(ORDERS)]
    for order in orders:
        await live.fake.pay(order["reference"], notify=False)  # settled at the gateway; the storm tells us

    sends: list[tuple[str, str, Awaitable[Any]]] = []  # (reference, kind, delivery)
    for order in orders:
        reference = order["reference"]
        for status in EVENTS:
            body = live.fake.notification(reference, status=status)
            sends += [(reference, "genuine", live.fake.notify(reference, body)) for _ in range(REPEATS)]
        settlement = live.fake.notification(reference, status="settlement")
        sends.append((reference, "forged", live.fake.notify(
            reference, live.fake.notification(reference, status="settlement", server_key="SB-Mid-server-guessed"))))
        sends.append((reference, "forged", live.fake.notify(reference, altered_amount(settlement))))
        sends.append((reference, "confirm", live.api.ok(CONFIRM, {"id": order["id"]}, m.buyer.token)))
    random.Random(7).shuffle(sends)

    answers = await asyncio.gather(*(send for _, _, send in sends))

    statuses = Counter((kind, answer) for (_, kind, _), answer in zip(sends, answers, strict=True) if kind != "confirm")
    assert statuses == {("genuine", 200): ORDERS * len(EVENTS) * REPEATS, ("forged", 401): ORDERS * 2}
    ledger_rows = 0
    for order in orders:
        final = await order_of(live, order, m.buyer)
        assert (final["status"], final["payment"]["status"]) == ("PLACED", "PAID")
        assert [h["toStatus"] for h in final["history"]] == ["AWAITING_PAYMENT", "PLACED"]
        history = final["payment"]["history"]
        # One row per distinct event, however many times and by whichever path (webhook or the buyer's poll) it came.
        assert sorted(h["gatewayStatus"] for h in history) == sorted(EVENTS)
        assert [h["outcome"] for h in history].count("PAID") == 1
        assert all(h["amount"] == final["total"] for h in history)  # the altered amount was never recorded
        ledger_rows += len(history)
    settlements = len(live.changes(PaymentStatusChanged, status="PAID"))
    placed = len(live.changes(OrderStatusChanged, to_status="PLACED"))
    assert (ledger_rows, settlements, placed) == (ORDERS * len(EVENTS), ORDERS, ORDERS)
    assert await stock(live.api, m.beras, m.seller) == 20 - ORDERS  # held once per order, never returned
    print(f"\nwebhook storm: {ORDERS} orders, {len(sends)} concurrent sends "
          f"({statuses[('genuine', 200)]} genuine deliveries -> 200, {statuses[('forged', 401)]} forged -> 401, "
          f"{ORDERS} buyer confirmations); ledger rows {ledger_rows}, settlements {settlements}, "
          f"orders placed {placed}")


async def test_forged_and_altered_amount_notifications_change_nothing_even_before_the_genuine_one(live: Live) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)
    reference = placed["reference"]
    await live.fake.pay(reference, notify=False)
    genuine = live.fake.notification(reference, status="settlement")
    forgeries = [
        live.fake.notification(reference, status="settlement", server_key="SB-Mid-server-guessed"),
        altered_amount(genuine),
        altered_amount(genuine, amount="135000"),  # the same amount written differently is another signed text
    ]

    answers = await asyncio.gather(*(live.webhook(body) for body in forgeries * REPEATS))

    assert {(r.status_code, r.json()["error"]) for r in answers} == {(401, "The signature does not match")}
    order = await order_of(live, placed, m.buyer)
    assert (order["status"], order["payment"]["status"], order["payment"]["history"]) == (
        "AWAITING_PAYMENT", "PENDING", [])
    assert live.changes(PaymentStatusChanged) == [] and await stock(live.api, m.beras, m.seller) == 18
    assert (await live.webhook(genuine)).json()["events"][0]["outcome"] == "PAID"  # the real one still settles it
