"""City monitoring: sembako reference prices (ceilings), the history of every listing's price, and ASN spend targets."""

from __future__ import annotations

import enum

from tortoise import fields
from umkm_graph.models.base import Model


class PriceUnit(str, enum.Enum):
    """What a normalised price is per, so packs of different sizes compare."""

    KG = "KG"
    LITRE = "LITRE"


class ReferencePrice(Model):
    """A ceiling the city sets for one commodity and unit, from a date on (HET, harga eceran tertinggi)."""

    id = fields.IntField(primary_key=True)
    commodity = fields.CharField(max_length=64, db_index=True)  # a sembako category slug: beras, minyak-goreng, ...
    unit = fields.CharEnumField(PriceUnit, max_length=8)
    # A word in a listing's name that selects this ceiling (premium, MinyaKita); "" is the commodity's general ceiling.
    variant = fields.CharField(max_length=40, default="")
    price = fields.BigIntField()  # rupiah per kg or per litre
    effective_from = fields.DateField()
    note = fields.CharField(max_length=200, default="")
    set_by = fields.ForeignKeyField(
        "models.User", related_name="reference_prices_set", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "reference_prices"
        unique_together = (("commodity", "unit", "variant", "effective_from"),)


class PriceChange(Model):
    """One price a listing had from a moment on: written with the product, and again whenever its price changes."""

    id = fields.IntField(primary_key=True)
    product = fields.ForeignKeyField("models.Product", related_name="price_changes", db_index=True)
    price = fields.BigIntField()  # of one pack
    unit_price = fields.BigIntField(null=True)  # per kg or litre, rounded half up; null when the unit allows none
    per = fields.CharEnumField(PriceUnit, max_length=8, null=True)
    changed_by = fields.ForeignKeyField(
        "models.User", related_name="price_changes_made", null=True, on_delete=fields.SET_NULL
    )
    changed_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "price_changes"


class SpendTarget(Model):
    """The monthly spend the city asks of each ASN, from a month on, until a later month's target replaces it."""

    id = fields.IntField(primary_key=True)
    effective_from = fields.DateField(unique=True)  # the first day of a month
    amount = fields.BigIntField()
    set_by = fields.ForeignKeyField(
        "models.User", related_name="spend_targets_set", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "spend_targets"
