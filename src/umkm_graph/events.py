"""Order and payment events: publish after a change commits, subscribe by event type, and optionally by what the
event is about.

`EventBus` is the interface; `LocalEventBus` delivers in-process, and events_redis.RedisEventBus across processes;
events are flat, frozen dataclasses of plain values, so they serialise as they are. Each event names what it is
about (`about()`: its order, its buyer, its shop); a subscriber that gives `about=` hears only the events about that,
found by a dictionary lookup, so a thousand subscribers to other orders cost an event nothing.
"""

from __future__ import annotations

import datetime as dt
import inspect
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar, Union

log = logging.getLogger("umkm_graph.events")

Topic = tuple[str, int]
"""What an event is about: ("order", id), ("buyer", user id), ("shop", id)."""


@dataclass(frozen=True)
class OrderStatusChanged:
    order_id: int
    shop_id: int
    buyer_id: int
    from_status: str | None  # None when the order was just placed
    to_status: str
    actor_id: int | None
    reason: str | None
    at: dt.datetime

    def about(self) -> tuple[Topic, ...]:
        return ("order", self.order_id), ("buyer", self.buyer_id), ("shop", self.shop_id)


@dataclass(frozen=True)
class PaymentStatusChanged:
    order_id: int
    payment_id: int
    method: str
    status: str
    amount: int
    at: dt.datetime

    def about(self) -> tuple[Topic, ...]:
        return (("order", self.order_id),)


@dataclass(frozen=True)
class CatalogChanged:
    """Products, shops or reviews changed in some process (changes.py): public answers computed before are stale."""

    entities: str  # comma-separated: product, shop, review
    at: dt.datetime

    def about(self) -> tuple[Topic, ...]:
        return ()


Event = Union[OrderStatusChanged, PaymentStatusChanged, CatalogChanged]
E = TypeVar("E", OrderStatusChanged, PaymentStatusChanged, CatalogChanged)
Handler = Callable[[E], Awaitable[None] | None]


class EventBus(Protocol):
    async def publish(self, event: Event) -> None: ...

    def subscribe(self, event_type: type[E], handler: Handler[E], about: Topic | None = None) -> Callable[[], None]:
        """Call handler with every event of this type (about one topic only, if given); the returned function
        unsubscribes."""
        ...


class LocalEventBus:
    """Delivers each event to this process's subscribers: those of every event of its type, then those of each topic
    it is about, each in subscription order. A failing subscriber is logged and skipped: the change it reacts to has
    already committed."""

    def __init__(self) -> None:
        self._handlers: dict[type, dict[Topic | None, list[Callable[[Event], object]]]] = defaultdict(dict)

    async def publish(self, event: Event) -> None:
        by_topic = self._handlers.get(type(event))
        if not by_topic:
            return
        handlers = list(by_topic.get(None, ()))
        for topic in event.about():
            handlers.extend(by_topic.get(topic, ()))
        for handler in handlers:
            try:
                result = handler(event)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("event subscriber %r failed on %r", handler, event)

    def subscribe(self, event_type: type[E], handler: Handler[E], about: Topic | None = None) -> Callable[[], None]:
        by_topic = self._handlers[event_type]
        handlers = by_topic.setdefault(about, [])
        handlers.append(handler)  # type: ignore[arg-type]

        def unsubscribe() -> None:
            handlers.remove(handler)  # type: ignore[arg-type]
            if not handlers and by_topic.get(about) is handlers:
                del by_topic[about]  # a topic nobody listens to any more takes no room

        return unsubscribe
