"""Notification types: preferences per channel, and outbox rows without the person's address or message."""

from __future__ import annotations

import datetime as dt

import strawberry

from umkm_graph.notifications.kinds import Kind
from umkm_graph.notifications.models import DeliveryStatus, OutboxMessage, OutboxStatus
from umkm_graph.notifications.service import Preferences

OutboxStatusEnum = strawberry.enum(OutboxStatus, name="OutboxStatus")
NotificationKindEnum = strawberry.enum(Kind, name="NotificationKind", description="What a message is about.")
DeliveryStatusEnum = strawberry.enum(DeliveryStatus, name="MessageDeliveryStatus",
                                     description="How far a sent message got, by its channel's delivery reports.")


@strawberry.type(description="One channel's choice: on or off, and where its messages go.")
class NotificationChannelType:
    channel: str = strawberry.field(description="The notifier's channel, e.g. email or whatsapp.")
    display_name: str
    enabled: bool
    address: str | None = strawberry.field(
        description="Where its messages go; null is the account's email (email) or phone (the other channels).")


@strawberry.type(name="NotificationPreferences")
class NotificationPreferencesType:
    language: str = strawberry.field(description="The language of your messages: id (Bahasa Indonesia) or en.")
    channels: list[NotificationChannelType] = strawberry.field(description="Every installed channel.")

    @classmethod
    def of(cls, preferences: Preferences, names: dict[str, str]) -> NotificationPreferencesType:
        return cls(language=preferences.language, channels=[
            NotificationChannelType(channel=c.channel, display_name=names.get(c.channel, c.channel), enabled=c.enabled,
                                    address=c.address)
            for c in preferences.channels
        ])


@strawberry.input
class NotificationChannelInput:
    channel: str
    enabled: bool
    address: str | None = strawberry.field(default=None, description="Null or empty: the account's email or phone.")


@strawberry.input
class NotificationPreferencesInput:
    language: str | None = strawberry.field(default=None, description="id or en; null keeps it.")
    channels: list[NotificationChannelInput] = strawberry.field(
        default_factory=list, description="The channels to change; the others keep their choice.")


@strawberry.type(name="OutboxMessage", description="One message in the outbox, as operators see it: what, on which "
                 "channel, and how its delivery goes; never its address or text.")
class OutboxMessageType:
    id: strawberry.ID
    kind: NotificationKindEnum  # type: ignore[valid-type]
    channel: str
    status: OutboxStatusEnum  # type: ignore[valid-type]
    attempts: int
    last_error: str | None = strawberry.field(description="Why the last try failed (why it was given up, if FAILED).")
    created_at: dt.datetime
    next_attempt_at: dt.datetime | None = strawberry.field(description="When it is tried next, while PENDING.")
    sent_at: dt.datetime | None
    delivery_status: DeliveryStatusEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="The channel's latest delivery report (WhatsApp: sent, delivered, read, failed); null: none yet, "
                    "or the channel sends none (email).")
    delivery_status_at: dt.datetime | None = strawberry.field(description="When the latest delivery report says it "
                                                                          "happened.")

    @classmethod
    def from_model(cls, row: OutboxMessage) -> OutboxMessageType:
        return cls(id=strawberry.ID(str(row.id)), kind=Kind(row.kind), channel=row.channel, status=row.status,
                   attempts=row.attempts, last_error=row.last_error, created_at=row.created_at,
                   next_attempt_at=row.next_attempt_at if row.status == OutboxStatus.PENDING else None,
                   sent_at=row.sent_at, delivery_status=row.delivery_status,
                   delivery_status_at=row.delivery_status_at)


@strawberry.type(name="OutboxCounts")
class OutboxCountsType:
    pending: int
    sent: int
    failed: int
