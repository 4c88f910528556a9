"""Orders: a checkout groups one order per shop; each order has priced lines and a history of transitions."""

from __future__ import annotations

import enum
import secrets

from tortoise import fields

from umkm_graph.core.models import Model

# Crockford's base32 without I, L, O, U: references are read out over the phone.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_order_reference() -> str:
    """A unique, human-friendly order number; known before the order is written, so providers can be told it first."""
    return "UMKM-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(10))


class OrderStatus(str, enum.Enum):
    AWAITING_PAYMENT = "AWAITING_PAYMENT"
    PLACED = "PLACED"
    ACCEPTED = "ACCEPTED"
    READY_FOR_PICKUP = "READY_FOR_PICKUP"
    OUT_FOR_DELIVERY = "OUT_FOR_DELIVERY"
    DELIVERED = "DELIVERED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


class DeliveryMethod(str, enum.Enum):
    """How the goods reach the buyer, as an order stores it; the plugin contract's DeliveryKind maps to it in
    orders/contract.py (same values, so the column's values never depend on the contract)."""

    PICKUP = "PICKUP"
    DELIVERY = "DELIVERY"


class Order(Model):
    id = fields.IntField(primary_key=True)
    checkout = fields.ForeignKeyField("models.Checkout", related_name="orders", db_index=True)
    shop = fields.ForeignKeyField("models.Shop", related_name="orders", db_index=True)
    buyer = fields.ForeignKeyField("models.User", related_name="orders", db_index=True)
    reference = fields.CharField(max_length=20, unique=True, default=new_order_reference)
    status = fields.CharEnumField(OrderStatus, max_length=20, db_index=True)
    # PICKUP or DELIVERY; the provider's code and its service say who carries the goods and how.
    delivery_method = fields.CharEnumField(DeliveryMethod, max_length=64)
    delivery_provider = fields.CharField(max_length=64)
    delivery_service = fields.CharField(max_length=64, default="")
    delivery_reference = fields.CharField(max_length=128, null=True)  # the provider's id for the shipment
    delivery_fee = fields.BigIntField(default=0)
    delivery_kecamatan = fields.CharField(max_length=32, null=True)
    delivery_kelurahan = fields.CharField(max_length=32, null=True)
    delivery_address = fields.CharField(max_length=255, null=True)
    pickup_code = fields.CharField(max_length=12, null=True)
    payment_method = fields.CharField(max_length=64)
    subtotal = fields.BigIntField()
    total = fields.BigIntField()
    note = fields.CharField(max_length=500, default="")
    cancel_reason = fields.CharField(max_length=500, null=True)
    # When the current status began (null: at created_at, the status checkout gave it); the deadlines count from it.
    status_since = fields.DatetimeField(null=True)
    claimed_until = fields.DatetimeField(null=True)  # a deadline job's claim (core/claims.py)
    accept_reminded_at = fields.DatetimeField(null=True)  # the seller was reminded of the accept deadline
    cash_flagged_at = fields.DatetimeField(null=True)  # delivered COD cash unconfirmed: flagged to the seller
    cash_escalated_at = fields.DatetimeField(null=True)  # ...and, later, to the city
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "orders"


class OrderLine(Model):
    id = fields.IntField(primary_key=True)
    order = fields.ForeignKeyField("models.Order", related_name="lines", db_index=True)
    product = fields.ForeignKeyField("models.Product", related_name="order_lines", db_index=True)
    variant = fields.ForeignKeyField("models.ProductVariant", related_name="order_lines", null=True, db_index=True)
    product_name = fields.CharField(max_length=160)
    unit_price = fields.BigIntField()
    quantity = fields.IntField()
    line_total = fields.BigIntField()

    class Meta:
        table = "order_lines"


