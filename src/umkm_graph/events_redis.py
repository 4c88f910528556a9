"""Events across server processes: publish to a Redis channel; every process listens and hands events to its subscribers.

Publishing goes only through Redis, and each process (the publisher included) delivers what it hears, so an event reaches
every subscriber exactly once, whichever process it is connected to.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Callable
from typing import Any

from umkm_graph.events import (
    CatalogChanged,
    E,
    Event,
    Handler,
    LocalEventBus,
    OrderStatusChanged,
    PaymentStatusChanged,
    Topic,
)
from umkm_graph.settings import Settings

log = logging.getLogger("umkm_graph.events")
_TYPES: dict[str, type] = {cls.__name__: cls for cls in (OrderStatusChanged, PaymentStatusChanged, CatalogChanged)}


def encode(event: Event) -> str:
    data = {k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in dataclasses.asdict(event).items()}
    return json.dumps({"type": type(event).__name__, "data": data})


def decode(raw: str | bytes) -> Event:
    message = json.loads(raw)
    cls = _TYPES[message["type"]]
    values: dict[str, Any] = dict(message["data"])
    for f in dataclasses.fields(cls):
        if f.name in values and f.type in ("dt.datetime", dt.datetime) and values[f.name] is not None:
            values[f.name] = dt.datetime.fromisoformat(values[f.name])
    return cls(**values)  # type: ignore[no-any-return]


class RedisEventBus:
    def __init__(self, url: str, channel: str) -> None:
        import redis.asyncio as redis  # only needed when UMKM_REDIS_URL is set

        self._redis = redis.from_url(url)
        self._channel = channel
        self._local = LocalEventBus()
        self._listener: asyncio.Task[None] | None = None

    async def start(self) -> None:
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(self._channel)
        self._listener = asyncio.create_task(self._listen(pubsub), name="umkm-graph-redis-events")

    async def _listen(self, pubsub: Any) -> None:
        try:
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if message is None:
                    continue
                try:
                    event = decode(message["data"])
                except (ValueError, KeyError, TypeError):
                    log.warning("ignoring a malformed event on %s: %r", self._channel, message["data"][:200])
                    continue
                await self._local.publish(event)
        finally:
            await pubsub.aclose()

    async def publish(self, event: Event) -> None:
        await self._redis.publish(self._channel, encode(event))

    def subscribe(self, event_type: type[E], handler: Handler[E], about: Topic | None = None) -> Callable[[], None]:
        return self._local.subscribe(event_type, handler, about)

    async def ping(self) -> bool:
        return bool(await self._redis.ping())

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            try:
                await self._listener
            except asyncio.CancelledError:
                pass
        await self._redis.aclose()


class _InProcessBus(LocalEventBus):
    """The default: events stay in this process."""

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass


def create_event_bus(settings: Settings) -> _InProcessBus | RedisEventBus:
    return RedisEventBus(settings.redis_url, settings.redis_channel) if settings.redis_url else _InProcessBus()
