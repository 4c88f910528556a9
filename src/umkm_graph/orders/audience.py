"""Who hears an order's payment news: its buyer and its shop's seller. A payment event names only its order, so the
audience of each event is looked up once, in one statement, and the event goes to those two people's subscriptions
alone, however many other subscriptions this process holds (hardening II, item 13).
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Callable

from umkm_graph.events import EventBus, PaymentStatusChanged
from umkm_graph.orders.models import Order

PaymentHandler = Callable[[PaymentStatusChanged], None]


async def order_parties(order_id: int) -> tuple[int, ...]:
    """The user ids of an order's buyer and of its shop's owner (one id when they are the same); none for no order."""
    found = await Order.filter(id=order_id).values_list("buyer_id", "shop__owner_id")
    return tuple(dict.fromkeys(found[0])) if found else ()


class PaymentAudience:
    """Payment events of one bus, routed to the subscriptions of the parties of each event's order."""

    def __init__(self, bus: EventBus) -> None:
        self._bus = bus
        self._by_user: dict[int, list[PaymentHandler]] = defaultdict(list)
        self._unsubscribe: Callable[[], None] | None = None

    def subscribe(self, user_id: int, handler: PaymentHandler) -> Callable[[], None]:
        """Call handler with each payment event of an order the user bought or sold; the function returned stops it."""
        if self._unsubscribe is None:  # the bus calls this audience only while someone listens
            self._unsubscribe = self._bus.subscribe(PaymentStatusChanged, self._route)
        handlers = self._by_user[user_id]
        handlers.append(handler)

        def unsubscribe() -> None:
            handlers.remove(handler)
            if not handlers:
                self._by_user.pop(user_id, None)
            if not self._by_user and self._unsubscribe is not None:
                self._unsubscribe()
                self._unsubscribe = None

        return unsubscribe

    async def _route(self, event: PaymentStatusChanged) -> None:
        for user_id in await order_parties(event.order_id):
            for handler in list(self._by_user.get(user_id, ())):
                handler(event)


_audiences: weakref.WeakKeyDictionary[EventBus, PaymentAudience] = weakref.WeakKeyDictionary()


def payment_audience(bus: EventBus) -> PaymentAudience:
    """The one PaymentAudience of this bus (each app has its own bus)."""
    audience = _audiences.get(bus)
    if audience is None:
        audience = _audiences[bus] = PaymentAudience(bus)
    return audience