class OrderTransition(Model):
    """One recorded change of an order's status: who made it, when, and why."""

    id = fields.IntField(primary_key=True)
    order = fields.ForeignKeyField("models.Order", related_name="transitions", db_index=True)
    from_status = fields.CharEnumField(OrderStatus, max_length=20, null=True)
    to_status = fields.CharEnumField(OrderStatus, max_length=20)
    actor = fields.ForeignKeyField("models.User", related_name="order_transitions", null=True)
    reason = fields.CharField(max_length=500, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "order_transitions"


class ComplaintReason(str, enum.Enum):
    NOT_RECEIVED = "NOT_RECEIVED"
    DAMAGED = "DAMAGED"
    WRONG_ITEM = "WRONG_ITEM"
    MISSING_ITEMS = "MISSING_ITEMS"
    QUALITY = "QUALITY"
    REFUND_REQUEST = "REFUND_REQUEST"  # the buyer asks for money back (requested_amount): the seller approves or declines


class ComplaintStatus(str, enum.Enum):
    OPEN = "OPEN"  # waiting for the seller
    RESOLVED = "RESOLVED"  # the seller refunded or replaced
    REJECTED = "REJECTED"  # the seller refused, with a reason; the buyer may escalate
    ESCALATED = "ESCALATED"  # waiting for the city
    DECIDED = "DECIDED"  # a city officer decided: final


class ComplaintResolution(str, enum.Enum):
    REFUND = "REFUND"
    REPLACE = "REPLACE"
    REJECT = "REJECT"


class Complaint(Model):
    """A complaint of a buyer about lines of a delivered order, the answer of the seller, and the decision of the city if escalated."""

    id = fields.IntField(primary_key=True)
    order = fields.ForeignKeyField("models.Order", related_name="complaints", db_index=True)
    reason = fields.CharEnumField(ComplaintReason, max_length=20)
    text = fields.CharField(max_length=1000)
    status = fields.CharEnumField(ComplaintStatus, max_length=20, default=ComplaintStatus.OPEN, db_index=True)
    resolution = fields.CharEnumField(ComplaintResolution, max_length=20, null=True)
    refund_amount = fields.BigIntField(default=0)
    requested_amount = fields.BigIntField(null=True)  # a REFUND_REQUEST: what the buyer asks back
    seller_reason = fields.CharField(max_length=500, null=True)
    answered_at = fields.DatetimeField(null=True)
    escalated_at = fields.DatetimeField(null=True)
    decision = fields.CharField(max_length=1000, null=True)  # the officer's recorded reasons
    decided_by = fields.ForeignKeyField("models.User", related_name="complaints_decided", null=True)
    decided_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "complaints"


class ComplaintLine(Model):
    """An order line a complaint is about."""

    id = fields.IntField(primary_key=True)
    complaint = fields.ForeignKeyField("models.Complaint", related_name="lines", db_index=True)
    order_line = fields.ForeignKeyField("models.OrderLine", related_name="complaint_lines", db_index=True)

    class Meta:
        table = "complaint_lines"


class ComplaintPhoto(Model):
    """A photo the buyer sent with a complaint (an upload of theirs): the torn sack, the wrong item."""

    id = fields.IntField(primary_key=True)
    complaint = fields.ForeignKeyField("models.Complaint", related_name="photos", db_index=True)
    upload = fields.ForeignKeyField("models.Upload", related_name="complaint_photos")
    position = fields.IntField()

    class Meta:
        table = "complaint_photos"


class CashRefusal(Model):
    """A buyer refused a cash-on-delivery order at handover (would not take it, or pay for it), as the seller recorded
    it: one per order. A buyer with too many of these loses cash on delivery at checkout."""

    id = fields.IntField(primary_key=True)
    order = fields.OneToOneField("models.Order", related_name="cash_refusal")
    buyer = fields.ForeignKeyField("models.User", related_name="cash_refusals", db_index=True)
    recorded_by = fields.ForeignKeyField("models.User", related_name="cash_refusals_recorded", null=True)
    reason = fields.CharField(max_length=500)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "cash_refusals"
