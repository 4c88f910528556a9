"""Real-time subscriptions over graphql-transport-ws: a buyer's orders, a shop's order queue, and payments.

The socket is authenticated once, in connection_init; each subscription then sees only events its user may see. Each
listens to the topic it is about (an order, a buyer, a shop) or, for payments, to its user's share of the payment
audience (orders/audience.py), so an event costs only the subscriptions it concerns (hardening II, item 13).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncGenerator, Callable
from typing import TypeVar

import strawberry
from strawberry.types import Info

from umkm_graph.events import EventBus, OrderStatusChanged, PaymentStatusChanged, Topic
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.graphql_common.loaders import Loaders
from umkm_graph.orders.audience import payment_audience
from umkm_graph.orders.graphql.types import OrderType, PaymentType, load_order
from umkm_graph.orders.service import party_of
from umkm_graph.orders.states import Party
from umkm_graph.payments.models import Payment
from umkm_graph.people.access import require_user
from umkm_graph.shops.service import get_owned_shop

log = logging.getLogger("umkm_graph.subscriptions")
E = TypeVar("E", OrderStatusChanged, PaymentStatusChanged)
QUEUE_LIMIT = 256


Listen = Callable[[Callable[[E], None]], Callable[[], None]]
"""Starts calling a function with events; returns the function that stops it."""


def _on_bus(bus: EventBus, event_type: type[E], about: Topic) -> Listen[E]:
    return lambda enqueue: bus.subscribe(event_type, enqueue, about)


async def _events(listen: Listen[E], wanted: Callable[[E], bool] = lambda _: True) -> AsyncGenerator[E, None]:
    """The events a subscription listens to, filtered; a subscriber too slow to keep up loses the oldest events, not
    memory."""
    queue: asyncio.Queue[E] = asyncio.Queue(QUEUE_LIMIT)

    def enqueue(event: E) -> None:
        if not wanted(event):
            return
        if queue.full():
            log.warning("subscriber queue full; dropping %r", queue.get_nowait())
        queue.put_nowait(event)

    unsubscribe = listen(enqueue)
    try:
        while True:
            yield await queue.get()
    finally:
        unsubscribe()


async def _fresh_order(info: Info[Context, None], order_id: int) -> OrderType | None:
    info.context.loaders = Loaders()  # a subscription lives long; each event must read the order as it is now
    return await load_order(info, order_id)


async def _party(info: Info[Context, None], order: OrderType) -> Party | None:
    shop = await info.context.loaders.shop.load(order.model.shop_id)  # type: ignore[attr-defined]
    return party_of(await info.context.user(), order.model, shop.owner_id)


@strawberry.type(description="A payment that changed, with the order it pays for.")
class PaymentUpdate:
    order: OrderType
    payment: PaymentType


@strawberry.type
class OrderSubscription:
    @strawberry.subscription(description="The signed-in buyer's orders as they change; optionally one order only.")
    async def order_updated(
        self, info: Info[Context, None], order_id: strawberry.ID | None = None
    ) -> AsyncGenerator[OrderType, None]:
        buyer = require_user(await info.context.user())
        only = None if order_id is None else parse_id(order_id, "orderId")
        topic: Topic = ("buyer", buyer.id) if only is None else ("order", only)
        async for event in _events(_on_bus(info.context.events, OrderStatusChanged, topic),
                                   lambda e: e.buyer_id == buyer.id):
            order = await _fresh_order(info, event.order_id)
            if order is not None:
                yield order

    @strawberry.subscription(description="A seller's shop: new orders and every change to them.")
    async def shop_orders(self, info: Info[Context, None], shop_id: strawberry.ID) -> AsyncGenerator[OrderType, None]:
        shop = await get_owned_shop(await info.context.user(), parse_id(shop_id, "shopId"))
        async for event in _events(_on_bus(info.context.events, OrderStatusChanged, ("shop", shop.id))):
            order = await _fresh_order(info, event.order_id)
            if order is not None:
                yield order

    @strawberry.subscription(description="Payments of orders you bought or sold, as they change.")
    async def payment_updated(
        self, info: Info[Context, None], order_id: strawberry.ID | None = None
    ) -> AsyncGenerator[PaymentUpdate, None]:
        user = require_user(await info.context.user())
        only = None if order_id is None else parse_id(order_id, "orderId")
        listen: Listen[PaymentStatusChanged] = (
            functools.partial(payment_audience(info.context.events).subscribe, user.id) if only is None
            else _on_bus(info.context.events, PaymentStatusChanged, ("order", only))
        )
        async for event in _events(listen):
            order = await _fresh_order(info, event.order_id)
            if order is None or await _party(info, order) is None:  # the buyer and the seller only
                continue
            payment = await Payment.get_or_none(id=event.payment_id)
            if payment is not None:
                yield PaymentUpdate(order=order, payment=PaymentType.from_model(payment))
