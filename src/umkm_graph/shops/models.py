"""A UMKM shop: who owns it, where it is, the city's verification, and its delivery fees and rating; and the changes to
its verified identity that wait for the city."""

from __future__ import annotations

import enum

from tortoise import fields

from umkm_graph.core.models import Model


class ShopStatus(str, enum.Enum):
    PENDING = "PENDING"
    VERIFIED = "VERIFIED"
    REJECTED = "REJECTED"
    SUSPENDED = "SUSPENDED"


class Shop(Model):
    id = fields.IntField(primary_key=True)
    owner = fields.ForeignKeyField("models.User", related_name="shops", db_index=True)
    name = fields.CharField(max_length=120)
    slug = fields.CharField(max_length=140, unique=True)
    description = fields.TextField(default="")
    kecamatan = fields.CharField(max_length=32, db_index=True)
    kelurahan = fields.CharField(max_length=32)
    address = fields.CharField(max_length=255)
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    phone = fields.CharField(max_length=20)
    nib = fields.CharField(max_length=13)  # one seller's (see shops.identity), but not unique: old databases may
    npwp = fields.CharField(max_length=16, null=True)  # hold duplicates
    status = fields.CharEnumField(ShopStatus, max_length=16, default=ShopStatus.PENDING, db_index=True)
    status_reason = fields.CharField(max_length=500, null=True)
    offers_pickup = fields.BooleanField(default=True)
    # Flat fee in rupiah for the shop's own delivery, per destination kecamatan; absent means no delivery there.
    delivery_fees: dict[str, int] = fields.JSONField(default=dict)  # type: ignore[assignment]
    rating_sum = fields.IntField(default=0)
    review_count = fields.IntField(default=0)
    rating = fields.FloatField(default=0.0)
    follower_count = fields.IntField(default=0, db_default=0)  # kept with each follow and unfollow (shops/following.py)
    # The annual sales in rupiah the seller last declared (growth/naik_kelas.py; its history: sales_declarations).
    declared_annual_sales = fields.BigIntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "shops"
        indexes = (("nib",), ("npwp",))  # for the check that a number is one seller's


class IdentityChangeStatus(str, enum.Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class ShopIdentityChange(Model):
    """A change to a verified shop's identity, waiting for the city.

    It holds the whole proposed identity (name, NIB, NPWP, kecamatan, kelurahan), applied to the shop only when a city
    officer approves it. At most one is PENDING per shop."""

    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField("models.Shop", related_name="identity_changes", db_index=True)
    name = fields.CharField(max_length=120)
    nib = fields.CharField(max_length=13, db_index=True)
    npwp = fields.CharField(max_length=16, null=True)
    kecamatan = fields.CharField(max_length=32)
    kelurahan = fields.CharField(max_length=32)
    status = fields.CharEnumField(IdentityChangeStatus, max_length=16, default=IdentityChangeStatus.PENDING,
                                  db_index=True)
    reason = fields.CharField(max_length=500, null=True)
    requested_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)
    decided_by = fields.ForeignKeyField("models.User", related_name="decided_identity_changes", null=True,
                                        on_delete=fields.SET_NULL)

    class Meta:
        table = "shop_identity_changes"


class CertificateKind(str, enum.Enum):
    HALAL = "HALAL"  # sertifikat halal, BPJPH (Law 33/2014)
    PIRT = "PIRT"  # SPP-IRT, the home-industry food production permit
    BPOM = "BPOM"  # BPOM registration of processed food (MD domestic, ML imported)
    NIB = "NIB"  # the shop's NIB from OSS, checked by an officer


class CertificateStatus(str, enum.Enum):
    PENDING = "PENDING"
    VERIFIED = "VERIFIED"
    REJECTED = "REJECTED"


class ShopCertificate(Model):
    """A certificate or permit a seller recorded for a shop, waiting for, or decided by, a city officer.

    Its badge shows while it is VERIFIED and valid_until (when it has one) has not passed."""

    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField("models.Shop", related_name="certificates", db_index=True)
    kind = fields.CharEnumField(CertificateKind, max_length=8)
    number = fields.CharField(max_length=60)
    number_format_known = fields.BooleanField(default=False)  # it has the issuer's published form (certificates.py)
    issuer = fields.CharField(max_length=120)
    issued_on = fields.DateField()
    valid_until = fields.DateField(null=True)  # null: valid with no end date (a halal certificate since Law 6/2023)
    status = fields.CharEnumField(CertificateStatus, max_length=16, default=CertificateStatus.PENDING, db_index=True)
    reason = fields.CharField(max_length=500, null=True)
    recorded_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)
    decided_by = fields.ForeignKeyField("models.User", related_name="decided_certificates", null=True,
                                        on_delete=fields.SET_NULL)
    reminded_at = fields.DatetimeField(null=True)  # when the seller was reminded of its expiry (growth/reminders.py)

    class Meta:
        table = "shop_certificates"
        indexes = (("kind", "status"),)


class ShopFollow(Model):
    """A person following a shop (langganan): they hear of its new and restocked sembako, at most once per follower
    and shop within a setting's hours (last_notified_at)."""

    id = fields.IntField(primary_key=True)
    user = fields.ForeignKeyField("models.User", related_name="followed_shops", on_delete=fields.CASCADE, db_index=True)
    shop = fields.ForeignKeyField("models.Shop", related_name="followers", on_delete=fields.CASCADE, db_index=True)
    last_notified_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "shop_follows"
        unique_together = (("user", "shop"),)
