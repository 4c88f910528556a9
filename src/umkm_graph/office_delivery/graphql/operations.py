"""Office delivery on payday: a CITY_OFFICER opens an office's delivery days, an ASN sees their office's, the seller
reads its pick lists, and the office's contact person confirms each batch's handover."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.office_delivery import days, handover, pick_lists
from umkm_graph.office_delivery.batches import FEE_RULE
from umkm_graph.office_delivery.models import OfficeBatch, OfficeDeliveryDay
from umkm_graph.orders.graphql.types import OrderStatusEnum


def _id(value: int) -> strawberry.ID:
    return strawberry.ID(str(value))


@strawberry.type(name="OfficeDeliveryDay", description=(
    "A day an OPD office receives deliveries. Choose it at checkout (officeDeliveryDayId) until its cut-off."))
class OfficeDeliveryDayType:
    id: strawberry.ID
    opd_id: strawberry.ID
    opd_short_name: str
    day: dt.date
    cutoff_at: dt.datetime = strawberry.field(description="Orders join the day's batches until then.")

    @classmethod
    def from_model(cls, day: OfficeDeliveryDay) -> OfficeDeliveryDayType:
        return cls(id=_id(day.id), opd_id=_id(day.opd.id), opd_short_name=day.opd.short_name, day=day.day,
                   cutoff_at=day.cutoff_at)


@strawberry.type(name="OfficePickLine", description="One line of an order in a batch.")
class PickLineType:
    line_id: strawberry.ID
    product_id: strawberry.ID
    product_name: str
    quantity: int


@strawberry.type(name="OfficeBatchOrder", description="An order riding in a batch, with its share of the trip.")
class BatchOrderType:
    order_id: strawberry.ID
    reference: str
    buyer_name: str
    status: OrderStatusEnum  # type: ignore[valid-type]
    delivery_fee: Rupiah = strawberry.field(description="The order's share of the trip's fee.")
    total: Rupiah
    lines: list[PickLineType]
    missing_line_ids: list[strawberry.ID] = strawberry.field(description="Lines the office found missing.")
    missing_note: str | None


@strawberry.type(name="OfficePickItem", description="A product to pack for the batch, summed over its orders.")
class PickItemType:
    product_id: strawberry.ID
    product_name: str
    quantity: int


@strawberry.type(name="OfficeBatch", description="A shop's orders for one office and day: one pick list, one trip. "
                 + FEE_RULE)
class OfficeBatchType:
    id: strawberry.ID
    delivery_day_id: strawberry.ID
    day: dt.date
    cutoff_at: dt.datetime
    shop_id: strawberry.ID
    shop_name: str
    opd_short_name: str
    office_address: str
    kecamatan: str
    kelurahan: str
    contact_name: str = strawberry.field(description="Who receives the batch at the office.")
    trip_fee: Rupiah = strawberry.field(description="The one trip's fee, which the orders share.")
    handed_over_at: dt.datetime | None
    orders: list[BatchOrderType]
    items: list[PickItemType] = strawberry.field(description="The pick list: every product of the batch, summed.")

    @classmethod
    def from_view(cls, v: pick_lists.BatchView) -> OfficeBatchType:
        orders = [BatchOrderType(
            order_id=_id(o.order_id), reference=o.reference, buyer_name=o.buyer_name, status=o.status,
            delivery_fee=Rupiah(o.delivery_fee), total=Rupiah(o.total),
            lines=[PickLineType(line_id=_id(li.line_id), product_id=_id(li.product_id), product_name=li.product_name,
                                quantity=li.quantity) for li in o.lines],
            missing_line_ids=[_id(i) for i in o.missing_line_ids], missing_note=o.missing_note) for o in v.orders]
        return cls(id=_id(v.id), delivery_day_id=_id(v.day_id), day=v.day, cutoff_at=v.cutoff_at,
                   shop_id=_id(v.shop_id), shop_name=v.shop_name, opd_short_name=v.opd_short_name,
                   office_address=v.office_address, kecamatan=v.kecamatan, kelurahan=v.kelurahan,
                   contact_name=v.contact_name, trip_fee=Rupiah(v.trip_fee), handed_over_at=v.handed_over_at,
                   orders=orders, items=[PickItemType(product_id=_id(i.product_id), product_name=i.product_name,
                                                      quantity=i.quantity) for i in v.items])


@strawberry.input
class OpenOfficeDeliveryDayInput:
    opd_code: str = strawberry.field(description="The OPD whose office receives, e.g. DISKOMINFO.")
    day: dt.date = strawberry.field(description="A day after today, at most 62 days ahead.")
    cutoff_at: dt.datetime = strawberry.field(description="With its time zone; before the day begins (00:00 WIB).")
    contact_user_id: strawberry.ID = strawberry.field(description="The ASN of that OPD who receives the batches.")

    def draft(self) -> days.DayDraft:
        return days.DayDraft(opd_code=self.opd_code, day=self.day, cutoff_at=self.cutoff_at,
                             contact_user_id=parse_id(self.contact_user_id, "input.contactUserId"))


@strawberry.input(description="What the office found missing from one order of the batch.")
class MissingItemsInput:
    order_id: strawberry.ID
    line_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    note: str | None = strawberry.field(default=None, description="At most 500 characters.")


@strawberry.input
class ConfirmOfficeHandoverInput:
    batch_id: strawberry.ID
    missing: list[MissingItemsInput] = strawberry.field(default_factory=list)

    def entries(self) -> list[handover.Missing]:
        return [handover.Missing(order_id=parse_id(m.order_id, f"input.missing.{i}.orderId"),
                                 line_ids=[parse_id(x, f"input.missing.{i}.lineIds") for x in m.line_ids],
                                 note=m.note) for i, m in enumerate(self.missing)]


@strawberry.type
class OfficeDeliveryDayPayload:
    day: OfficeDeliveryDayType | None = None
    errors: list[UserError]


@strawberry.type
class OfficeHandoverPayload:
    batch: OfficeBatchType | None = None
    errors: list[UserError]


@strawberry.type
class OfficeDeliveryQuery:
    @strawberry.field(description="Delivery days still taking orders: your own OPD office's, or (the city) those of "
                      "the OPD named by opdCode.")
    async def office_delivery_days(self, info: Info[Context, None], opd_code: str | None = None
                                   ) -> list[OfficeDeliveryDayType]:
        found = await days.upcoming_days(await info.context.user(), opd_code)
        return [OfficeDeliveryDayType.from_model(day) for day in found]

    @strawberry.field(description="Office batches: a shop's pick lists (shopId, for its seller, from fromDay on), or "
                      "a delivery day's batches (deliveryDayId, for its contact person or the city).")
    async def office_batches(self, info: Info[Context, None], shop_id: strawberry.ID | None = None,
                             delivery_day_id: strawberry.ID | None = None, from_day: dt.date | None = None
                             ) -> list[OfficeBatchType]:
        user = await info.context.user()
        if delivery_day_id is not None:
            views = await pick_lists.day_batches(user, parse_id(delivery_day_id, "deliveryDayId"))
        else:
            views = await pick_lists.shop_batches(user, parse_id(shop_id or "", "shopId"), from_day)
        return [OfficeBatchType.from_view(view) for view in views]


@strawberry.type
class OfficeDeliveryMutation:
    @strawberry.mutation(description="Open a delivery day for an OPD office, with its cut-off (CITY_OFFICER).")
    async def open_office_delivery_day(self, info: Info[Context, None], input: OpenOfficeDeliveryDayInput
                                       ) -> OfficeDeliveryDayPayload:
        async def run(user: object) -> OfficeDeliveryDay:
            made = await days.open_day(user, input.draft())  # type: ignore[arg-type]
            await made.fetch_related("opd")
            return made

        return await mutate(info, OfficeDeliveryDayPayload, run,
                            lambda made: {"day": OfficeDeliveryDayType.from_model(made)})

    @strawberry.mutation(description="The office's contact person confirms a batch received, in one step: each of its "
                         "orders becomes DELIVERED; what was missing is recorded per order.")
    async def confirm_office_handover(self, info: Info[Context, None], input: ConfirmOfficeHandoverInput
                                      ) -> OfficeHandoverPayload:
        async def run(user: object) -> pick_lists.BatchView:
            batch: OfficeBatch = await handover.confirm_handover(
                user, parse_id(input.batch_id, "input.batchId"), input.entries(), info.context.events)  # type: ignore[arg-type]
            return await pick_lists.batch_view(batch.id)

        return await mutate(info, OfficeHandoverPayload, run,
                            lambda view: {"batch": OfficeBatchType.from_view(view)})
