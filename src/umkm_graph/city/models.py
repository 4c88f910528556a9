"""City monitoring: sembako reference prices (ceilings) and ASN spend targets."""

from __future__ import annotations

from tortoise import fields

from umkm_graph.catalog.models import PriceUnit
from umkm_graph.core.models import Model


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


class SpendTarget(Model):
    """The monthly spend the city asks of each ASN (or of the ASN of one grade), from a month on, until a later month's
    target for the same grade replaces it."""

    id = fields.IntField(primary_key=True)
    effective_from = fields.DateField()  # the first day of a month
    grade = fields.CharField(max_length=8, default="")  # a roster grade (III/a, IX, ...); "" for every grade
    amount = fields.BigIntField()
    set_by = fields.ForeignKeyField(
        "models.User", related_name="spend_targets_set", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "spend_targets"
        unique_together = (("effective_from", "grade"),)
