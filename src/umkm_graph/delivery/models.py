"""Courier shipments: one per order carried by a booked courier (books_when_ready providers), and the ledger of what the
courier reported about it, each event once."""

from __future__ import annotations

import enum

from tortoise import fields

from umkm_graph.core.models import Model


class CourierStatus(str, enum.Enum):
    """Where a booked courier's parcel is, as the shipment and its ledger store it; the plugin contract's
    ShipmentStatus maps to it in delivery/contract.py."""

    CONFIRMED = "confirmed"
    ALLOCATED = "allocated"
    PICKING_UP = "picking_up"
    PICKED = "picked"
    DROPPING_OFF = "dropping_off"
    ON_HOLD = "on_hold"
    RETURN_IN_TRANSIT = "return_in_transit"
    RETURNED = "returned"
    CANCELLED = "cancelled"
    DELIVERED = "delivered"


class CourierShipment(Model):
    """Written at checkout with what the booking will need, and booked at the courier when the seller marks the order ready."""

    id = fields.IntField(primary_key=True)
    order = fields.OneToOneField("models.Order", related_name="courier_shipment")
    provider = fields.CharField(max_length=64)
    service = fields.CharField(max_length=64)
    # The buyer's point, which the order's address columns do not hold; the shop's point is read from the shop.
    destination_latitude = fields.FloatField(null=True)
    destination_longitude = fields.FloatField(null=True)
    weight_grams = fields.IntField()
    weight_estimated = fields.BooleanField(default=False)
    status = fields.CharEnumField(CourierStatus, max_length=20, null=True)  # None until booked
    booking_reference = fields.CharField(max_length=40, null=True)  # what the courier was told, unique per booking
    provider_reference = fields.CharField(max_length=128, null=True, db_index=True)  # the courier's id for it
    bookings = fields.IntField(default=0)  # a cancelled booking is made again under a new reference
    cash_on_delivery_amount = fields.BigIntField(default=0)  # what the courier collects from the buyer
    tracking_url = fields.CharField(max_length=500, null=True)
    note = fields.CharField(max_length=255, null=True)
    booked_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)
    # The courier poll's claim (core/claims.py): no other process asks the courier about it before then.
    claimed_until = fields.DatetimeField(null=True)

    class Meta:
        table = "courier_shipments"


class ShipmentEventSource(str, enum.Enum):
    WEBHOOK = "WEBHOOK"  # the courier told us
    POLL = "POLL"  # we asked the courier


class ShipmentEventRecord(Model):
    """The ledger: one row per event a courier reported, whatever it changed. The unique key makes a repeated webhook,
    or a webhook racing a poll, a no-op."""

    id = fields.IntField(primary_key=True)
    provider = fields.CharField(max_length=64)
    event_id = fields.CharField(max_length=191)
    shipment = fields.ForeignKeyField("models.CourierShipment", related_name="events", db_index=True)
    status = fields.CharEnumField(CourierStatus, max_length=20)
    raw_status = fields.CharField(max_length=64, default="")
    source = fields.CharEnumField(ShipmentEventSource, max_length=8)
    outcome = fields.CharField(max_length=200, default="")  # what it changed, or why it changed nothing
    occurred_at = fields.DatetimeField(null=True)
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "shipment_events"
        unique_together = (("provider", "event_id"),)
