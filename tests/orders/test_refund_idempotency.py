"""Idempotency keys on a seller's refund (hardening II, item 8): the same refund sent twenty times at once, or again after
its answer was lost, gives the money back once; the same key with another amount is refused naming the key. Over real
HTTP beside the fake Midtrans, on SQLite and on PostgreSQL (UMKM_TEST_DATABASE_URL)."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.helpers.checkout import ERRORS, market
from tests.helpers.payments import Live, order_of, pay_by_qris

KEY = "7e0c2a61-3b0d-4c8e-a1f2-6d5e4c3b2a19"
REFUND = f"""
mutation($id: ID!, $amount: Rupiah!, $key: String) {{
  refundPayment(orderId: $id, amount: $amount, reason: "Telur pecah dua butir", idempotencyKey: $key) {{
    order {{ id status payment {{ status refundedAmount }} }} {ERRORS}
  }}
}}"""


async def _paid_order(live: Live) -> tuple[Any, dict[str, Any]]:
    m = await market(live.api)
    placed = await pay_by_qris(live, m)  # Rp135,000
    await live.fake.pay(placed["reference"])
    return m, placed


async def _refund(live: Live, token: str, order: dict[str, Any], amount: int, key: str | None = KEY) -> dict[str, Any]:
    return (await live.api.gql(REFUND, {"id": order["id"], "amount": amount, "key": key}, token))["refundPayment"]


async def test_twenty_concurrent_sends_of_one_refund_give_the_money_back_once(live: Live) -> None:
    m, placed = await _paid_order(live)

    answers = await asyncio.gather(*(_refund(live, m.seller.token, placed, 20000) for _ in range(20)))

    assert [a["errors"] for a in answers] == [[]] * 20
    assert {a["order"]["id"] for a in answers} == {placed["id"]}
    payment = (await order_of(live, placed, m.seller))["payment"]
    assert (payment["status"], payment["refundedAmount"], payment["refunds"]) == (
        "PARTIALLY_REFUNDED", 20000, [{"amount": 20000, "reason": "Telur pecah dua butir"}])
    assert live.fake.count("refund") == 1 and live.fake.transactions[placed["reference"]].refunded == 20000


async def test_a_refund_retried_after_a_lost_answer_refunds_nothing_more(live: Live) -> None:
    m, placed = await _paid_order(live)
    first = await _refund(live, m.seller.token, placed, 20000)

    again = await _refund(live, m.seller.token, placed, 20000)

    assert first["errors"] == again["errors"] == [] and again["order"]["payment"]["refundedAmount"] == 20000
    assert live.fake.count("refund") == 1


async def test_without_a_key_a_repeated_refund_is_a_second_refund_as_before(live: Live) -> None:
    m, placed = await _paid_order(live)
    for _ in range(2):
        assert (await _refund(live, m.seller.token, placed, 20000, None))["errors"] == []
    assert (await order_of(live, placed, m.seller))["payment"]["refundedAmount"] == 40000


async def test_the_same_key_with_another_amount_is_refused_naming_the_key(live: Live) -> None:
    m, placed = await _paid_order(live)
    await _refund(live, m.seller.token, placed, 20000)

    other = await _refund(live, m.seller.token, placed, 30000)

    assert [(e["code"], e["field"]) for e in other["errors"]] == [("ALREADY_EXISTS", ["idempotencyKey"])]
    assert (await order_of(live, placed, m.seller))["payment"]["refundedAmount"] == 20000
    assert live.fake.count("refund") == 1


async def test_a_refund_the_gateway_failed_keeps_no_key_so_it_can_be_retried(live: Live) -> None:
    m, placed = await _paid_order(live)
    live.fake.fail("refund", "500", times=3)  # the first try and both retries
    failed = await _refund(live, m.seller.token, placed, 20000)
    assert [e["code"] for e in failed["errors"]] == ["PROVIDER_ERROR"]

    retried = await _refund(live, m.seller.token, placed, 20000)

    assert retried["errors"] == [] and retried["order"]["payment"]["refundedAmount"] == 20000
    assert live.fake.transactions[placed["reference"]].refunded == 20000
