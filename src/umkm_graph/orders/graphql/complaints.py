"""Complaints: opening one on a delivered order, the seller's answer, escalation to the city and its decision."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.graphql_common.pagination import Connection, connection, window
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.orders import complaints
from umkm_graph.orders.deadlines import Windows
from umkm_graph.orders.models import Complaint, ComplaintReason, ComplaintResolution, ComplaintStatus
from umkm_graph.uploads.graphql.types import PhotoType

ReasonEnum = strawberry.enum(ComplaintReason, name="ComplaintReason")
StatusEnum = strawberry.enum(ComplaintStatus, name="ComplaintStatus")
ResolutionEnum = strawberry.enum(ComplaintResolution, name="ComplaintResolution")


@strawberry.type(name="Complaint", description="A buyer's complaint about lines of an order, and how it was settled.")
class ComplaintType:
    id: strawberry.ID
    order_id: strawberry.ID
    reason: ReasonEnum  # type: ignore[valid-type]
    text: str
    status: StatusEnum  # type: ignore[valid-type]
    resolution: ResolutionEnum | None  # type: ignore[valid-type]
    refund_amount: Rupiah
    requested_amount: Rupiah | None = strawberry.field(description="A REFUND_REQUEST: what the buyer asks back.")
    seller_reason: str | None
    decision: str | None = strawberry.field(description="The city officer's recorded decision; final.")
    created_at: dt.datetime
    answered_at: dt.datetime | None
    escalated_at: dt.datetime | None
    decided_at: dt.datetime | None

    @strawberry.field(description="The buyer's photos of what went wrong, in their order.")
    async def photos(self) -> list[PhotoType]:
        return [PhotoType.from_upload(u) for u in await complaints.photos_of(int(self.id))]

    @strawberry.field(description="The ids of the order lines it is about.")
    async def order_line_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(str(i)) for i in await complaints.line_ids(int(self.id))]

    @classmethod
    def from_model(cls, c: Complaint) -> ComplaintType:
        return cls(id=strawberry.ID(str(c.id)), order_id=strawberry.ID(str(c.order_id)),  # type: ignore[attr-defined]
                   reason=c.reason, text=c.text, status=c.status, resolution=c.resolution,
                   refund_amount=Rupiah(c.refund_amount),
                   requested_amount=None if c.requested_amount is None else Rupiah(c.requested_amount),
                   seller_reason=c.seller_reason, decision=c.decision,
                   created_at=c.created_at, answered_at=c.answered_at, escalated_at=c.escalated_at,
                   decided_at=c.decided_at)


@strawberry.type(name="ComplaintCount", description="How many of a shop's complaints have this status or resolution.")
class ComplaintCountType:
    kind: str = strawberry.field(description="TOTAL, a ComplaintStatus or a ComplaintResolution.")
    count: int


@strawberry.type(name="KecamatanComplaintCounts", description="Complaints about a kecamatan's shops.")
class KecamatanComplaintCountsType:
    kecamatan: str
    counts: list[ComplaintCountType]


@strawberry.type(name="CityComplaintCounts", description="Complaints across the city, by status and resolution.")
class CityComplaintCountsType:
    counts: list[ComplaintCountType]
    by_kecamatan: list[KecamatanComplaintCountsType]


def _counts(counts: dict[str, int]) -> list[ComplaintCountType]:
    return [ComplaintCountType(kind=k, count=v) for k, v in sorted(counts.items())]


@strawberry.input
class OpenComplaintInput:
    order_id: strawberry.ID
    reason: ReasonEnum  # type: ignore[valid-type]
    text: str
    order_line_ids: list[strawberry.ID]
    photo_upload_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Your own uploads (POST /uploads) showing what went wrong; at most 5.")
    refund_amount: Rupiah | None = strawberry.field(default=None, description=(
        "A REFUND_REQUEST: what you ask back, at most what is left of the payment. Other reasons name none."))

    def draft(self) -> complaints.ComplaintDraft:
        ids = [parse_id(line, f"input.orderLineIds.{i}") for i, line in enumerate(self.order_line_ids)]
        photos = tuple(parse_id(p, f"input.photoUploadIds.{i}") for i, p in enumerate(self.photo_upload_ids))
        return complaints.ComplaintDraft(parse_id(self.order_id, "input.orderId"), self.reason, self.text, ids, photos,
                                         self.refund_amount)


@strawberry.type
class ComplaintPayload:
    complaint: ComplaintType | None = None
    errors: list[UserError]


def _answer(complaint: Complaint) -> dict[str, object]:
    return {"complaint": ComplaintType.from_model(complaint)}


@strawberry.type
class ComplaintsQuery:
    @strawberry.field(description="An order's complaints, for its buyer, its seller and city officers.")
    async def order_complaints(self, info: Info[Context, None], order_id: strawberry.ID) -> list[ComplaintType]:
        found = await complaints.complaints_of_order(await info.context.user(), parse_id(order_id, "orderId"))
        return [ComplaintType.from_model(c) for c in found]

    @strawberry.field(description="A shop's complaint counts by status and resolution: the city, and its seller.")
    async def shop_complaint_counts(self, info: Info[Context, None], shop_id: strawberry.ID) -> list[ComplaintCountType]:
        return _counts(await complaints.shop_complaint_counts(await info.context.user(), parse_id(shop_id, "shopId")))

    @strawberry.field(description="City officers: complaints across shops, oldest first; status ESCALATED lists those "
                      "waiting for the city's decision.")
    async def city_complaints(
        self, info: Info[Context, None], status: StatusEnum | None = None,  # type: ignore[valid-type]
        first: int | None = None, after: str | None = None,
    ) -> Connection[ComplaintType]:
        settings = info.context.settings
        page = await complaints.city_complaints(await info.context.user(), status, window(
            first, after, default=settings.default_page_size, cap=settings.max_page_size))
        return connection(page, ComplaintType.from_model)

    @strawberry.field(description="Complaint counts across the city and per kecamatan: city officers and analysts.")
    async def city_complaint_counts(self, info: Info[Context, None]) -> CityComplaintCountsType:
        city, by_kecamatan = await complaints.city_complaint_counts(await info.context.user())
        return CityComplaintCountsType(counts=_counts(city), by_kecamatan=[
            KecamatanComplaintCountsType(kecamatan=k.kecamatan, counts=_counts(k.counts)) for k in by_kecamatan])


@strawberry.type
class ComplaintsMutation:
    @strawberry.mutation(description="The buyer complains about lines of a DELIVERED order, before it completes; "
                         "reason REFUND_REQUEST with refundAmount asks for money back, which the seller approves "
                         "(answerComplaint REFUND) or declines (REJECT, with a reason).")
    async def open_complaint(self, info: Info[Context, None], input: OpenComplaintInput) -> ComplaintPayload:
        window = Windows.of(info.context.settings).auto_complete
        return await mutate(info, ComplaintPayload,
                            lambda user: complaints.open_complaint(user, input.draft(), window), _answer)

    @strawberry.mutation(description="The seller answers: REFUND (refundAmount, or what a refund request asked; "
                         "through the gateway, or owed by transfer where it cannot refund), REPLACE, or REJECT with a "
                         "reason.")
    async def answer_complaint(
        self, info: Info[Context, None], id: strawberry.ID, resolution: ResolutionEnum,  # type: ignore[valid-type]
        reason: str | None = None, refund_amount: Rupiah | None = None,
    ) -> ComplaintPayload:
        context = info.context
        return await mutate(info, ComplaintPayload, lambda user: complaints.answer_complaint(
            user, parse_id(id, "id"), resolution, reason, refund_amount, context.providers, context.events), _answer)

    @strawberry.mutation(description="The buyer takes a rejected complaint, or one unanswered past "
                         "UMKM_COMPLAINT_ANSWER_HOURS, to the city.")
    async def escalate_complaint(self, info: Info[Context, None], id: strawberry.ID) -> ComplaintPayload:
        hours = info.context.settings.complaint_answer_hours
        window = dt.timedelta(hours=hours) if hours > 0 else None
        return await mutate(info, ComplaintPayload,
                            lambda user: complaints.escalate_complaint(user, parse_id(id, "id"), window), _answer)

    @strawberry.mutation(description="A city officer decides an escalated complaint, with reasons and optionally a "
                         "refund; final.")
    async def decide_complaint(
        self, info: Info[Context, None], id: strawberry.ID, decision: str, refund_amount: Rupiah | None = None,
    ) -> ComplaintPayload:
        context = info.context
        return await mutate(info, ComplaintPayload, lambda user: complaints.decide_complaint(
            user, parse_id(id, "id"), decision, refund_amount, context.providers, context.events), _answer)
