"""The version of the public catalog: products, shops and reviews as anyone may read them. A service that writes one of
them calls `changed` once its write has committed; the public response cache (graphql_engine/response_cache.py) serves an answer
only while the version it was computed at is still the current one.

The version lives in each server process. `connect` links it to the event bus: orders placed or cancelled move stock,
so every order event bumps it, in every process that hears it; and when the bus reaches other processes (Redis), each
local change is published as a CatalogChanged event, which bumps the version wherever it is heard. Between the publish
and its arrival another process may answer from its cache for a moment; the cache's TTL bounds what a lost message
could leave behind.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections.abc import Awaitable, Callable

from umkm_graph.events import CatalogChanged, EventBus, LocalEventBus, OrderStatusChanged


class Entity(str, enum.Enum):
    PRODUCT = "product"
    SHOP = "shop"
    REVIEW = "review"


log = logging.getLogger("umkm_graph.changes")
Forward = Callable[[tuple[Entity, ...]], Awaitable[None]]
_version = 0
_forwarders: list[Forward] = []


def version() -> int:
    return _version


def bump() -> None:
    """Move the version on without telling other processes: for changes they hear of themselves."""
    global _version
    _version += 1


async def changed(*entities: Entity) -> None:
    """A committed write changed what anyone may read of these entities."""
    bump()
    for forward in list(_forwarders):
        await forward(entities)


def connect(bus: EventBus) -> Callable[[], None]:
    """Keep the version current from this bus's events (and, on a bus that reaches other processes, tell them of local
    changes); the returned function disconnects."""
    unsubscribes = [bus.subscribe(OrderStatusChanged, lambda _: bump()), bus.subscribe(CatalogChanged, lambda _: bump())]

    async def forward(entities: tuple[Entity, ...]) -> None:
        try:
            await bus.publish(CatalogChanged(entities=",".join(e.value for e in entities), at=dt.datetime.now(dt.UTC)))
        except Exception as error:  # the write has committed; other processes catch up within the cache's TTL
            log.warning("catalog change not published to other processes: %s", error)

    if not isinstance(bus, LocalEventBus):  # in one process, the local bump is all there is to do
        _forwarders.append(forward)
        unsubscribes.append(lambda: _forwarders.remove(forward))

    def disconnect() -> None:
        for unsubscribe in unsubscribes:
            unsubscribe()

    return disconnect
