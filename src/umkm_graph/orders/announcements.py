"""Who hears of an order's changes: each change puts its messages in the outbox (notifications.service.notify) inside
the transaction that makes it, so a message exists exactly when its change does.

The seller hears of a new order (once it is paid, for cashless payments); the buyer of each step the seller or the
courier makes, of a cancellation by anyone but the buyer, of the payment received or expired, and of a refund; the
seller of a cancellation by anyone but the seller."""

from __future__ import annotations

import datetime as dt

from umkm_graph.core.wib import WIB
from umkm_graph.notifications.kinds import Kind
from umkm_graph.notifications.service import notify
from umkm_graph.orders.models import DeliveryMethod, Order, OrderStatus
from umkm_graph.people.models import User
from umkm_graph.shops.models import Shop

S = OrderStatus
_TO_BUYER = {S.OUT_FOR_DELIVERY: Kind.OUT_FOR_DELIVERY, S.DELIVERED: Kind.DELIVERED}


async def status_changed(order: Order, before: OrderStatus | None, to: OrderStatus, actor: User | None,
                         reason: str | None) -> None:
    """The messages of one change of status (before is None for an order just written at checkout)."""
    shop = await Shop.get(id=order.shop_id)  # type: ignore[attr-defined]
    common = {"reference": order.reference, "shop": shop.name}
    buyer_id: int = order.buyer_id  # type: ignore[attr-defined]
    if to == S.PLACED:
        await new_order(order, shop)
    elif to == S.ACCEPTED and before == S.PLACED:  # not when a courier's booking fell through and it came back
        await notify(buyer_id, Kind.ORDER_ACCEPTED, common)
    elif to == S.READY_FOR_PICKUP and order.delivery_method == DeliveryMethod.PICKUP:
        await notify(buyer_id, Kind.READY_FOR_PICKUP,
                     {**common, "pickup_code": order.pickup_code or "", "shop_address": shop.address})
    elif to in _TO_BUYER:
        await notify(buyer_id, _TO_BUYER[to], common)
    elif to == S.CANCELLED:
        await _cancelled(order, shop, before, actor, reason or "")


async def _cancelled(order: Order, shop: Shop, before: OrderStatus | None, actor: User | None, reason: str) -> None:
    values = {"reference": order.reference, "shop": shop.name, "reason": reason}
    unpaid_lapse = before == S.AWAITING_PAYMENT and actor is None  # payment_lapsed says it, in its own words
    buyer_id: int = order.buyer_id  # type: ignore[attr-defined]
    if not unpaid_lapse and (actor is None or actor.id != buyer_id):
        await notify(buyer_id, Kind.ORDER_CANCELLED, values)
    seller_knew = before != S.AWAITING_PAYMENT  # an unpaid order was never announced to the seller
    if seller_knew and (actor is None or actor.id != shop.owner_id):  # type: ignore[attr-defined]
        await notify(shop.owner_id, Kind.ORDER_CANCELLED, values)  # type: ignore[attr-defined]


async def new_order(order: Order, shop: Shop | None = None) -> None:
    """To the seller: a PLACED order waits for them (called by checkout for orders placed at once, as COD ones are)."""
    shop = shop or await Shop.get(id=order.shop_id)  # type: ignore[attr-defined]
    buyer = await User.get(id=order.buyer_id)  # type: ignore[attr-defined]
    await notify(shop.owner_id, Kind.NEW_ORDER,  # type: ignore[attr-defined]
                 {"reference": order.reference, "shop": shop.name, "buyer": buyer.name, "total": order.total})


async def payment_received(order: Order, amount: int) -> None:
    await notify(order.buyer_id, Kind.PAYMENT_RECEIVED, {"reference": order.reference, "amount": amount})  # type: ignore[attr-defined]


async def payment_lapsed(order: Order, amount: int, expired: bool, reason: str) -> None:
    """To the buyer: an unpaid order was cancelled because its payment expired (or failed at the gateway)."""
    if expired:
        await notify(order.buyer_id, Kind.PAYMENT_EXPIRED, {"reference": order.reference, "amount": amount})  # type: ignore[attr-defined]
        return
    shop = await Shop.get(id=order.shop_id)  # type: ignore[attr-defined]
    await notify(order.buyer_id, Kind.ORDER_CANCELLED,  # type: ignore[attr-defined]
                 {"reference": order.reference, "shop": shop.name, "reason": reason})


async def refund_made(order: Order, amount: int, reason: str) -> None:
    await notify(order.buyer_id, Kind.REFUND_MADE,  # type: ignore[attr-defined]
                 {"reference": order.reference, "amount": amount, "reason": reason})


async def accept_reminder(order: Order, deadline: dt.datetime | None) -> None:
    """To the seller: a PLACED order is cancelled by the system unless accepted by the deadline (WIB)."""
    shop = await Shop.get(id=order.shop_id)  # type: ignore[attr-defined]
    when = "" if deadline is None else deadline.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB")
    await notify(shop.owner_id, Kind.ACCEPT_REMINDER,  # type: ignore[attr-defined]
                 {"reference": order.reference, "shop": shop.name, "deadline": when})


async def complaint_opened(order: Order, reason: str) -> None:
    """To the seller and the buyer: a complaint is open on the order."""
    await _both(order, Kind.COMPLAINT_OPENED, {"reference": order.reference, "reason": reason})


async def complaint_answered(order: Order, answer: str) -> None:
    """To the buyer and the seller: the seller answered the complaint, or the city decided it."""
    await _both(order, Kind.COMPLAINT_ANSWERED, {"reference": order.reference, "answer": answer})


async def _both(order: Order, kind: Kind, values: dict[str, str | int]) -> None:
    shop = await Shop.get(id=order.shop_id)  # type: ignore[attr-defined]
    for person in (order.buyer_id, shop.owner_id):  # type: ignore[attr-defined]
        await notify(person, kind, values)
