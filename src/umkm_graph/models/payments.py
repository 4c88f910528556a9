"""Payments: one per order, settled by its payment provider (cash collected for COD)."""

from __future__ import annotations

import enum

from tortoise import fields
from tortoise.models import Model


class PaymentStatus(str, enum.Enum):
    PENDING = "PENDING"
    PAID = "PAID"
    CANCELLED = "CANCELLED"
    REFUNDED = "REFUNDED"


class Payment(Model):
    id = fields.IntField(primary_key=True)
    order = fields.OneToOneField("models.Order", related_name="payment")
    method = fields.CharField(max_length=64)
    provider = fields.CharField(max_length=64)
    amount = fields.BigIntField()
    status = fields.CharEnumField(PaymentStatus, max_length=16, default=PaymentStatus.PENDING)
    reference = fields.CharField(max_length=128, null=True)  # ours, as the provider knows the payment
    provider_reference = fields.CharField(max_length=128, null=True)  # the provider's own id, e.g. a transaction id
    confirmed_by = fields.ForeignKeyField("models.User", related_name="confirmed_payments", null=True)
    paid_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "payments"
