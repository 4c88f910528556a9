"""Calling notifiers safely: one message, one attempt, awaited with the timeout; a raise or a hang becomes a
`DeliveryFailed` saying why, for the outbox to try again later or give up (retries are the outbox's, not here)."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Sequence

from umkm_graph import tracing
from umkm_graph.hookspecs import Message, Notifier, ProviderRefused
from umkm_graph.plugin_host.checks import unique_providers

log = logging.getLogger("umkm_graph.plugin_host")
MAX_REASON = 500  # what the outbox keeps of a failure's reason


class DeliveryFailed(Exception):
    """One attempt failed; `final` when trying again cannot help (the notifier refused, or none has the channel)."""

    def __init__(self, reason: str, *, final: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason[:MAX_REASON]
        self.final = final


def unique_notifiers(notifiers: Sequence[Notifier]) -> dict[str, Notifier]:
    """The notifiers by channel, each with a valid channel no other has and a display name; else PluginError."""
    return {n.channel: n for n in unique_providers(notifiers, "notifier", key="channel")}


async def send_once(notifier: Notifier | None, message: Message, timeout: float) -> None:
    """Deliver the message with one attempt within `timeout` seconds, or raise DeliveryFailed."""
    if notifier is None:
        raise DeliveryFailed(f"No notifier delivers on the channel {message.channel!r}", final=True)
    attributes = {"umkm.notifier": notifier.channel, "umkm.message.kind": message.kind, "umkm.message.id": message.id}
    try:
        with tracing.span(f"notifier {notifier.channel} send", attributes, client=True):
            result = notifier.send(message)
            if inspect.isawaitable(result):
                await asyncio.wait_for(result, timeout)
    except ProviderRefused as refusal:
        raise DeliveryFailed(f"{notifier.display_name} refused: {refusal}", final=True) from None
    except TimeoutError:
        log.warning("notifier %s timed out after %ss on message %s", notifier.channel, timeout, message.id)
        raise DeliveryFailed(f"{notifier.display_name} did not answer within {timeout:g} seconds") from None
    except Exception as exc:
        log.warning("notifier %s failed on message %s: %r", notifier.channel, message.id, exc)
        raise DeliveryFailed(f"{notifier.display_name} failed: {type(exc).__name__}: {exc}") from None
