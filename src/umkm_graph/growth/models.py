"""What the growth jobs computed (each run of the trending computation and the products it found trending), and how demand
spreads: share links, their visits and the orders attributed to them; referral codes and who registered with one; and
naik kelas: the annual sales sellers declared, and the mentoring the city gave."""

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


class ShareLink(Model):
    """A share link for a product or a shop, made by the sharer.

    The token of the link carries only share_id (random) and its signature: who shared is known here, never from the
    token."""

    id = fields.IntField(primary_key=True)
    share_id = fields.CharField(max_length=32, unique=True)
    sharer = fields.ForeignKeyField("models.User", related_name="share_links", db_index=True)
    shop = fields.ForeignKeyField("models.Shop", related_name="share_links", db_index=True)  # the product's, for one
    product = fields.ForeignKeyField("models.Product", related_name="share_links", null=True, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "share_links"


class ShareVisit(Model):
    """An opening of a share link, counted once per client address and link a day.

    The address is kept only as a keyed hash (growth/sharing.py), so the table holds nothing that names a person."""

    id = fields.IntField(primary_key=True)
    link = fields.ForeignKeyField("models.ShareLink", related_name="visits", db_index=True)
    visitor = fields.CharField(max_length=32)
    visited_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "share_visits"
        indexes = (("link_id", "visitor", "visited_at"),)


class ShareAttribution(Model):
    """An order attributed to a share link, at most one per order.

    Placed by someone other than the sharer, within the attribution window after a visit of the link, at the shop of
    the link (with the product of the link, for a product link)."""

    id = fields.IntField(primary_key=True)
    link = fields.ForeignKeyField("models.ShareLink", related_name="attributions", db_index=True)
    order = fields.OneToOneField("models.Order", related_name="share_attribution")
    attributed_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "share_attributions"


class ReferralCode(Model):
    """The code a person invites others with, one per person, made when they first ask for it."""

    id = fields.IntField(primary_key=True)
    user = fields.OneToOneField("models.User", related_name="referral_code")
    code = fields.CharField(max_length=16, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "referral_codes"


class Referral(Model):
    """An account that registered with the referral code of another person, written with the account."""

    id = fields.IntField(primary_key=True)
    referrer = fields.ForeignKeyField("models.User", related_name="referrals_made", db_index=True)
    referred = fields.OneToOneField("models.User", related_name="referred_by")
    created_at = fields.DatetimeField(auto_now_add=True)
    reward_settled_at = fields.DatetimeField(null=True)  # its reward was granted, or found not due, once (rewards.py)

    class Meta:
        table = "referrals"


class SalesDeclaration(Model):
    """The annual sales a seller declared for a shop, from a moment on: the history behind Shop.declared_annual_sales,
    so that the class of a shop at any past moment can be told (naik kelas)."""

    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField("models.Shop", related_name="sales_declarations", db_index=True)
    annual_sales = fields.BigIntField()
    declared_at = fields.DatetimeField(db_index=True)
    declared_by = fields.ForeignKeyField("models.User", related_name="sales_declarations", null=True,
                                         on_delete=fields.SET_NULL)

    class Meta:
        table = "sales_declarations"


class Mentoring(Model):
    """Mentoring (pendampingan) the city recorded for a shop: who mentored, on which day, and what about."""

    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField("models.Shop", related_name="mentorings", db_index=True)
    mentor = fields.CharField(max_length=120)
    mentored_on = fields.DateField(db_index=True)
    topic = fields.CharField(max_length=1000)
    recorded_by = fields.ForeignKeyField("models.User", related_name="mentorings_recorded", null=True,
                                         on_delete=fields.SET_NULL)
    recorded_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mentorings"
