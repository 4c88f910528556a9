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


class CartItem(Model):
    """One line of a cart on the server, with the price it had when added (to say what changed since)."""

    id = fields.IntField(primary_key=True)
    user = fields.ForeignKeyField("models.User", related_name="cart_items", db_index=True)
    product = fields.ForeignKeyField("models.Product", related_name="cart_items", db_index=True)
    variant = fields.ForeignKeyField("models.ProductVariant", related_name="cart_items", null=True)
    quantity = fields.IntField()
    price_when_added = fields.BigIntField()
    added_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "cart_items"
        unique_together = (("user", "product"),)
