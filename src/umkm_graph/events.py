"""Order and payment events: publish after a change commits, subscribe by event type.

`EventBus` is the interface; `LocalEventBus` delivers in-process. A Redis bus (a later issue) implements the same two
methods, which is why events are flat, frozen dataclasses of plain values: they serialise as they are.
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


@dataclass(frozen=True)
class PaymentStatusChanged:
    order_id: int
    payment_id: int
    method: str
    status: str
    amount: int
    at: dt.datetime


@dataclass(frozen=True)
class CatalogChanged:
    """Products, shops or reviews changed in some process (changes.py): public answers computed before are stale."""

    entities: str  # comma-separated: product, shop, review
    at: dt.datetime


Event = Union[OrderStatusChanged, PaymentStatusChanged, CatalogChanged]
E = TypeVar("E", OrderStatusChanged, PaymentStatusChanged, CatalogChanged)
Handler = Callable[[E], Awaitable[None] | None]


class EventBus(Protocol):
    async def publish(self, event: Event) -> None: ...

    def subscribe(self, event_type: type[E], handler: Handler[E]) -> Callable[[], None]:
        """Call handler with every event of this type; the returned function unsubscribes."""
        ...


class LocalEventBus:
    """Delivers each event to this process's subscribers, in subscription order. A failing subscriber is logged and
    skipped: the change it reacts to has already committed."""

    def __init__(self) -> None:
        self._handlers: dict[type, list[Callable[[Event], object]]] = defaultdict(list)

    async def publish(self, event: Event) -> None:
        for handler in list(self._handlers[type(event)]):
            try:
                result = handler(event)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("event subscriber %r failed on %r", handler, event)

    def subscribe(self, event_type: type[E], handler: Handler[E]) -> Callable[[], None]:
        handlers = self._handlers[event_type]
        handlers.append(handler)  # type: ignore[arg-type]
        return lambda: handlers.remove(handler)  # type: ignore[arg-type]
