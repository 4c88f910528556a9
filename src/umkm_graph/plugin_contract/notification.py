"""What a notifier receives: one message to one person on one channel."""

from __future__ import annotations

import abc
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


class Notifier(abc.ABC):
    """Delivers messages on one channel (email, WhatsApp, web push, ...)."""

    channel: str  # lowercase letters, digits and underscores; unique among notifiers
    display_name: str

    @abc.abstractmethod
    def send(self, message: Message) -> MaybeAwaitable[None]:
        """Deliver one message. Raise to have it tried again later, with backoff, up to the host's bound; raise
        ProviderRefused when trying again cannot help (e.g. the address does not exist)."""
