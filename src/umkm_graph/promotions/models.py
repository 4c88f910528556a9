"""Promotions: a seller's promotion or a city programme (one table, told apart by who funds it), the products a
promotion is limited to, each use of one by an order, and the discount it gave each order line."""

from __future__ import annotations

import enum

from tortoise import fields

from umkm_graph.core.models import Model


class PromotionKind(str, enum.Enum):
    PERCENT_OFF = "PERCENT_OFF"  # value: 1 to 100 percent of the eligible lines
    AMOUNT_OFF = "AMOUNT_OFF"  # value: rupiah off the eligible lines of an order
    FREE_DELIVERY = "FREE_DELIVERY"  # the order's delivery fee, up to max_discount when set


class Funder(str, enum.Enum):
    """Who pays for a discount: the shop gives up part of its price, or the city pays it to the shop."""

    SHOP = "SHOP"
    CITY = "CITY"


class RewardFor(str, enum.Enum):
    """Whom a city programme rewards for a referral that bought: NONE (an ordinary programme, for anyone eligible), or a
    reward programme, usable only by the people it was granted to (the REFERRER, the REFERRED new buyer, or BOTH)."""

    NONE = "NONE"
    REFERRER = "REFERRER"
    REFERRED = "REFERRED"
    BOTH = "BOTH"


class Promotion(Model):
    """A voucher code and its rules. A SHOP promotion belongs to one shop, a CITY promotion is a programme of the city,
    with a budget and eligibility rules. Counters (uses, spent) move only by conditional updates (promotions/redeem.py)."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)  # upper case; what the buyer types
    name = fields.CharField(max_length=120)
    kind = fields.CharEnumField(PromotionKind, max_length=16)
    value = fields.BigIntField()  # percent for PERCENT_OFF, rupiah for AMOUNT_OFF, 0 for FREE_DELIVERY
    max_discount = fields.BigIntField(default=0)  # per order; 0: none
    funder = fields.CharEnumField(Funder, max_length=8)
    shop = fields.ForeignKeyField("models.Shop", related_name="promotions", null=True, db_index=True)
    min_spend = fields.BigIntField(default=0)  # of the eligible lines, before any discount
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    max_uses = fields.IntField(default=0)  # orders in all; 0: no cap
    max_uses_per_buyer = fields.IntField(default=0)  # orders per buyer; 0: no cap
    uses = fields.IntField(default=0)
    budget = fields.BigIntField(default=0)  # rupiah the funder puts in; 0: no budget (SHOP promotions)
    spent = fields.BigIntField(default=0)
    # A city programme's eligibility; empty or false: anyone, any day.
    roles = fields.CharField(max_length=64, default="")  # comma-separated Role values
    asn_only = fields.BooleanField(default=False)
    opds = fields.CharField(max_length=500, default="")  # comma-separated OPD names, as ASN register them
    category = fields.ForeignKeyField("models.Category", related_name="promotions", null=True)
    weekdays = fields.CharField(max_length=7, default="")  # ISO weekdays in Asia/Jakarta, "4" is Thursday
    verified_shops_only = fields.BooleanField(default=False)
    reward_for = fields.CharEnumField(RewardFor, max_length=8, default=RewardFor.NONE)  # not NONE: by grant only
    created_by = fields.ForeignKeyField("models.User", related_name="promotions_created")
    ended_at = fields.DatetimeField(null=True)  # ended early by its owner
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "promotions"


class PromotionProduct(Model):
    """A product a SHOP promotion is limited to (a promotion with none covers the whole shop)."""

    id = fields.IntField(primary_key=True)
    promotion = fields.ForeignKeyField("models.Promotion", related_name="products", db_index=True)
    product = fields.ForeignKeyField("models.Product", related_name="promotion_links", db_index=True)

    class Meta:
        table = "promotion_products"
        unique_together = (("promotion", "product"),)


class PromotionGrant(Model):
    """A reward programme's voucher granted to one person, for a referral (as its referrer or its referred buyer).

    Each grant is one order's use of the programme for that person."""

    id = fields.IntField(primary_key=True)
    promotion = fields.ForeignKeyField("models.Promotion", related_name="grants", db_index=True)
    user = fields.ForeignKeyField("models.User", related_name="promotion_grants", db_index=True)
    reason = fields.CharField(max_length=16)  # REFERRER or REFERRED
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "promotion_grants"


class PromotionUse(Model):
    """One order's use of a promotion, and the rupiah it took, given back (returned_at) when the order is cancelled."""

    id = fields.IntField(primary_key=True)
    promotion = fields.ForeignKeyField("models.Promotion", related_name="order_uses", db_index=True)
    order = fields.ForeignKeyField("models.Order", related_name="promotion_uses", db_index=True)
    buyer = fields.ForeignKeyField("models.User", related_name="promotion_uses", db_index=True)
    amount = fields.BigIntField()
    returned_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "promotion_uses"
        unique_together = (("promotion", "order"),)


class OrderDiscount(Model):
    """The rupiah one promotion took off one order line (product set), or off the order's delivery fee (product null),
    and who funds it."""

    id = fields.IntField(primary_key=True)
    use = fields.ForeignKeyField("models.PromotionUse", related_name="discounts", db_index=True)
    order = fields.ForeignKeyField("models.Order", related_name="discounts", db_index=True)
    product = fields.ForeignKeyField("models.Product", related_name="order_discounts", null=True)  # the line's
    amount = fields.BigIntField()
    funder = fields.CharEnumField(Funder, max_length=8)

    class Meta:
        table = "order_discounts"
