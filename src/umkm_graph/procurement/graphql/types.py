"""The GraphQL shapes of office procurement: a procurement with its BAST signatures and papers, its audit entries, a
procurement officer's appointment, an OPD's budget, and the city's spending figure."""

from __future__ import annotations

import datetime as dt

import strawberry

from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.procurement.models import (
    AuditEntry,
    Procurement,
    ProcurementBudget,
    ProcurementOfficer,
    ProcurementStatus,
)
from umkm_graph.procurement.papers import PaperCheck
from umkm_graph.procurement.spending import OpdSpending, ProcurementSpending

ProcurementStatusEnum = strawberry.enum(ProcurementStatus, name="ProcurementStatus", description=(
    "ORDERED: the purchase order is issued, the BAST not yet signed by both sides; HANDED_OVER: the seller and a "
    "receiving officer of the OPD signed the BAST."))



@strawberry.type(name="ProcurementPapers", description=(
    "The procurement's PDFs (Bahasa Indonesia, with a verification QR code), with the bearer token as for /graphql; "
    "null until the paper can be had."))
class ProcurementPapersType:
    purchase_order_url: str
    bast_url: str | None = strawberry.field(description="Once the seller and a receiving officer signed the BAST.")
    kuitansi_url: str | None = strawberry.field(description=(
        "Once the BAST is signed and the order paid; its first download issues it (an audit step)."))


@strawberry.type(name="Procurement", description="An office's purchase from an UMKM (belanja OPD).")
class ProcurementType:
    id: strawberry.ID
    number: str = strawberry.field(description="PBJ-<the order's reference>; the papers' number.")
    order_id: strawberry.ID
    order_reference: str
    opd_code: str
    opd_name: str
    shop_name: str
    total: Rupiah
    officer_name: str = strawberry.field(description="The procurement officer who bought.")
    budget_account: str = strawberry.field(description="The kode rekening belanja it is charged to.")
    purpose: str
    status: ProcurementStatusEnum  # type: ignore[valid-type]
    seller_signed_at: dt.datetime | None
    receiver_name: str = strawberry.field(description="The receiving officer, who signs the BAST for the office.")
    receiver_signed_at: dt.datetime | None
    handed_over_at: dt.datetime | None
    kuitansi_issued_at: dt.datetime | None
    created_at: dt.datetime
    papers: ProcurementPapersType

    @classmethod
    def from_model(cls, procurement: Procurement, paid: bool) -> ProcurementType:
        order, receiver = procurement.order, procurement.receiver
        handed_over = procurement.status == ProcurementStatus.HANDED_OVER
        base = f"/procurements/{procurement.id}"
        return cls(
            id=strawberry.ID(str(procurement.id)), number=procurement.number, order_id=strawberry.ID(str(order.id)),
            order_reference=order.reference, opd_code=procurement.opd.code, opd_name=procurement.opd.short_name,
            shop_name=order.shop.name, total=Rupiah(order.total), officer_name=procurement.officer.name,
            budget_account=procurement.budget_account, purpose=procurement.purpose, status=procurement.status,
            seller_signed_at=procurement.seller_signed_at, receiver_name=receiver.name,
            receiver_signed_at=procurement.receiver_signed_at, handed_over_at=procurement.handed_over_at,
            kuitansi_issued_at=procurement.kuitansi_issued_at, created_at=procurement.created_at,
            papers=ProcurementPapersType(purchase_order_url=f"{base}/surat-pesanan.pdf",
                                         bast_url=f"{base}/bast.pdf" if handed_over else None,
                                         kuitansi_url=f"{base}/kuitansi.pdf" if handed_over and paid else None))


@strawberry.type(name="ProcurementAuditEntry", description=(
    "One step of a procurement, as the hash-chained audit trail holds it (`umkm-graph procurement verify-audit` "
    "checks the chain)."))
class AuditEntryType:
    action: str = strawberry.field(description=(
        "PURCHASE_ORDER_ISSUED, BAST_SIGNED_BY_SELLER, BAST_SIGNED_BY_RECEIVER or KUITANSI_ISSUED."))
    actor_name: str
    at: dt.datetime
    detail: str = strawberry.field(description="What the step recorded, as JSON.")
    hash: str = strawberry.field(description="SHA-256 over the entry and the hash of the entry before it.")

    @classmethod
    def from_model(cls, entry: AuditEntry) -> AuditEntryType:
        return cls(action=entry.action, actor_name=entry.actor_name, at=entry.at, detail=entry.detail, hash=entry.hash)


