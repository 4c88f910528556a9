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
    opd = fields.CharField(max_length=120, null=True, db_index=True)  # the OPD's short name, as figures show it
    opd_unit = fields.ForeignKeyField("models.Opd", related_name="members", null=True, on_delete=fields.SET_NULL)
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
    opd_unit = fields.ForeignKeyField("models.Opd", related_name="memberships", null=True, on_delete=fields.SET_NULL)
    since = fields.DatetimeField(db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "opd_memberships"


class Opd(Model):
    """A city department (organisasi perangkat daerah) on the list the city keeps: ASN register into one of them, and
    figures name them by short name."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)  # upper case, e.g. DISKOMINFO; the roster names OPDs by it
    name = fields.CharField(max_length=160)
    short_name = fields.CharField(max_length=60, unique=True)  # e.g. Diskominfo; the name itself when it has none
    parent = fields.ForeignKeyField("models.Opd", related_name="children", null=True, on_delete=fields.SET_NULL)
    address = fields.CharField(max_length=255, default="")
    kecamatan = fields.CharField(max_length=32, default="")  # canonical names from core/regions.py
    kelurahan = fields.CharField(max_length=32, default="")
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "opds"


class OpdChange(Model):
    """One field of an OPD changed by a city officer (or set when the OPD was created): who, what, when."""

    id = fields.IntField(primary_key=True)
    opd = fields.ForeignKeyField("models.Opd", related_name="changes", on_delete=fields.CASCADE)
    changed_by = fields.ForeignKeyField("models.User", related_name="opd_changes", null=True,
                                        on_delete=fields.SET_NULL)
    field = fields.CharField(max_length=32)
    before = fields.CharField(max_length=255, null=True)
    after = fields.CharField(max_length=255, null=True)
    changed_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "opd_changes"


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


class RosterImportStatus(str, enum.Enum):
    RUNNING = "RUNNING"
    DONE = "DONE"
    FAILED = "FAILED"


class RosterImport(Model):
    """One import of the BKPSDM roster for a month, with its progress: while RUNNING its rows are written in chunks and
    counted here; once DONE it is the month's roster, replacing any earlier import of the same month."""

    id = fields.IntField(primary_key=True)
    month = fields.DateField(db_index=True)  # the first day of the month the roster stands for
    imported_by = fields.ForeignKeyField("models.User", related_name="roster_imports", null=True,
                                         on_delete=fields.SET_NULL)
    status = fields.CharEnumField(RosterImportStatus, max_length=8, default=RosterImportStatus.RUNNING)
    digest = fields.CharField(max_length=64)  # SHA-256 of the file: the same file again is the same roster
    total_rows = fields.IntField(default=0)
    processed_rows = fields.IntField(default=0)
    accepted_rows = fields.IntField(default=0)
    rejected_rows = fields.IntField(default=0)
    matched_accounts = fields.IntField(default=0)  # registered NIPs the roster lists: VERIFIED
    moved_accounts = fields.IntField(default=0)  # accounts whose OPD the roster changed
    started_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "roster_imports"


class RosterRejection(Model):
    """A row of a roster file that was not taken, and why."""

    id = fields.IntField(primary_key=True)
    roster_import = fields.ForeignKeyField("models.RosterImport", related_name="rejections", on_delete=fields.CASCADE)
    row = fields.IntField()  # 1 is the header; the first ASN is row 2, as a spreadsheet numbers them
    field = fields.CharField(max_length=16)
    reason = fields.CharField(max_length=255)

    class Meta:
        table = "roster_rejections"


class RosterEntry(Model):
    """One ASN on an import's roster: NIP, name, OPD and grade (golongan)."""

    id = fields.IntField(primary_key=True)
    roster_import = fields.ForeignKeyField("models.RosterImport", related_name="entries", on_delete=fields.CASCADE)
    nip = fields.CharField(max_length=18, db_index=True)
    name = fields.CharField(max_length=120)
    opd = fields.ForeignKeyField("models.Opd", related_name="roster_entries", on_delete=fields.RESTRICT)
    grade = fields.CharField(max_length=8)

    class Meta:
        table = "roster_entries"
        unique_together = (("roster_import", "nip"),)
