"""Office delivery on payday: the days an OPD office takes deliveries, each shop's batch for an office and day (one
trip), and which orders ride in each batch."""

from __future__ import annotations

from tortoise import fields

from umkm_graph.core.models import Model


class OfficeDeliveryDay(Model):
    """A day an OPD office receives deliveries, opened by a city officer, taking orders until the cut-off."""

    id = fields.IntField(primary_key=True)
    opd = fields.ForeignKeyField("models.Opd", related_name="delivery_days", db_index=True)
    day = fields.DateField()
    cutoff_at = fields.DatetimeField()  # the last moment an order may join a batch of this day
    contact = fields.ForeignKeyField("models.User", related_name="office_days_received", db_index=True)
    opened_by = fields.ForeignKeyField("models.User", related_name="office_days_opened", null=True,
                                       on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "office_delivery_days"
        unique_together = (("opd", "day"),)


class OfficeBatch(Model):
    """One shop's orders for one office day: one pick list, one trip, the trip's fee shared by the orders."""

    id = fields.IntField(primary_key=True)
    delivery_day = fields.ForeignKeyField("models.OfficeDeliveryDay", related_name="batches", db_index=True)
    shop = fields.ForeignKeyField("models.Shop", related_name="office_batches", db_index=True)
    trip_fee = fields.BigIntField()  # the provider's quote for the first order, the price of the one trip
    handed_over_at = fields.DatetimeField(null=True)
    received_by = fields.ForeignKeyField("models.User", related_name="office_batches_received", null=True,
                                         on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "office_batches"
        unique_together = (("delivery_day", "shop"),)


class OfficeOrder(Model):
    """An order riding in a batch, and what the office's contact person found missing from it at the handover."""

    id = fields.IntField(primary_key=True)
    batch = fields.ForeignKeyField("models.OfficeBatch", related_name="orders", db_index=True)
    order = fields.OneToOneField("models.Order", related_name="office_delivery")
    missing_line_ids: list[int] | None = fields.JSONField(null=True)  # type: ignore[assignment]
    missing_note = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "office_orders"
