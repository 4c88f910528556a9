"""Payments: which methods a buyer may use, cash collected on delivery, and what cancelling does to a payment (an unpaid
one is voided, a paid one refunded); and the refunds a seller gives (orders/refunds.py asks for them).

One payment per order. Status changes are conditional updates on the current status, so a repeat or a race changes
nothing twice. A refund reserves its amount with one conditional update (refunded_amount + amount <= amount), records
itself under its refund key and asks the gateway, all in one transaction: if the gateway fails, nothing is written, and
the retry sends the same key, so the gateway gives the money back once. A refund the gateway cannot make (a virtual
account, cash) is owed to the buyer instead, and paid by bank transfer (orders/owed_refunds.py). What gateways report
arrives through `payment_events`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from umkm_graph.balances import ledger
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.events import PaymentStatusChanged
from umkm_graph.hookspecs import PaymentCancelRequest, PaymentProvider, RefundRequest
from umkm_graph.payments.models import (
    CashCollection, CashCollector, Payment, PaymentRefund, PaymentStatus, RefundRoute, RefundStatus,
)
from umkm_graph.people.models import User
from umkm_graph.plugin_host import PaymentOption, Providers

MAX_REASON = 500
MAX_CASH_FACTOR = 2  # more cash than twice the total is a typing mistake, not a tip
REFUNDABLE = (PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED)


def can_tell_outcome(provider: PaymentProvider) -> bool:
    """A cashless provider is only usable if it can tell us a payment settled when asked: a webhook alone is news that
    is confirmed with get_status before it changes a payment (orders/payment_events.py)."""
    return type(provider).get_status is not PaymentProvider.get_status


def usable(option: PaymentOption) -> bool:
    return option.method.cash_on_delivery or can_tell_outcome(option.provider)


def payment_methods(providers: Providers) -> list[PaymentOption]:
    return [option for option in providers.payment_options.values() if usable(option)]


@dataclass(frozen=True)
class PendingAction:
    """What the buyer does to pay a cashless payment: a QR string, a VA number at a bank, a URL; and until when."""

    kind: str
    value: str
    bank: str | None
    expires_at: dt.datetime | None


def pending_action(payment: Payment) -> PendingAction | None:
    """How to pay, while the payment waits for it; None once it is paid, lapsed or cancelled. Show it only to the
    order's parties (orders/visibility.py)."""
    if payment.status != PaymentStatus.PENDING or payment.action_kind is None or payment.action_value is None:
        return None
    return PendingAction(kind=payment.action_kind, value=payment.action_value, bank=payment.action_bank,
                         expires_at=payment.expires_at)


def is_cash_on_delivery(payment: Payment, providers: Providers) -> bool:
    option = providers.payment_options.get(payment.method)
    return option is not None and option.method.cash_on_delivery


async def record_cash(
    payment: Payment, seller: User | None, shop_id: int, collected: int | None, collector: CashCollector
) -> PaymentStatusChanged:
    """Mark a pending cash-on-delivery payment PAID, confirmed by the seller (None: by the courier's own report), and
    write its row of the cash ledger: `collected` rupiah (None: exactly what was expected) by `collector`. A difference
    stays on the ledger."""
    if payment.status != PaymentStatus.PENDING:
        raise DomainError(ErrorCode.INVALID_TRANSITION, f"This payment is already {payment.status.value}", "id")
    amount = payment.amount if collected is None else collected
    if not 0 <= amount <= MAX_CASH_FACTOR * payment.amount:
        raise DomainError(ErrorCode.INVALID, f"Cash collected is 0 to {MAX_CASH_FACTOR} times the order's total "
                          f"(Rp{payment.amount:,}); a difference from the total is kept as a discrepancy"
                          .replace(",", "."), "amount")
    paid_at = dt.datetime.now(dt.UTC)
    async with in_transaction():
        changed = await Payment.filter(id=payment.id, status=PaymentStatus.PENDING).update(
            status=PaymentStatus.PAID, paid_at=paid_at, confirmed_by_id=seller.id if seller else None
        )
        if not changed:
            raise DomainError(ErrorCode.INVALID_TRANSITION, "This payment changed meanwhile; reload the order", "id")
        await CashCollection.create(payment_id=payment.id, shop_id=shop_id, expected=payment.amount, collected=amount,
                                    collector=collector, recorded_by=seller, collected_at=paid_at)
    payment.update_from_dict({"status": PaymentStatus.PAID, "paid_at": paid_at,
                              "confirmed_by_id": seller.id if seller else None})
    return status_event(payment, paid_at)


async def release(payment: Payment, providers: Providers, reason: str, actor: User | None) -> PaymentStatusChanged:
    """What cancelling an order does to its payment: a paid one is refunded in full (what is left of it), an unpaid one
    voided. Call inside the cancelling transaction."""
    if payment.status in REFUNDABLE:
        key = f"{payment.reference}-cancel"  # one cancellation per order, so a retried cancel reuses the key
        return await refund(payment, providers, payment.amount - payment.refunded_amount, reason, actor, key, ["id"])
    return await void(payment, providers, reason)


