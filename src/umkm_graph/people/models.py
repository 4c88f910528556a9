"""People: buyers (residents and ASN), sellers, city officers and analysts."""

from __future__ import annotations

import enum

from tortoise import fields

from umkm_graph.core.models import Model


class Role(str, enum.Enum):
    BUYER = "BUYER"
    SELLER = "SELLER"
    CITY_OFFICER = "CITY_OFFICER"
    ANALYST = "ANALYST"


class Language(str, enum.Enum):
    """The language a person reads the app's texts in: Bahasa Indonesia by default, or English."""

    ID = "id"
    EN = "en"


class User(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    password_hash = fields.CharField(max_length=255)
    name = fields.CharField(max_length=120)
    phone = fields.CharField(max_length=20, null=True)
    role = fields.CharEnumField(Role, max_length=16, default=Role.BUYER)  # the role the account was made with
    # Roles held besides it: a seller who also buys (and may register as ASN), a buyer who opened a shop. Only the
    # self-service roles combine (people/accounts.add_role); city accounts hold their one role. Null: none.
    extra_roles: list[str] | None = fields.JSONField(null=True)  # type: ignore[assignment]
    nip = fields.CharField(max_length=18, unique=True, null=True)
    opd = fields.CharField(max_length=120, null=True, db_index=True)
    # When the NIP was first registered: the city counts someone as ASN only in months that ended after it.
    asn_since = fields.DatetimeField(null=True)
    language = fields.CharEnumField(Language, max_length=2, null=True)  # null: not chosen, Bahasa Indonesia
    # Bearer tokens carry the version they were issued under: raising it (a password reset) signs out every session.
    session_version = fields.IntField(default=0, db_default=0)  # db_default: existing rows get it too
    # A city officer deactivated this staff account: it signs in no more, and its tokens stopped working at once.
    deactivated_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "users"

    @property
    def is_asn(self) -> bool:
        return self.nip is not None

    @property
    def roles(self) -> list[Role]:
        """Every role the person holds, the one the account was made with first."""
        return [self.role, *(Role(r) for r in self.extra_roles or () if r != self.role.value)]

    def has_role(self, *roles: Role) -> bool:
        return any(role in roles for role in self.roles)


class OpdMembership(Model):
    """An ASN's OPD from a moment on, until their next row: the city counts a person in a month under the OPD in force
    when the month ended, so a later move leaves closed months as they were."""

    id = fields.IntField(primary_key=True)
    user = fields.ForeignKeyField("models.User", related_name="opd_memberships", on_delete=fields.CASCADE)
    opd = fields.CharField(max_length=120)
    since = fields.DatetimeField(db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "opd_memberships"


class SavedAddress(Model):
    """One saved address of an address book: checkout takes its id instead of a typed address."""

    id = fields.IntField(primary_key=True)
    user = fields.ForeignKeyField("models.User", related_name="addresses", db_index=True)
    label = fields.CharField(max_length=40)  # e.g. "Rumah", "Kantor"
    recipient = fields.CharField(max_length=120)
    phone = fields.CharField(max_length=20)
    kecamatan = fields.CharField(max_length=32)  # canonical names from core/regions.py
    kelurahan = fields.CharField(max_length=32)
    street = fields.CharField(max_length=255)
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    notes = fields.CharField(max_length=255, default="")
    is_default = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "saved_addresses"

