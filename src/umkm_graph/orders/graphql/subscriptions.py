"""Real-time subscriptions over graphql-transport-ws: a buyer's orders, a shop's order queue, and payments.

The socket is authenticated once, in connection_init; each subscription then sees only events its user may see.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Callable
from typing import TypeVar

import strawberry
from strawberry.types import Info

from umkm_graph.events import EventBus, OrderStatusChanged, PaymentStatusChanged
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.graphql_common.loaders import Loaders
from umkm_graph.orders.graphql.types import OrderType, PaymentType, load_order
from umkm_graph.orders.service import party_of
from umkm_graph.orders.states import Party
from umkm_graph.payments.models import Payment
from umkm_graph.people.access import require_user
from umkm_graph.shops.service import get_owned_shop

log = logging.getLogger("umkm_graph.subscriptions")
E = TypeVar("E", OrderStatusChanged, PaymentStatusChanged)
QUEUE_LIMIT = 256


async def _events(bus: EventBus, event_type: type[E], wanted: Callable[[E], bool]) -> AsyncGenerator[E, None]:
    """This process's share of the bus, filtered; a subscriber too slow to keep up loses the oldest events, not memory."""
    queue: asyncio.Queue[E] = asyncio.Queue(QUEUE_LIMIT)

    def enqueue(event: E) -> None:
        if not wanted(event):
            return
        if queue.full():
            log.warning("subscriber queue full; dropping %r", queue.get_nowait())
        queue.put_nowait(event)

    unsubscribe = bus.subscribe(event_type, enqueue)
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
        async for event in _events(
            info.context.events, OrderStatusChanged,
            lambda e: e.buyer_id == buyer.id and (only is None or e.order_id == only),
        ):
            order = await _fresh_order(info, event.order_id)
            if order is not None:
                yield order

    @strawberry.subscription(description="A seller's shop: new orders and every change to them.")
    async def shop_orders(self, info: Info[Context, None], shop_id: strawberry.ID) -> AsyncGenerator[OrderType, None]:
        shop = await get_owned_shop(await info.context.user(), parse_id(shop_id, "shopId"))
        async for event in _events(info.context.events, OrderStatusChanged, lambda e: e.shop_id == shop.id):
            order = await _fresh_order(info, event.order_id)
            if order is not None:
                yield order

    @strawberry.subscription(description="Payments of orders you bought or sold, as they change.")
    async def payment_updated(
        self, info: Info[Context, None], order_id: strawberry.ID | None = None
    ) -> AsyncGenerator[PaymentUpdate, None]:
        require_user(await info.context.user())
        only = None if order_id is None else parse_id(order_id, "orderId")
        async for event in _events(
            info.context.events, PaymentStatusChanged, lambda e: only is None or e.order_id == only
        ):
            order = await _fresh_order(info, event.order_id)
            if order is None or await _party(info, order) is None:  # the buyer and the seller only
                continue
            payment = await Payment.get_or_none(id=event.payment_id)
            if payment is not None:
                yield PaymentUpdate(order=order, payment=PaymentType.from_model(payment))
