"""Office procurement: the officers an OPD buys through, its purchases, its yearly goods and services budget, and the
audit trail of every step."""

from __future__ import annotations

import enum

from tortoise import fields

from umkm_graph.core.models import Model


class ProcurementOfficer(Model):
    """An ASN a city officer appointed to buy for their OPD (pejabat pengadaan). While active, orders they place may
    become the office's procurements."""

    id = fields.IntField(primary_key=True)
    user = fields.OneToOneField("models.User", related_name="procurement_appointment", on_delete=fields.CASCADE)
    opd = fields.ForeignKeyField("models.Opd", related_name="procurement_officers", on_delete=fields.CASCADE)
    appointed_by = fields.ForeignKeyField("models.User", related_name="procurement_appointments_made", null=True,
                                          on_delete=fields.SET_NULL)
    active = fields.BooleanField(default=True)
    appointed_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "procurement_officers"


class ProcurementStatus(str, enum.Enum):
    ORDERED = "ORDERED"  # the purchase order is issued, the BAST not yet signed by both sides
    HANDED_OVER = "HANDED_OVER"  # the seller and a receiving officer signed the BAST


class Procurement(Model):
    """An office's purchase from an UMKM: an order its procurement officer placed on the marketplace, the budget
    account (kode rekening) it is charged to and its purpose, and the BAST signatures."""

    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=32, unique=True)  # PBJ-<the order's reference>
    order = fields.OneToOneField("models.Order", related_name="procurement", on_delete=fields.RESTRICT)
    opd = fields.ForeignKeyField("models.Opd", related_name="procurements", on_delete=fields.RESTRICT)
    officer = fields.ForeignKeyField("models.User", related_name="procurements", on_delete=fields.RESTRICT)
    # The receiving officer the buyer named: another ASN of the OPD, who signs the BAST for the office.
    receiver = fields.ForeignKeyField("models.User", related_name="procurements_to_receive", on_delete=fields.RESTRICT)
    budget_account = fields.CharField(max_length=20)
    purpose = fields.CharField(max_length=300)
    status = fields.CharEnumField(ProcurementStatus, max_length=12, default=ProcurementStatus.ORDERED)
    seller_signed_by = fields.ForeignKeyField("models.User", related_name="bast_seller_signatures", null=True,
                                              on_delete=fields.RESTRICT)
    seller_signed_at = fields.DatetimeField(null=True)
    receiver_signed_at = fields.DatetimeField(null=True)
    handed_over_at = fields.DatetimeField(null=True, db_index=True)  # both signed: the month the spending counts in
    kuitansi_issued_at = fields.DatetimeField(null=True)  # the kuitansi's date: its first issue
    created_at = fields.DatetimeField()

    class Meta:
        table = "procurements"


class ProcurementBudget(Model):
    """An OPD's goods and services budget (belanja barang dan jasa) for a year, as the city sets it. At least 40% of it
    is to go to micro and small businesses and cooperatives."""

    id = fields.IntField(primary_key=True)
    opd = fields.ForeignKeyField("models.Opd", related_name="procurement_budgets", on_delete=fields.CASCADE)
    year = fields.IntField()
    amount = fields.BigIntField()
    set_by = fields.ForeignKeyField("models.User", related_name="procurement_budgets_set", null=True,
                                    on_delete=fields.SET_NULL)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "procurement_budgets"
        unique_together = (("opd", "year"),)


class AuditEntry(Model):
    """One step of an office procurement, never changed once written. Its hash covers its contents and the hash of the
    entry before it, so an edited, removed or inserted entry breaks the chain. Plain ids, not foreign keys, so no
    cascade can ever rewrite it."""

    id = fields.IntField(primary_key=True)
    procurement_id = fields.IntField(db_index=True)
    actor_id = fields.IntField(null=True)
    actor_name = fields.CharField(max_length=120)
    action = fields.CharField(max_length=32)
    detail = fields.TextField()  # canonical JSON: sorted keys, no spaces
    at = fields.DatetimeField()
    previous_hash = fields.CharField(max_length=64, unique=True)  # unique: two writers racing cannot fork the chain
    hash = fields.CharField(max_length=64, unique=True)

    class Meta:
        table = "procurement_audit"
