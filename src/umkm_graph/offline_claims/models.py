"""Offline purchase claims: an ASN's purchase at a local shop not on the app, with its photo, for a city officer to
approve or reject, and the invitation the unregistered shop gets to join."""

from __future__ import annotations

import enum

from tortoise import fields

from umkm_graph.core.models import Model


class ClaimStatus(str, enum.Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class ShopInvitation(Model):
    """An unregistered shop's invitation, made when a claim of a purchase there is approved (one per name and kelurahan)."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=16, unique=True)
    shop_name = fields.CharField(max_length=120)
    name_key = fields.CharField(max_length=120)  # the name folded, so "Warung Bu Tin" and "warung bu  tin" are one
    kecamatan = fields.CharField(max_length=32)
    kelurahan = fields.CharField(max_length=32)
    shop = fields.ForeignKeyField("models.Shop", related_name="claim_invitations", null=True,
                                  on_delete=fields.SET_NULL)
    joined_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "shop_invitations"
        unique_together = (("kelurahan", "name_key"),)


class OfflineClaim(Model):
    """One purchase an ASN made at a shop not on the app, as they recorded it."""

    id = fields.IntField(primary_key=True)
    asn = fields.ForeignKeyField("models.User", related_name="offline_claims", db_index=True)
    opd_unit = fields.ForeignKeyField("models.Opd", related_name="offline_claims", null=True,
                                      on_delete=fields.SET_NULL)  # the ASN's OPD when they claimed
    photo = fields.OneToOneField("models.Upload", related_name="offline_claim")
    photo_hash = fields.CharField(max_length=16, db_index=True)  # the photo's dHash, 64 bits in hex
    amount = fields.BigIntField()
    purchased_on = fields.DateField(db_index=True)
    shop_name = fields.CharField(max_length=120)
    kecamatan = fields.CharField(max_length=32)
    kelurahan = fields.CharField(max_length=32)
    status = fields.CharEnumField(ClaimStatus, max_length=8, default=ClaimStatus.PENDING, db_index=True)
    decided_by = fields.ForeignKeyField("models.User", related_name="offline_claims_decided", null=True,
                                        on_delete=fields.SET_NULL)
    decided_at = fields.DatetimeField(null=True)
    reason = fields.CharField(max_length=500, null=True)
    invitation = fields.ForeignKeyField("models.ShopInvitation", related_name="claims", null=True,
                                        on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "offline_claims"
