"""Calling notifiers safely: one message, one attempt, awaited with the timeout; a raise or a hang becomes a
`DeliveryFailed` saying why, for the outbox to try again later or give up (retries are the outbox's, not here). And
reading a channel's delivery-report webhook with the same timeout."""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from umkm_graph import tracing
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.hookspecs import (
    DeliveryReport,
    DeliveryState,
    Message,
    Notifier,
    ProviderRefused,
    WebhookPayloadError,
    WebhookSignatureError,
)
from umkm_graph.plugin_host.checks import unique_providers

log = logging.getLogger("umkm_graph.plugin_host")
MAX_REASON = 500  # what the outbox keeps of a failure's reason
MAX_PROVIDER_ID = 128  # the gateway's id for a sent message, kept to match its delivery reports


class DeliveryFailed(Exception):
    """One attempt failed; `final` when trying again cannot help (the notifier refused, or none has the channel)."""

    def __init__(self, reason: str, *, final: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason[:MAX_REASON]
        self.final = final


def unique_notifiers(notifiers: Sequence[Notifier]) -> dict[str, Notifier]:
    """The notifiers by channel, each with a valid channel no other has and a display name; else PluginError."""
    return {n.channel: n for n in unique_providers(notifiers, "notifier", key="channel")}


async def send_once(notifier: Notifier | None, message: Message, timeout: float) -> str | None:
    """Deliver the message with one attempt within `timeout` seconds, or raise DeliveryFailed; the gateway's id for
    the message, when the notifier gave a usable one."""
    if notifier is None:
        raise DeliveryFailed(f"No notifier delivers on the channel {message.channel!r}", final=True)
    attributes = {"umkm.notifier": notifier.channel, "umkm.message.kind": message.kind, "umkm.message.id": message.id}
    try:
        with tracing.span(f"notifier {notifier.channel} send", attributes, client=True):
            result = notifier.send(message)
            if inspect.isawaitable(result):
                result = await asyncio.wait_for(result, timeout)
    except ProviderRefused as refusal:
        raise DeliveryFailed(f"{notifier.display_name} refused: {refusal}", final=True) from None
    except TimeoutError:
        log.warning("notifier %s timed out after %ss on message %s", notifier.channel, timeout, message.id)
        raise DeliveryFailed(f"{notifier.display_name} did not answer within {timeout:g} seconds") from None
    except Exception as exc:
        log.warning("notifier %s failed on message %s: %r", notifier.channel, message.id, exc)
        raise DeliveryFailed(f"{notifier.display_name} failed: {type(exc).__name__}: {exc}") from None
    if result is None or (isinstance(result, str) and 0 < len(result) <= MAX_PROVIDER_ID):
        return result
    log.warning("notifier %s returned an unusable message id for message %s: %r", notifier.channel, message.id,
                result)
    return None  # delivered all the same; its reports cannot be matched


async def read_delivery_reports(notifier: Notifier, raw: bytes, headers: Mapping[str, str],
                                timeout: float) -> list[DeliveryReport]:
    """The notifier's reports in a webhook. WebhookSignatureError and WebhookPayloadError pass through for the caller
    to answer; a failure, a hang or an unusable answer is a PROVIDER_ERROR."""
    try:
        with tracing.span(f"notifier {notifier.channel} parse_webhook", {"umkm.notifier": notifier.channel},
                          client=False):
            reports: Any = notifier.parse_webhook(raw, headers)
            if inspect.isawaitable(reports):
                reports = await asyncio.wait_for(reports, timeout)
    except (WebhookSignatureError, WebhookPayloadError):
        raise
    except TimeoutError:
        raise DomainError(ErrorCode.PROVIDER_ERROR, f"{notifier.display_name} did not read the webhook in time") \
            from None
    except Exception:
        log.exception("notifier %s failed reading a webhook", notifier.channel)
        raise DomainError(ErrorCode.PROVIDER_ERROR, f"{notifier.display_name} failed reading the webhook") from None
    if not isinstance(reports, (list, tuple)) or not all(map(_usable_report, reports)):
        log.error("notifier %s read a webhook into something unusable: %r", notifier.channel, reports)
        raise DomainError(ErrorCode.PROVIDER_ERROR, f"{notifier.display_name} read the webhook into something unusable")
    return list(reports)


def _usable_report(report: object) -> bool:
    return (isinstance(report, DeliveryReport) and isinstance(report.state, DeliveryState)
            and isinstance(report.event_id, str) and 0 < len(report.event_id) <= 200
            and isinstance(report.provider_message_id, str) and 0 < len(report.provider_message_id) <= MAX_PROVIDER_ID
            and (report.occurred_at is None or (isinstance(report.occurred_at, dt.datetime)
                                                and report.occurred_at.tzinfo is not None)))
