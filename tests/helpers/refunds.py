"""Refunds owed by transfer for tests: the buyer's account for one, the officers' queue, paying one, and the fake Iris
beside the app (its keys in the environment)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from umkm_midtrans.fake_iris import APPROVER_KEY, CREATOR_KEY, FakeIris

from tests.helpers.api import Api
from tests.helpers.checkout import ERRORS, Market
from tests.helpers.orders import attempt
from tests.helpers.payments import Live, order_of, pay_by_qris
from tests.helpers.people import Person

REFUND_FIELDS = "id amount reason route status bankAccountGiven transferReference failure paidAt"
SET_REFUND_ACCOUNT = f"""
mutation($refund: ID!, $input: PayoutAccountInput!) {{
  setRefundAccount(refundId: $refund, input: $input) {{ refund {{ {REFUND_FIELDS} }} {ERRORS} }}
}}"""
PAY_OWED_REFUND = f"""
mutation($input: PayOwedRefundInput!, $key: String!) {{
  payOwedRefund(input: $input, idempotencyKey: $key) {{ refund {{ {REFUND_FIELDS} }} {ERRORS} }}
}}"""
OWED_REFUNDS = f"{{ owedRefunds {{ totalCount edges {{ node {{ {REFUND_FIELDS} }} }} }} }}"
ORDER_REFUNDS = f"query($id: ID!) {{ order(id: $id) {{ payment {{ refunds {{ {REFUND_FIELDS} }} }} }} }}"
LINE_IDS = "query($id: ID!) { order(id: $id) { lines { id } } }"
BUYER_BCA = {"bank": "bca", "accountNumber": "4410 2233 88", "accountName": "Siti Aminah"}


@asynccontextmanager
async def started_iris(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeIris]:
    """The fake Midtrans Iris, with the app's Iris keys and address set (start the app after it)."""
    async with FakeIris() as fake:
        monkeypatch.setenv("UMKM_MIDTRANS_IRIS_CREATOR_KEY", CREATOR_KEY)
        monkeypatch.setenv("UMKM_MIDTRANS_IRIS_APPROVER_KEY", APPROVER_KEY)
        monkeypatch.setenv("UMKM_MIDTRANS_IRIS_BASE_URL", fake.url)
        yield fake


async def refunds_of(live: Live, order: dict[str, Any], person: Person) -> list[dict[str, Any]]:
    """The order's refunds, oldest first, as its buyer (or seller) sees them."""
    return (await live.api.gql(ORDER_REFUNDS, {"id": order["id"]}, person.token))["order"]["payment"]["refunds"]


async def owed_refund(live: Live, order: dict[str, Any], person: Person) -> dict[str, Any]:
    """The order's only refund."""
    (refund,) = await refunds_of(live, order, person)
    return refund


async def pay_owed(api: Api, officer: Person, refund: dict[str, Any], provider: str = "manual",
                   key: str | None = None, **extra: Any) -> dict[str, Any]:
    """The payOwedRefund payload (errors included), under `key` (a new one if None); manual gets a bank reference."""
    value: dict[str, Any] = {"refundId": refund["id"], "provider": provider, **extra}
    if provider == "manual":
        value.setdefault("transferReference", f"BCA-TRF-{uuid.uuid4().hex[:10]}")
    variables = {"input": value, "key": key or str(uuid.uuid4())}
    return (await api.gql(PAY_OWED_REFUND, variables, officer.token))["payOwedRefund"]


async def give_account(api: Api, buyer: Person, refund: dict[str, Any],
                       account: dict[str, str] = BUYER_BCA) -> dict[str, Any]:
    return (await api.ok(SET_REFUND_ACCOUNT, {"refund": refund["id"], "input": account}, buyer.token))["refund"]


async def delivered_paid(live: Live, m: Market, payment: str = "MIDTRANS_QRIS") -> tuple[dict[str, Any], list[str]]:
    """A pickup order of two sacks paid by `payment` (at the fake Midtrans), delivered; its line ids."""
    order = await pay_by_qris(live, m, payment=payment)
    await live.fake.pay(order["reference"])
    seen = await order_of(live, order, m.buyer)
    code = (await live.api.gql("query($id: ID!) { order(id: $id) { pickupCode } }", {"id": order["id"]},
                               m.buyer.token))["order"]["pickupCode"]
    for name in ("acceptOrder", "markReadyForPickup", "markDelivered"):
        assert (await attempt(live.api, name, {**seen, "pickupCode": code}, m.seller))["errors"] == [], name
    lines = (await live.api.gql(LINE_IDS, {"id": order["id"]}, m.buyer.token))["order"]["lines"]
    return order, [line["id"] for line in lines]
