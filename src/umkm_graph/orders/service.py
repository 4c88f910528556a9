"""Orders after checkout: the buyer's and the shop's lists, and every change of status (who sees what: visibility.py).

A change is checked against the one table in order_states, then made in a transaction with a conditional update on the
current status (so of two racing changes only one wins), recorded as an OrderTransition, and published after it commits.
"""

from __future__ import annotations

import datetime as dt
import hmac

from tortoise.transactions import in_transaction

from umkm_graph.catalog.service import return_stock
from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.paging import Page, Window, page_of
from umkm_graph.core.text import clean_text
from umkm_graph.events import EventBus, OrderStatusChanged, PaymentStatusChanged
from umkm_graph.hookspecs import ShipmentCancelRequest
from umkm_graph.orders import subsidies
from umkm_graph.orders import announcements
from umkm_graph.orders.models import DeliveryMethod, Order, OrderLine, OrderStatus, OrderTransition
from umkm_graph.orders.states import CASH_COLLECTABLE, Action, Party, Transition, check_transition
from umkm_graph.orders.visibility import party_of
from umkm_graph.payments import service as payments
from umkm_graph.payments.models import CashCollector, Payment, PaymentStatus
from umkm_graph.people.access import require_user
from umkm_graph.people.models import Role, User
from umkm_graph.plugin_host import Providers
from umkm_graph.shops.models import Shop
from umkm_graph.shops.service import get_owned_shop

MAX_REASON = 500


async def my_orders(user: User | None, status: OrderStatus | None, window: Window) -> Page[Order]:
    """The buyer's own orders, newest first."""
    buyer = require_user(user)
    query = Order.filter(buyer_id=buyer.id)
    return await page_of(query if status is None else query.filter(status=status), window, NEWEST_FIRST)


async def shop_orders(
    user: User | None, shop_id: int, status: OrderStatus | None, window: Window,
    payment_status: PaymentStatus | None = None,
) -> Page[Order]:
    """A shop's orders, newest first, for its seller (and city officers); of one order status, or payment status."""
    if require_user(user).role == Role.CITY_OFFICER:
        if not await Shop.exists(id=shop_id):
            raise DomainError(ErrorCode.NOT_FOUND, "No shop has this id", "shopId")
    else:
        await get_owned_shop(user, shop_id)
    query = Order.filter(shop_id=shop_id)
    if status is not None:
        query = query.filter(status=status)
    if payment_status is not None:
        query = query.filter(payment__status=payment_status)
    return await page_of(query, window, NEWEST_FIRST)


NEWEST_FIRST = ("-created_at", "-id")


async def cash_unconfirmed_orders(user: User | None, window: Window) -> Page[Order]:
    """For city officers: delivered cash-on-delivery orders whose cash the seller has not confirmed long after
    delivery (the deadline jobs flag them; orders/deadlines.py), oldest flag first. Confirming the cash, or the order
    moving on, takes one off the list."""
    if require_user(user).role != Role.CITY_OFFICER:
        raise DomainError(ErrorCode.FORBIDDEN, "Only city officers see unconfirmed cash across shops", "cashUnconfirmedOrders")
    query = Order.filter(cash_escalated_at__isnull=False, status=OrderStatus.DELIVERED, payment__status="PENDING")
    return await page_of(query, window, ("cash_escalated_at", "id"))


async def order_of_party(user: User, order_id: int) -> tuple[Order, Party]:
    """The order and the user's side of it; NOT_FOUND when they are on neither side."""
    order = await Order.get_or_none(id=order_id).select_related("shop")
    party = party_of(user, order, order.shop.owner_id) if order else None  # type: ignore[attr-defined]
    if order is None or party is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No order of yours has this id", "id")
    return order, party


async def transition(
    user: User | None,
    order_id: int,
    action: Action,
    providers: Providers,
    events: EventBus,
    *,
    reason: str | None = None,
    pickup_code: str | None = None,
) -> Order:
    actor = require_user(user)
    order, party = await order_of_party(actor, order_id)
    payment = await Payment.get_or_none(order_id=order.id)
    rule = check_transition(action, order.status, party, order.delivery_method, payment.status if payment else None)
    if action == Action.CANCEL:
        reason = checked_reason(reason)
    if action == Action.MARK_DELIVERED and order.delivery_method == DeliveryMethod.PICKUP:
        _check_pickup_code(order, pickup_code)
    if action in (Action.MARK_OUT_FOR_DELIVERY, Action.MARK_DELIVERED) and _booked_courier(order, providers):
        raise DomainError(ErrorCode.INVALID_TRANSITION, "The courier reports when it has the parcel and when it is "
                          "delivered; use markReadyForCourier to book it", "id")
    payment_event: PaymentStatusChanged | None = None
    async with in_transaction():
        moved = await move(order, rule.to, actor, reason)
        if action == Action.CANCEL:
            payment_event = await release(order, payment, providers, reason or "", actor)
    await events.publish(moved)
    if payment_event is not None:
        await events.publish(payment_event)
    return order


async def move_by_system(order: Order, rule: Transition, reason: str) -> OrderStatusChanged:
    """A change no person makes (a gateway settled or lapsed a payment), checked against its rule. Call inside a
    transaction; publish the event after it commits."""
    if order.status not in rule.sources:
        raise DomainError(ErrorCode.INVALID_TRANSITION, f"A {order.status.value} order cannot be {rule.verb}", "id")
    return await move(order, rule.to, None, reason)


