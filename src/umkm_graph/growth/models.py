"""What the growth jobs computed: each run of the trending computation and the products it found trending."""

from __future__ import annotations

from tortoise import fields

from umkm_graph.core.models import Model


class TrendingRun(Model):
    """One refresh of what is trending, read whole by everyone once written.

    Readers read the latest run. Two processes refreshing at once each write a whole run of their own, so nobody reads
    half of one."""

    id = fields.IntField(primary_key=True)
    computed_at = fields.DatetimeField(db_index=True)
    window_days = fields.IntField()
    min_buyers = fields.IntField()

    class Meta:
        table = "trending_runs"


class TrendingProduct(Model):
    """A product trending in a run: among all buyers (opd null), or among the ASN of one OPD."""

    id = fields.IntField(primary_key=True)
    run = fields.ForeignKeyField("models.TrendingRun", related_name="products", db_index=True)
    product = fields.ForeignKeyField("models.Product", related_name="trending", db_index=True)
    kecamatan = fields.CharField(max_length=32)  # the shop's, when the run was computed
    category = fields.CharField(max_length=64)  # the product's top-level category slug
    opd = fields.CharField(max_length=120, null=True)
    buyers = fields.IntField()  # distinct buyers in the recent window
    score = fields.FloatField()  # recent buyers, decayed by age, against the product's usual level

    class Meta:
        table = "trending_products"
        indexes = (("run_id", "opd", "score"),)
