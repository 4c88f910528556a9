"""How to pay is shown while a payment waits for it, and not after (the service's rule; the GraphQL type only asks)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from tortoise.context import TortoiseContext

from umkm_graph.db import tortoise_config
from umkm_graph.payments.models import Payment, PaymentStatus
from umkm_graph.payments.service import PendingAction, pending_action

EXPIRES = dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
async def models() -> AsyncIterator[None]:
    async with TortoiseContext() as context:  # model instances need initialised models, not tables
        await context.init(config=tortoise_config("sqlite://:memory:"))
        yield


def a_payment(status: PaymentStatus, kind: str | None = "VA_NUMBER") -> Payment:
    return Payment(method="BCA_VA", provider="fake", amount=25_000, status=status, action_kind=kind,
                   action_value="8800123" if kind else None, action_bank="BCA", expires_at=EXPIRES)


def test_a_pending_payment_says_how_to_pay() -> None:
    assert pending_action(a_payment(PaymentStatus.PENDING)) == PendingAction(
        kind="VA_NUMBER", value="8800123", bank="BCA", expires_at=EXPIRES)


@pytest.mark.parametrize("status", [s for s in PaymentStatus if s != PaymentStatus.PENDING])
def test_a_payment_no_longer_waiting_says_nothing(status: PaymentStatus) -> None:
    assert pending_action(a_payment(status)) is None


def test_cash_on_delivery_has_nothing_to_do_online() -> None:
    assert pending_action(a_payment(PaymentStatus.PENDING, kind=None)) is None