@strawberry.type(name="ProcurementOfficer", description="An ASN appointed to buy for their OPD.")
class ProcurementOfficerType:
    name: str
    nip: str
    opd_code: str
    active: bool
    appointed_at: dt.datetime
    revoked_at: dt.datetime | None

    @classmethod
    def from_model(cls, officer: ProcurementOfficer) -> ProcurementOfficerType:
        return cls(name=officer.user.name, nip=officer.user.nip or "", opd_code=officer.opd.code,
                   active=officer.active, appointed_at=officer.appointed_at, revoked_at=officer.revoked_at)


@strawberry.type(name="ProcurementBudget", description="An OPD's goods and services budget for a year.")
class ProcurementBudgetType:
    opd_code: str
    year: int
    amount: Rupiah
    target: Rupiah = strawberry.field(description="40% of it (rounded up): what is to go to micro and small businesses.")

    @classmethod
    def from_model(cls, budget: ProcurementBudget, target: int) -> ProcurementBudgetType:
        return cls(opd_code=budget.opd.code, year=budget.year, amount=Rupiah(budget.amount), target=Rupiah(target))


@strawberry.type(name="OpdProcurementSpending", description=(
    "One OPD's (or the city's) office procurement from UMKM; a value bought from fewer shops than minGroupSize is "
    "withheld (null)."))
class OpdSpendingType:
    opd_code: str = strawberry.field(description="Empty for the city's row.")
    opd_name: str
    budget: Rupiah | None = strawberry.field(description="The year's goods and services budget; null when not set.")
    target: Rupiah | None = strawberry.field(description="40% of the budget.")
    spent: Rupiah | None = strawberry.field(description="Handed over (BAST signed by both sides) in the month.")
    spent_year_to_date: Rupiah | None = strawberry.field(description="Handed over from January to the month's end.")
    shops: int = strawberry.field(description="The shops the month's value was bought from (0 when withheld).")
    target_share: float | None = strawberry.field(description="The year so far as a share of the target; 1: met.")

    @classmethod
    def from_row(cls, row: OpdSpending) -> OpdSpendingType:
        def money(value: int | None) -> Rupiah | None:
            return None if value is None else Rupiah(value)

        return cls(opd_code=row.opd_code, opd_name=row.opd_name, budget=money(row.budget), target=money(row.target),
                   spent=money(row.spent), spent_year_to_date=money(row.spent_year_to_date), shops=row.shops,
                   target_share=row.target_share)


@strawberry.type(name="ProcurementSpending", description=(
    "Office procurement from UMKM per OPD for a month, against Perpres 12/2021's 40% of goods and services spending."))
class ProcurementSpendingType:
    month: str
    min_group_size: int
    target_share: float = strawberry.field(description="0.4: the share of the budget to go to UMKM.")
    city: OpdSpendingType
    opds: list[OpdSpendingType]

    @classmethod
    def from_figure(cls, figure: ProcurementSpending) -> ProcurementSpendingType:
        return cls(month=figure.month, min_group_size=figure.min_group_size, target_share=figure.target_share,
                   city=OpdSpendingType.from_row(figure.city), opds=[OpdSpendingType.from_row(r) for r in figure.opds])


@strawberry.type(name="ProcurementPaperCheck", description=(
    "Whether a procurement paper's QR token is genuine, and what the paper says (no one's name)."))
class PaperCheckType:
    genuine: bool
    paper: str | None = strawberry.field(description="PURCHASE_ORDER, BAST or KUITANSI.")
    number: str | None
    opd_name: str | None
    shop_name: str | None
    total: Rupiah | None
    handed_over_at: dt.datetime | None

    @classmethod
    def from_check(cls, found: PaperCheck) -> PaperCheckType:
        return cls(genuine=found.genuine, paper=found.paper.name if found.paper else None, number=found.number,
                   opd_name=found.opd_name, shop_name=found.shop_name,
                   total=None if found.total is None else Rupiah(found.total), handed_over_at=found.handed_over_at)