async def void(payment: Payment, providers: Providers, reason: str) -> PaymentStatusChanged:
    """Cancel an unpaid payment here and at its provider. Call inside the cancelling transaction: if the provider
    fails, the whole cancellation rolls back."""
    if payment.status != PaymentStatus.PENDING:
        raise DomainError(ErrorCode.INVALID_TRANSITION, f"This payment is {payment.status.value}; it cannot be voided", "id")
    if is_shared(payment):
        # One QR code or VA pays the whole checkout, and its amount cannot change: cancel once paid (it is refunded).
        raise DomainError(ErrorCode.INVALID_TRANSITION, "This order is paid together with the other orders of its "
                          "checkout, in one payment; it can be cancelled once that is paid (and is refunded), or "
                          "the unpaid payment left to expire", "id")
    changed = await Payment.filter(id=payment.id, status=PaymentStatus.PENDING).update(status=PaymentStatus.CANCELLED)
    if not changed:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "This payment changed meanwhile; reload the order", "id")
    provider = providers.payment.get(payment.provider)
    if provider is not None:
        await providers.cancel_payment(provider, cancel_request(payment, reason), ["id"])
    payment.status = PaymentStatus.CANCELLED
    return status_event(payment, dt.datetime.now(dt.UTC))


def cancel_request(payment: Payment, reason: str) -> PaymentCancelRequest:
    return PaymentCancelRequest(
        reference=gateway_reference(payment), provider_reference=payment.provider_reference,
        amount=gateway_amount(payment), reason=reason,
    )


def gateway_reference(payment: Payment) -> str:
    """The reference of the charge the gateway knows: the order's own, or its checkout's shared one."""
    return payment.gateway_reference or payment.reference or ""


def gateway_amount(payment: Payment) -> int:
    """The whole amount of that charge: the order's, or the sum of the orders that share it."""
    return payment.amount if payment.gateway_amount is None else payment.gateway_amount


def is_shared(payment: Payment) -> bool:
    """Whether this payment's charge at the gateway pays other orders of its checkout too."""
    return gateway_reference(payment) != (payment.reference or "")


async def sharing_charge(provider: str, reference: str) -> list[Payment]:
    """The payments of one charge at the gateway, by its reference: one, or every order of a shared checkout."""
    return await Payment.filter(provider=provider, gateway_reference=reference).order_by("id")


def by_gateway(payment: Payment, providers: Providers, amount: int) -> bool:
    """Whether the payment's gateway can give `amount` back itself; otherwise the refund is owed to the buyer and paid
    by bank transfer (orders/owed_refunds.py): a virtual account, cash on delivery, part of a whole-only method."""
    option = providers.payment_options.get(payment.method)
    if option is None or payment.provider not in providers.payment or not option.method.refundable:
        return False
    whole = amount == payment.amount - payment.refunded_amount and not is_shared(payment)
    return whole or option.method.partial_refunds


async def refund(
    payment: Payment, providers: Providers, amount: int, reason: str, actor: User | None, key: str, field: list[str]
) -> PaymentStatusChanged:
    """Give `amount` back under the refund key: through the gateway where it can (by_gateway), else owed to the buyer
    (a TRANSFER refund, OWED). Either way the amount is off the payment and the shop's balance at once. Call inside a
    transaction."""
    gateway = by_gateway(payment, providers, amount)
    route, status = (RefundRoute.GATEWAY, RefundStatus.PAID) if gateway else (RefundRoute.TRANSFER, RefundStatus.OWED)
    try:
        made = await PaymentRefund.create(payment_id=payment.id, key=key, amount=amount, reason=reason, actor=actor,
                                          route=route, status=status)
    except IntegrityError:
        raise DomainError(ErrorCode.ALREADY_EXISTS, "This refund was already made; reload the order", field) from None
    reserved = await Payment.filter(
        id=payment.id, status__in=REFUNDABLE, refunded_amount__lte=payment.amount - amount
    ).update(refunded_amount=F("refunded_amount") + amount)
    if not reserved:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "This payment changed meanwhile; reload the order", field)
    current = await Payment.get(id=payment.id)  # our update holds the row, so this is the sum after every refund
    status_now = PaymentStatus.REFUNDED if current.refunded_amount >= current.amount else PaymentStatus.PARTIALLY_REFUNDED
    await Payment.filter(id=payment.id).update(status=status_now)
    await ledger.take_back_refund(payment.id, made.id, amount, current.refunded_amount, payment.reference or "")
    if gateway:
        result = await providers.refund_payment(providers.payment[payment.provider], RefundRequest(
            reference=gateway_reference(payment), provider_reference=payment.provider_reference, amount=amount,
            reason=reason, idempotency_key=key,
        ), field)
        if result.provider_reference:
            await PaymentRefund.filter(key=key).update(provider_reference=result.provider_reference)
    payment.update_from_dict({"status": status_now, "refunded_amount": current.refunded_amount})
    return status_event(payment, dt.datetime.now(dt.UTC))


def status_event(payment: Payment, at: dt.datetime) -> PaymentStatusChanged:
    return PaymentStatusChanged(
        order_id=payment.order_id, payment_id=payment.id, method=payment.method,  # type: ignore[attr-defined]
        status=payment.status.value, amount=payment.amount, at=at,
    )
