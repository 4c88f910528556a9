"""The outbox of messages, one row per message and channel, and each person's notification preferences."""

from __future__ import annotations

import enum

from tortoise import fields

from umkm_graph.core.models import Model


class OutboxStatus(str, enum.Enum):
    PENDING = "PENDING"  # waiting for its (next) try
    SENT = "SENT"
    FAILED = "FAILED"  # given up: tried the most times allowed, or refused for good; last_error says why


class DeliveryStatus(str, enum.Enum):
    """How far a SENT message got, by the channel's delivery reports (notifications/delivery_reports.py)."""

    SENT = "SENT"
    DELIVERED = "DELIVERED"
    READ = "READ"
    FAILED = "FAILED"  # the last try did not arrive: the message is tried again or given up


class OutboxMessage(Model):
    """One message to one person on one channel, written in the transaction of the change that causes it."""

    id = fields.IntField(primary_key=True)
    user = fields.ForeignKeyField("models.User", related_name="outbox_messages", db_index=True)
    kind = fields.CharField(max_length=40)
    parameters = fields.JSONField(default=dict)  # the kind's values, as given; the text is written when it is sent
    channel = fields.CharField(max_length=64)
    address = fields.CharField(max_length=254)
    language = fields.CharField(max_length=5)
    status = fields.CharEnumField(OutboxStatus, max_length=10, default=OutboxStatus.PENDING, db_index=True)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(db_index=True)
    claimed_until = fields.DatetimeField(null=True)  # core/claims.py: one process sends it
    last_error = fields.CharField(max_length=500, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)
    # The gateway's id for the last try, matched by its delivery reports; cleared when a failed try is tried again.
    provider_message_id = fields.CharField(max_length=128, null=True, db_index=True)
    delivery_status = fields.CharEnumField(DeliveryStatus, max_length=10, null=True)  # null: no report yet
    delivery_status_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox_messages"


class NotificationPreference(Model):
    """A person's choices: the language of their messages, and per channel whether it is on and where it goes
    (channels: {"email": {"enabled": true, "address": null}, ...}; a null address is the account's email or phone)."""

    id = fields.IntField(primary_key=True)
    user = fields.OneToOneField("models.User", related_name="notification_preference")
    language = fields.CharField(max_length=5, default="id")
    channels = fields.JSONField(default=dict)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "notification_preferences"
