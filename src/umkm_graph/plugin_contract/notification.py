"""What a notifier receives: one message to one person on one channel; and what it reports back: delivery reports."""

from __future__ import annotations

import abc
import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass

from umkm_graph.plugin_contract.common import MaybeAwaitable


@dataclass(frozen=True)
class Message:
    """One message to one person on one channel, already written in their language. The host decides who hears what;
    a notifier only delivers."""

    id: int  # the outbox row's id: the same id sent again is a retry, so use it as the idempotency key
    channel: str  # the notifier's channel, e.g. "email"
    address: str  # where on that channel: an email address, or a phone number as digits with the country code (62...)
    kind: str  # what it is about, e.g. "ORDER_ACCEPTED"; a template channel picks its template by it
    language: str  # "id" (Bahasa Indonesia) or "en"
    subject: str
    body: str
    parameters: tuple[str, ...] = ()  # the kind's values in their documented order, for a template's placeholders


class DeliveryState(str, enum.Enum):
    """How far a sent message got, as the channel's gateway reports it later (WhatsApp: sent, delivered, read, failed)."""

    SENT = "SENT"  # the gateway handed it on
    DELIVERED = "DELIVERED"  # it reached the person's device
    READ = "READ"
    FAILED = "FAILED"  # it will not arrive: the host tries again or gives up, by the outbox's rules


@dataclass(frozen=True)
class DeliveryReport:
    """One report from a channel's webhook about one message the notifier sent."""

    event_id: str  # unique per report (e.g. the gateway's message id and the state): a repeat is answered, not redone
    provider_message_id: str  # the id `send` returned for the message
    state: DeliveryState
    occurred_at: dt.datetime | None = None  # when the gateway says it happened (aware); None: when it arrived
    reason: str | None = None  # FAILED: why, in the gateway's words
    final: bool = False  # FAILED: trying again cannot help (e.g. the number is not on the channel)


class Notifier(abc.ABC):
    """Delivers messages on one channel (email, WhatsApp, web push, ...)."""

    channel: str  # lowercase letters, digits and underscores; unique among notifiers
    display_name: str

    @abc.abstractmethod
    def send(self, message: Message) -> MaybeAwaitable[str | None]:
        """Deliver one message; return the gateway's id for it (at most 128 characters) when the channel reports
        delivery later, else None. Raise to have it tried again later, with backoff, up to the host's bound; raise
        ProviderRefused when trying again cannot help (e.g. the address does not exist)."""

    def parse_webhook(self, raw: bytes, headers: Mapping[str, str]) -> MaybeAwaitable[list[DeliveryReport]]:
        """The delivery reports in a webhook the host received at POST /webhooks/notifications/{channel}: verify its
        signature over the raw bytes (raise WebhookSignatureError), read it (raise WebhookPayloadError), and skip
        what is not a report. The host records each report on its outbox message once. Not overridden: no webhook."""
        raise NotImplementedError
