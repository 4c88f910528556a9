"""A seller's partial refund of a paid order, without cancelling it (owed to the buyer where the gateway cannot refund)."""

from __future__ import annotations

import hashlib

from tortoise.transactions import in_transaction

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.events import EventBus
from umkm_graph.orders import subsidies
from umkm_graph.orders import announcements
from umkm_graph.orders.models import Order, OrderStatus
from umkm_graph.payments.idempotency import RequestKey, once, request_key
from umkm_graph.payments.models import Payment, PaymentRefund
from umkm_graph.payments.service import MAX_REASON, REFUNDABLE, by_gateway, refund
from umkm_graph.people.access import require_user
from umkm_graph.people.models import User
from umkm_graph.plugin_host import Providers


async def refund_part(
    user: User | None, order_id: int, amount: int, reason: str, providers: Providers, events: EventBus,
    *, idempotency_key: str | None = None, key_hours: int = 24,
) -> Order:
    """The seller gives part (or all) of a paid order's money back without cancelling it, e.g. for a missing item.
    Without an idempotency key, the refund key is the payment's n-th refund of this amount: a retry after a failure
    sends the same key, but a retry after a lost answer is a new refund. With one, a repeat answers the order as it is
    and refunds nothing more, and the gateway's refund key comes from it."""
    seller = require_user(user)
    key = request_key(seller.id, idempotency_key, "refundPayment",
                      {"order": order_id, "amount": amount, "reason": reason}, key_hours)
    return await once(key, lambda: _refund_part(seller, order_id, amount, reason, providers, events, key),
                      lambda made: Order.get(id=made))


async def _refund_part(
    seller: User, order_id: int, amount: int, reason: str, providers: Providers, events: EventBus,
    key: RequestKey | None,
) -> Order:
    order = await Order.get_or_none(id=order_id).select_related("shop")
    if order is None or order.shop.owner_id != seller.id:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.NOT_FOUND, "No order of your shop has this id", "orderId")
    text = " ".join(reason.split())
    if not 0 < len(text) <= MAX_REASON:
        raise DomainError(ErrorCode.INVALID, f"A reason has 1 to {MAX_REASON} characters", "reason")
    payment = await Payment.get_or_none(order_id=order.id)
    if payment is None or payment.status not in REFUNDABLE or order.status == OrderStatus.CANCELLED:
        state = payment.status.value if payment else "unpaid"
        raise DomainError(ErrorCode.INVALID_TRANSITION, f"Only a paid order is refunded; this one is {state}", "orderId")
    left = payment.amount - payment.refunded_amount
    if not 0 < amount <= left:
        raise DomainError(ErrorCode.INVALID, f"Refund 1 to {left} rupiah: what is left of the payment", "amount")
    async with in_transaction():
        if key is None:
            count = await PaymentRefund.filter(payment_id=payment.id).count()
            refund_key = f"{payment.reference}-R{count + 1}-{amount}"
        else:
            # First, so that a concurrent send of the key waits here for this one, then fails on it (IntegrityError).
            await key.row(result_id=order.id).save()
            refund_key = f"{payment.reference}-K{hashlib.sha256(key.key.encode()).hexdigest()[:32]}"
        gateway = by_gateway(payment, providers, amount)
        event = await refund(payment, providers, amount, text, seller, refund_key, ["amount"])
        if amount == left:  # refunded whole: its vouchers are given back, as a cancel gives them
            await subsidies.give_back(order)
        if gateway:  # an owed one is announced when its transfer is made (orders/owed_refunds.py)
            await announcements.refund_made(order, amount, text)
    await events.publish(event)
    return order
