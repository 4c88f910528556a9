"""Office procurement through GraphQL: appointing procurement officers, buying for the office, signing the BAST, the
audit trail, the OPD budgets and the city's spending figure, and checking a paper's QR token."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.graphql_common.pagination import Connection, asked_window, connection
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.procurement import officers, papers, service, spending
from umkm_graph.procurement.graphql.types import (
    AuditEntryType,
    PaperCheckType,
    ProcurementBudgetType,
    ProcurementOfficerType,
    ProcurementSpendingType,
    ProcurementType,
)
from umkm_graph.procurement.models import Procurement


async def _shaped(procurement: Procurement) -> ProcurementType:
    return ProcurementType.from_model(procurement, procurement.order_id in await service.paid_orders([procurement]))  # type: ignore[attr-defined]


@strawberry.type
class ProcurementQuery:
    @strawberry.field(description=(
        "A procurement: for its procurement officers, its receiving officer, its shop's seller and city officers."))
    async def procurement(self, info: Info[Context, None], id: strawberry.ID) -> ProcurementType:
        return await _shaped(await service.procurement_of(await info.context.user(), parse_id(id, "id")))

    @strawberry.field(description=(
        "Procurements, newest first: a procurement officer's OPD's, a seller's shops', or every one for city officers."))
    async def procurements(self, info: Info[Context, None], first: int | None = None,
                           after: str | None = None) -> Connection[ProcurementType]:
        page = await service.procurements(await info.context.user(), asked_window(info, first, after))
        paid = await service.paid_orders(page.rows)
        return connection(page, lambda p: ProcurementType.from_model(p, p.order_id in paid))

    @strawberry.field(description="A procurement's steps as the hash-chained audit trail records them, oldest first.")
    async def procurement_audit(self, info: Info[Context, None], id: strawberry.ID) -> list[AuditEntryType]:
        entries = await service.audit_trail(await info.context.user(), parse_id(id, "id"))
        return [AuditEntryType.from_model(entry) for entry in entries]

    @strawberry.field(description=(
        "Office procurement from UMKM per OPD for a month (YYYY-MM, WIB) against the 40% target; for city officers "
        "and analysts."))
    async def procurement_spending(self, info: Info[Context, None], month: str) -> ProcurementSpendingType:
        figure = await spending.procurement_spending(await info.context.user(), month,
                                                     info.context.settings.min_group_size)
        return ProcurementSpendingType.from_figure(figure)

    @strawberry.field(description="Whether a procurement paper's QR token is genuine; for anyone.")
    async def verify_procurement_paper(self, info: Info[Context, None], token: str) -> PaperCheckType:
        return PaperCheckType.from_check(await papers.verify(token[:papers.MAX_TOKEN], info.context.settings))


@strawberry.input
class CreateProcurementInput:
    order_id: strawberry.ID = strawberry.field(description="An order the procurement officer placed.")
    budget_account: str = strawberry.field(description="The kode rekening belanja, e.g. 5.1.02.01.01.0024.")
    purpose: str = strawberry.field(description="What the office buys it for (keperluan), 5 to 300 characters.")
    receiver_nip: str = strawberry.field(description=(
        "The NIP of the receiving officer: another ASN of the office, who signs the BAST for it."))


@strawberry.type
class ProcurementPayload:
    procurement: ProcurementType | None = None
    errors: list[UserError]


@strawberry.type
class ProcurementOfficerPayload:
    officer: ProcurementOfficerType | None = None
    errors: list[UserError]


@strawberry.type
class ProcurementBudgetPayload:
    budget: ProcurementBudgetType | None = None
    errors: list[UserError]


@strawberry.type
class ProcurementMutation:
    @strawberry.mutation(description=(
        "A city officer appoints the ASN with this NIP as the procurement officer of the OPD they are registered in."))
    async def appoint_procurement_officer(self, info: Info[Context, None], nip: str) -> ProcurementOfficerPayload:
        return await mutate(info, ProcurementOfficerPayload, lambda user: officers.appoint(user, nip),
                            lambda found: {"officer": ProcurementOfficerType.from_model(found)})

    @strawberry.mutation(description="A city officer ends an ASN's appointment as procurement officer.")
    async def revoke_procurement_officer(self, info: Info[Context, None], nip: str) -> ProcurementOfficerPayload:
        return await mutate(info, ProcurementOfficerPayload, lambda user: officers.revoke(user, nip),
                            lambda found: {"officer": ProcurementOfficerType.from_model(found)})

    @strawberry.mutation(description=(
        "A procurement officer makes an order of theirs the office's procurement: the purchase order is issued."))
    async def create_procurement(self, info: Info[Context, None], input: CreateProcurementInput) -> ProcurementPayload:
        async def action(user: object) -> ProcurementType:
            created = await service.create_procurement(user, parse_id(input.order_id, "input.orderId"),  # type: ignore[arg-type]
                                                       input.budget_account, input.purpose, input.receiver_nip)
            return await _shaped(await service.procurement_of(user, created.id))  # type: ignore[arg-type]

        return await mutate(info, ProcurementPayload, action, lambda shaped: {"procurement": shaped})

    @strawberry.mutation(description=(
        "The BAST signed, as a recorded action, by the shop's seller or by the receiving officer, once the order is "
        "delivered; each side once."))
    async def sign_procurement_handover(self, info: Info[Context, None], id: strawberry.ID) -> ProcurementPayload:
        async def action(user: object) -> ProcurementType:
            return await _shaped(await service.sign_handover(user, parse_id(id, "id")))  # type: ignore[arg-type]

        return await mutate(info, ProcurementPayload, action, lambda shaped: {"procurement": shaped})

    @strawberry.mutation(description="A city officer sets an OPD's goods and services budget for a year.")
    async def set_procurement_budget(self, info: Info[Context, None], opd_code: str, year: int,
                                     amount: Rupiah) -> ProcurementBudgetPayload:
        return await mutate(
            info, ProcurementBudgetPayload, lambda user: spending.set_budget(user, opd_code, year, amount),
            lambda budget: {"budget": ProcurementBudgetType.from_model(budget, spending.target_of(budget.amount))})
