"""Refunds for every method (issue 14, section 4), over real HTTP beside the fake Midtrans and the fake Iris: where the
gateway cannot refund (a virtual account, cash on delivery) the refund is owed, the buyer gives a bank account, and a
city officer pays it through the payout path (Iris, or a transfer made by hand with its reference), once per key; the
buyer hears "refund made" when it is paid. A buyer's refund request is a complaint the seller approves or declines."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from umkm_midtrans.fake_iris import FakeIris

from tests.helpers.balances import entries, shop_balance
from tests.helpers.checkout import CHECKOUT, ERRORS, Market, cart, market
from tests.helpers.orders import attempt
from tests.helpers.payments import CANCEL, Live, order_of, pay_by_qris, serve_live
from tests.helpers.refunds import (
    OWED_REFUNDS, SET_REFUND_ACCOUNT, delivered_paid, give_account, owed_refund, pay_owed, started_iris,
)
from umkm_graph.notifications.models import OutboxMessage
from umkm_graph.settings import Settings

SACKS = 2 * 67500
REFUND_REQUEST = f"""mutation($input: OpenComplaintInput!) {{
  openComplaint(input: $input) {{ complaint {{ id status reason requestedAmount }} {ERRORS} }} }}"""
ANSWER = f"""mutation($id: ID!, $resolution: ComplaintResolution!, $reason: String) {{
  answerComplaint(id: $id, resolution: $resolution, reason: $reason) {{
    complaint {{ id status resolution refundAmount sellerReason }} {ERRORS} }} }}"""
REFUND_WITH_KEY = f"""mutation($id: ID!, $amount: Rupiah!, $key: String) {{
  refundPayment(orderId: $id, amount: $amount, reason: "Beras kurang", idempotencyKey: $key) {{ order {{ id }} {ERRORS} }}
}}"""


@pytest.fixture
async def iris(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeIris]:
    async with started_iris(monkeypatch) as fake:
        yield fake


@pytest.fixture
async def live(iris: FakeIris, live_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Live]:
    async with serve_live(live_settings, monkeypatch) as running:
        yield running


async def refunds_told(buyer_id: str) -> list[dict[str, Any]]:
    return await OutboxMessage.filter(kind="REFUND_MADE", user_id=int(buyer_id)).values("parameters")


def codes(errors: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    return [(e["code"], e["field"]) for e in errors]


async def test_a_paid_virtual_account_order_cancelled_owes_its_refund_and_iris_pays_it_to_the_buyer_once(
    live: Live, iris: FakeIris,
) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m, payment="MIDTRANS_BNI_VA")
    await live.fake.pay(placed["reference"])

    assert (await live.api.ok(CANCEL, {"id": placed["id"]}, m.buyer.token))["order"]["status"] == "CANCELLED"

    payment = (await order_of(live, placed, m.buyer))["payment"]
    assert (payment["status"], payment["refundedAmount"]) == ("REFUNDED", SACKS)
    owed = await owed_refund(live, placed, m.buyer)
    assert (owed["route"], owed["status"], owed["amount"], owed["bankAccountGiven"]) == ("TRANSFER", "OWED", SACKS, False)
    assert live.fake.count("refund") == 0 and await refunds_told(m.buyer.id) == []
    assert entries(await shop_balance(live.api, m.shop, m.seller)) == [("SALE", SACKS), ("REFUND", -SACKS)]
    queue = (await live.api.gql(OWED_REFUNDS, token=m.officer.token))["owedRefunds"]
    assert [e["node"]["id"] for e in queue["edges"]] == [owed["id"]]

    no_account = await pay_owed(live.api, m.officer, owed, "midtrans_iris")
    assert codes(no_account["errors"]) == [("NOT_AVAILABLE", ["input", "refundId"])]
    wrong = {"bank": "B C A", "accountNumber": "12-ab", "accountName": "  "}
    errors = await live.api.fails(SET_REFUND_ACCOUNT, {"refund": owed["id"], "input": wrong}, m.buyer.token)
    assert sorted(codes(errors)) == [("INVALID", ["input", "accountName"]), ("INVALID", ["input", "accountNumber"]),
                                     ("INVALID", ["input", "bank"])]
    by_seller = await live.api.fails(SET_REFUND_ACCOUNT, {"refund": owed["id"], "input": wrong}, m.seller.token)
    assert codes(by_seller) == [("NOT_FOUND", ["refundId"])]
    assert (await give_account(live.api, m.buyer, owed))["bankAccountGiven"] is True

    key = str(uuid.uuid4())
    sending = (await pay_owed(live.api, m.officer, owed, "midtrans_iris", key))["refund"]
    assert (sending["status"], sending["transferReference"]) == ("SENDING", f"RF-{owed['id']}-1")
    (sent,) = iris.payouts.values()
    assert (sent.amount, sent.bank, sent.account) == (SACKS, "bca", "4410223388")
    other_key = await pay_owed(live.api, m.officer, owed, "midtrans_iris")
    assert [e["code"] for e in other_key["errors"]] == ["INVALID_TRANSITION"]
    assert (await pay_owed(live.api, m.officer, owed, "midtrans_iris", key))["refund"]["status"] == "SENDING"

    iris.complete(next(iter(iris.payouts)))
    paid = (await pay_owed(live.api, m.officer, owed, "midtrans_iris", key))["refund"]
    again = (await pay_owed(live.api, m.officer, owed, "midtrans_iris", key))["refund"]

    assert (paid["status"], again["status"]) == ("PAID", "PAID") and paid["paidAt"] is not None
    assert iris.count("create") == 1
    assert [t["parameters"]["amount"] for t in await refunds_told(m.buyer.id)] == [SACKS]
    assert (await live.api.gql(OWED_REFUNDS, token=m.officer.token))["owedRefunds"]["totalCount"] == 0
    refused = await live.api.fails(SET_REFUND_ACCOUNT, {"refund": owed["id"], "input": {
        "bank": "bri", "accountNumber": "0001112223", "accountName": "Siti"}}, m.buyer.token)
    assert codes(refused) == [("INVALID_TRANSITION", ["refundId"])]


async def test_a_refund_transfer_iris_refuses_is_owed_again_and_a_transfer_by_hand_pays_it(
    live: Live, iris: FakeIris,
) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m, payment="MIDTRANS_BCA_VA")
    await live.fake.pay(placed["reference"])
    key = str(uuid.uuid4())
    await live.api.ok(REFUND_WITH_KEY, {"id": placed["id"], "amount": 20000, "key": key}, m.seller.token)
    await live.api.ok(REFUND_WITH_KEY, {"id": placed["id"], "amount": 20000, "key": key}, m.seller.token)  # a retry
    owed = await owed_refund(live, placed, m.buyer)  # one refund, however often the key is sent
    assert (owed["route"], owed["status"], owed["amount"]) == ("TRANSFER", "OWED", 20000)
    await give_account(live.api, m.buyer, owed)
    iris.refuse_account("4410223388")

    failed = (await pay_owed(live.api, m.officer, owed, "midtrans_iris"))["refund"]
    assert failed["status"] == "OWED" and failed["failure"]
    no_reference = await pay_owed(live.api, m.officer, owed, "manual", transferReference=" ")
    assert codes(no_reference["errors"]) == [("REQUIRED", ["input", "transferReference"])]
    by_hand = (await pay_owed(live.api, m.officer, owed, "manual", transferReference="BCA-TRF-77120"))["refund"]

    assert (by_hand["status"], by_hand["transferReference"], by_hand["failure"]) == ("PAID", f"RF-{owed['id']}-2", "")
    assert [t["parameters"]["amount"] for t in await refunds_told(m.buyer.id)] == [20000]
    assert entries(await shop_balance(live.api, m.shop, m.seller)) == [("SALE", SACKS), ("REFUND", -20000)]


async def test_a_refund_request_the_seller_approves_is_owed_for_a_virtual_account_and_one_declined_says_why(
    live: Live,
) -> None:
    m = await market(live.api)
    order, lines = await delivered_paid(live, m, payment="MIDTRANS_BNI_VA")
    ask = {"orderId": order["id"], "reason": "REFUND_REQUEST", "text": "Berasnya apek", "orderLineIds": lines}
    missing = await live.api.fails(REFUND_REQUEST, {"input": ask}, m.buyer.token)
    assert codes(missing) == [("REQUIRED", ["input", "refundAmount"])]
    too_much = await live.api.fails(REFUND_REQUEST, {"input": {**ask, "refundAmount": SACKS + 1}}, m.buyer.token)
    assert codes(too_much) == [("INVALID", ["input", "refundAmount"])]
    not_a_request = await live.api.fails(REFUND_REQUEST, {"input": {**ask, "reason": "DAMAGED", "refundAmount": 5}},
                                         m.buyer.token)
    assert codes(not_a_request) == [("INVALID", ["input", "refundAmount"])]
    asked = (await live.api.ok(REFUND_REQUEST, {"input": {**ask, "refundAmount": 30000}}, m.buyer.token))["complaint"]
    assert (asked["status"], asked["reason"], asked["requestedAmount"]) == ("OPEN", "REFUND_REQUEST", 30000)

    approved = (await live.api.ok(ANSWER, {"id": asked["id"], "resolution": "REFUND"}, m.seller.token))["complaint"]
    twice = await live.api.fails(ANSWER, {"id": asked["id"], "resolution": "REFUND"}, m.seller.token)

    assert (approved["status"], approved["refundAmount"]) == ("RESOLVED", 30000)
    assert [e["code"] for e in twice] == ["INVALID_TRANSITION"]
    owed = await owed_refund(live, order, m.buyer)
    assert (owed["route"], owed["status"], owed["amount"]) == ("TRANSFER", "OWED", 30000)
    assert live.fake.count("refund") == 0

    other, other_lines = await delivered_paid(live, m)
    asked = (await live.api.ok(REFUND_REQUEST, {"input": {**ask, "orderId": other["id"], "orderLineIds": other_lines,
                                                         "refundAmount": 10000}}, m.buyer.token))["complaint"]
    no_reason = await live.api.fails(ANSWER, {"id": asked["id"], "resolution": "REJECT"}, m.seller.token)
    assert codes(no_reason) == [("REQUIRED", ["reason"])]
    declined = (await live.api.ok(ANSWER, {"id": asked["id"], "resolution": "REJECT",
                                           "reason": "Beras sudah dipakai separuh"}, m.seller.token))["complaint"]
    assert (declined["status"], declined["sellerReason"]) == ("REJECTED", "Beras sudah dipakai separuh")
    assert (await order_of(live, other, m.buyer))["payment"]["refundedAmount"] == 0


async def test_a_cash_on_delivery_refund_is_owed_and_recorded_by_hand_only(live: Live) -> None:
    m = await market(live.api)
    result = await live.api.ok(CHECKOUT, cart([(m.beras, 2)], [(m.shop, "pickup")]), m.buyer.token)
    (order,) = result["checkout"]["orders"]
    code = (await live.api.gql("query($id: ID!) { order(id: $id) { pickupCode } }", {"id": order["id"]},
                               m.buyer.token))["order"]["pickupCode"]
    for name in ("acceptOrder", "markReadyForPickup", "markDelivered", "confirmCashCollected"):
        assert (await attempt(live.api, name, {**order, "pickupCode": code}, m.seller))["errors"] == [], name

    await live.api.ok(REFUND_WITH_KEY, {"id": order["id"], "amount": 15000, "key": None}, m.seller.token)
    owed = await owed_refund(live, order, m.buyer)
    await give_account(live.api, m.buyer, owed)
    by_gateway = await pay_owed(live.api, m.officer, owed, "midtrans_iris")
    by_hand = (await pay_owed(live.api, m.officer, owed, "manual"))["refund"]

    assert codes(by_gateway["errors"]) == [("NOT_AVAILABLE", ["input", "provider"])]
    assert by_hand["status"] == "PAID"
    assert (await shop_balance(live.api, m.shop, m.seller))["entries"]["totalCount"] == 0  # cash was never held
    by_seller = await pay_owed(live.api, m.seller, owed, "manual")
    assert [e["code"] for e in by_seller["errors"]] == ["FORBIDDEN"]


async def test_an_owed_refund_paid_by_many_sends_at_once_is_paid_once(live: Live, iris: FakeIris) -> None:
    m = await market(live.api)
    placed = await pay_by_qris(live, m, payment="MIDTRANS_BRI_VA")
    await live.fake.pay(placed["reference"])
    await live.api.ok(CANCEL, {"id": placed["id"]}, m.buyer.token)
    owed = await owed_refund(live, placed, m.buyer)
    await give_account(live.api, m.buyer, owed)
    key = str(uuid.uuid4())

    answers = await asyncio.gather(*[pay_owed(live.api, m.officer, owed, "midtrans_iris", key) for _ in range(6)])
    another_key = await pay_owed(live.api, m.officer, owed, "midtrans_iris")

    assert [a["errors"] for a in answers] == [[]] * 6
    assert {a["refund"]["transferReference"] for a in answers} == {f"RF-{owed['id']}-1"}
    assert [e["code"] for e in another_key["errors"]] == ["INVALID_TRANSITION"]
    assert len(iris.payouts) == 1  # one transfer at Iris, however many sends reached it
    iris.complete(next(iter(iris.payouts)))
    await asyncio.gather(*[pay_owed(live.api, m.officer, owed, "midtrans_iris", key) for _ in range(3)])
    assert (await owed_refund(live, placed, m.buyer))["status"] == "PAID"
    assert len(await refunds_told(m.buyer.id)) == 1
