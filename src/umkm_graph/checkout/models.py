"""A checkout: one buyer's purchase across shops, which groups one order per shop."""

from __future__ import annotations

from tortoise import fields

from umkm_graph.core.models import Model


class Checkout(Model):
    id = fields.IntField(primary_key=True)
    buyer = fields.ForeignKeyField("models.User", related_name="checkouts", db_index=True)
    total = fields.BigIntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "checkouts"
