"""Payments: which methods a buyer may use, cash collected on delivery, and voiding the payment of a cancelled order.

One payment per order. Status changes are conditional updates on the current status, so a repeat or a race changes
nothing twice.
"""

from __future__ import annotations

import datetime as dt

from umkm_graph.events import PaymentStatusChanged
from umkm_graph.hookspecs import PaymentCancelRequest
from umkm_graph.models import Payment, PaymentStatus, User
from umkm_graph.plugins import PaymentOption, Providers
from umkm_graph.services.errors import DomainError, ErrorCode


def usable(option: PaymentOption) -> bool:
    """Cash on delivery only, until cashless payments get their webhooks and the AWAITING_PAYMENT state."""
    return option.method.cash_on_delivery


def payment_methods(providers: Providers) -> list[PaymentOption]:
    return [option for option in providers.payment_options.values() if usable(option)]


def is_cash_on_delivery(payment: Payment, providers: Providers) -> bool:
    option = providers.payment_options.get(payment.method)
    return option is not None and option.method.cash_on_delivery


async def record_cash(payment: Payment, seller: User) -> PaymentStatusChanged:
    """Mark a pending cash-on-delivery payment PAID, confirmed by the seller."""
    if payment.status != PaymentStatus.PENDING:
        raise DomainError(ErrorCode.INVALID_TRANSITION, f"This payment is already {payment.status.value}", "id")
    paid_at = dt.datetime.now(dt.UTC)
    changed = await Payment.filter(id=payment.id, status=PaymentStatus.PENDING).update(
        status=PaymentStatus.PAID, paid_at=paid_at, confirmed_by_id=seller.id
    )
    if not changed:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "This payment changed meanwhile; reload the order", "id")
    payment.update_from_dict({"status": PaymentStatus.PAID, "paid_at": paid_at, "confirmed_by_id": seller.id})
    return _changed(payment, paid_at)


async def void(payment: Payment, providers: Providers, reason: str) -> PaymentStatusChanged:
    """Cancel an unpaid payment here and at its provider. Call inside the cancelling transaction: if the provider
    fails, the whole cancellation rolls back."""
    if payment.status == PaymentStatus.PAID:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "This order is paid; a paid order is refunded, not cancelled", "id")
    changed = await Payment.filter(id=payment.id, status=PaymentStatus.PENDING).update(status=PaymentStatus.CANCELLED)
    if not changed:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "This payment changed meanwhile; reload the order", "id")
    provider = providers.payment.get(payment.provider)
    if provider is not None:
        request = PaymentCancelRequest(
            reference=payment.reference or "", provider_reference=payment.provider_reference, amount=payment.amount,
            reason=reason,
        )
        await providers.cancel_payment(provider, request, ["id"])
    payment.status = PaymentStatus.CANCELLED
    return _changed(payment, dt.datetime.now(dt.UTC))


def _changed(payment: Payment, at: dt.datetime) -> PaymentStatusChanged:
    return PaymentStatusChanged(
        order_id=payment.order_id, payment_id=payment.id, method=payment.method,  # type: ignore[attr-defined]
        status=payment.status.value, amount=payment.amount, at=at,
    )
