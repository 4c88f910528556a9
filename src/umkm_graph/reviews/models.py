"""Reviews: verified-purchase ratings of an order line, with one reply from the shop."""

from __future__ import annotations

from tortoise import fields

from umkm_graph.core.models import Model


class Review(Model):
    id = fields.IntField(primary_key=True)
    order_line = fields.OneToOneField("models.OrderLine", related_name="review")
    product = fields.ForeignKeyField("models.Product", related_name="reviews", db_index=True)
    shop = fields.ForeignKeyField("models.Shop", related_name="reviews", db_index=True)
    buyer = fields.ForeignKeyField("models.User", related_name="reviews", db_index=True)
    rating = fields.SmallIntField()
    text = fields.TextField(default="")
    reply = fields.TextField(null=True)
    replied_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "reviews"
