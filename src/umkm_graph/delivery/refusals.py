"""A buyer who refuses cash-on-delivery orders at handover: the seller records each refusal (one per order), and past
`cod_refusals_limit` of them checkout no longer offers the buyer cash on delivery (checkout/cash_refusals.py).

Recording a refusal of an order still at handover (READY_FOR_PICKUP, or OUT_FOR_DELIVERY with the shop's own
delivery) cancels it as a cancellation would: stock back, payment voided. A booked courier's parcel comes back by the
courier's "returned" report, which cancels the order; the seller then records the refusal on the cancelled order."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.delivery.models import CourierShipment, CourierStatus
from umkm_graph.events import EventBus, OrderStatusChanged, PaymentStatusChanged
from umkm_graph.orders import service as orders
from umkm_graph.orders.models import CashRefusal, Order, OrderStatus
from umkm_graph.orders.states import Action, Party, check_transition
from umkm_graph.payments import service as payments
from umkm_graph.payments.models import Payment, PaymentStatus
from umkm_graph.people.access import require_user
from umkm_graph.people.models import User
from umkm_graph.plugin_host import Providers


async def record_refusal(
    user: User | None, order_id: int, reason: str | None, providers: Providers, events: EventBus
) -> Order:
    """The seller records that the buyer refused this cash-on-delivery order at handover."""
    seller = require_user(user)
    order, party = await orders.order_of_party(seller, order_id)
    if party != Party.SELLER:
        raise DomainError(ErrorCode.FORBIDDEN, "The seller records a buyer's refusal", "id")
    payment = await Payment.get_or_none(order_id=order.id)
    if payment is None or not payments.is_cash_on_delivery(payment, providers):
        raise DomainError(ErrorCode.INVALID_TRANSITION, "Only a cash-on-delivery order is refused at handover", "id")
    text = orders.checked_reason(reason)
    if await CashRefusal.exists(order_id=order.id):
        raise DomainError(ErrorCode.ALREADY_EXISTS, "This order's refusal is recorded already", "id")
    shipment = await CourierShipment.get_or_none(order_id=order.id)
    news: list[OrderStatusChanged | PaymentStatusChanged | None] = []
    try:
        async with in_transaction():
            if shipment is not None and shipment.status is not None:
                _check_courier_returned(order, shipment)
            else:
                if payment.status != PaymentStatus.PENDING:
                    raise DomainError(ErrorCode.INVALID_TRANSITION,
                                      f"This order's payment is {payment.status.value}: it was not refused", "id")
                rule = check_transition(Action.REFUSED_AT_HANDOVER, order.status, party, order.delivery_method,
                                        payment.status)
                news.append(await orders.move(order, rule.to, seller, text))
                news.append(await orders.release(order, payment, providers, text, seller))
            await CashRefusal.create(order_id=order.id, buyer_id=order.buyer_id,  # type: ignore[attr-defined]
                                     recorded_by=seller, reason=text)
    except IntegrityError:  # a twin recorded it meanwhile: nothing of this one stays
        raise DomainError(ErrorCode.ALREADY_EXISTS, "This order's refusal is recorded already", "id") from None
    for event in news:
        if event is not None:
            await events.publish(event)
    return order


def _check_courier_returned(order: Order, shipment: CourierShipment) -> None:
    if order.status != OrderStatus.CANCELLED or shipment.status != CourierStatus.RETURNED:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "A booked courier brings a refused parcel back: record the "
                          "refusal once the courier reports it returned", "id")


async def refusals_of(buyer_id: int) -> int:
    return await CashRefusal.filter(buyer_id=buyer_id).count()