async def move(order: Order, to: OrderStatus, actor: User | None, reason: str | None) -> OrderStatusChanged:
    """The conditional update that makes a change: it only applies if nobody changed the order since it was read."""
    now = dt.datetime.now(dt.UTC)
    extra = {"cancel_reason": reason} if to == OrderStatus.CANCELLED else {}
    extra["status_since"] = now
    changed = await Order.filter(id=order.id, status=order.status).update(status=to, updated_at=now, **extra)
    if not changed:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "The order changed meanwhile; reload it and try again", "id")
    await OrderTransition.create(order_id=order.id, from_status=order.status, to_status=to, actor=actor, reason=reason)
    await announcements.status_changed(order, order.status, to, actor, reason)
    event = OrderStatusChanged(
        order_id=order.id, shop_id=order.shop_id, buyer_id=order.buyer_id,  # type: ignore[attr-defined]
        from_status=order.status.value, to_status=to.value, actor_id=actor.id if actor else None, reason=reason, at=now,
    )
    order.update_from_dict({"status": to, "updated_at": now, **extra})
    return event


async def release(
    order: Order, payment: Payment | None, providers: Providers, reason: str, actor: User | None
) -> PaymentStatusChanged | None:
    """A cancelled order gives its stock back, voids its payment (refunds it, if paid) and cancels its shipment, or none
    of this happens in the database. (Should the second provider call fail, the first provider has already done its
    part; a refund is safe to repeat, as it keeps its refund key.)"""
    await subsidies.give_back(order)  # promotions before products, the order checkout locks them in
    for line in await OrderLine.filter(order_id=order.id):
        await return_stock(line.variant_id, line.product_id, line.quantity)  # type: ignore[attr-defined]
    refunded = payment.amount - payment.refunded_amount if payment and payment.status in payments.REFUNDABLE else 0
    # An owed refund (no gateway refund for the method) is announced when its transfer is made (orders/owed_refunds.py).
    announced = bool(refunded) and payments.by_gateway(payment, providers, refunded)  # type: ignore[arg-type]
    event = await payments.release(payment, providers, reason, actor) if payment is not None else None
    if announced:
        await announcements.refund_made(order, refunded, reason)
    provider = providers.delivery.get(order.delivery_provider)
    if provider is not None and not (provider.books_when_ready and order.delivery_reference is None):  # nothing booked
        request = ShipmentCancelRequest(
            reference=order.reference, provider_reference=order.delivery_reference, reason=reason
        )
        await providers.cancel_shipment(provider, request, ["id"])
    return event


def _booked_courier(order: Order, providers: Providers) -> bool:
    provider = providers.delivery.get(order.delivery_provider)
    return provider is not None and provider.books_when_ready


def checked_reason(reason: str | None) -> str:
    if not (reason or "").strip():
        raise DomainError(ErrorCode.REQUIRED, "Give a reason for cancelling", "reason")
    check = Validator()  # the other party reads it: no invisible or direction-changing characters
    text = clean_text(check, "reason", reason or "", label="A reason", max_length=MAX_REASON)
    check.raise_if_any()
    return text


def _check_pickup_code(order: Order, pickup_code: str | None) -> None:
    """Handing over a pickup order takes the code the buyer shows, so the goods go to the one who ordered them."""
    given = (pickup_code or "").strip().upper()
    if not given:
        raise DomainError(ErrorCode.REQUIRED, "Ask the buyer for the pickup code and enter it", "pickupCode")
    if not hmac.compare_digest(given.encode(), (order.pickup_code or "").encode()):
        raise DomainError(ErrorCode.INVALID, "This is not the order's pickup code", "pickupCode")


async def confirm_cash_collected(
    user: User | None, order_id: int, providers: Providers, events: EventBus, amount: int | None = None
) -> Order:
    """The seller confirms the cash of a cash-on-delivery order (`amount`: what was collected, when not the total);
    only then is its payment PAID. The cash ledger keeps who collected it: a booked courier, or the seller."""
    seller = require_user(user)
    order, party = await order_of_party(seller, order_id)
    if party != Party.SELLER:
        raise DomainError(ErrorCode.FORBIDDEN, "The seller confirms the cash collected", "id")
    payment = await Payment.get_or_none(order_id=order.id)
    if payment is None or not payments.is_cash_on_delivery(payment, providers):
        raise DomainError(ErrorCode.INVALID_TRANSITION, "This order is not paid by cash on delivery", "id")
    if order.status not in CASH_COLLECTABLE:
        raise DomainError(
            ErrorCode.INVALID_TRANSITION, f"Cash is collected on handover; this order is {order.status.value}", "id"
        )
    collector = CashCollector.COURIER if _booked_courier(order, providers) else CashCollector.SELLER
    shop_id: int = order.shop_id  # type: ignore[attr-defined]
    async with in_transaction():
        paid = await payments.record_cash(payment, seller, shop_id, amount, collector)
        await subsidies.credit(order)  # the city pays the shop what its programme's voucher took off the cash
    await events.publish(paid)
    return order
