"""What a batch shows: the seller's pick list for an office and day (every product to pack, and each order's part),
and the office's contact person's list of the day's batches to receive. Read in a fixed number of statements."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.office_delivery.models import OfficeBatch, OfficeDeliveryDay, OfficeOrder
from umkm_graph.orders.models import OrderLine, OrderStatus
from umkm_graph.people.access import require_user
from umkm_graph.people.models import Role, User
from umkm_graph.shops.service import get_owned_shop

MAX_BATCHES = 50


@dataclass(frozen=True)
class PickLine:
    line_id: int
    product_id: int
    product_name: str
    quantity: int


@dataclass(frozen=True)
class BatchOrder:
    order_id: int
    reference: str
    buyer_name: str
    status: OrderStatus
    delivery_fee: int  # its share of the trip
    total: int
    lines: list[PickLine]
    missing_line_ids: list[int]
    missing_note: str | None


@dataclass(frozen=True)
class PickItem:
    product_id: int
    product_name: str
    quantity: int  # of every order of the batch still riding


@dataclass(frozen=True)
class BatchView:
    id: int
    day_id: int
    day: dt.date
    cutoff_at: dt.datetime
    shop_id: int
    shop_name: str
    opd_short_name: str
    office_address: str
    kecamatan: str
    kelurahan: str
    contact_name: str
    trip_fee: int
    handed_over_at: dt.datetime | None
    orders: list[BatchOrder]
    items: list[PickItem]


async def shop_batches(user: User | None, shop_id: int, from_day: dt.date | None) -> list[BatchView]:
    """The seller's pick lists: the shop's batches from `from_day` on (all, without it), the next day first."""
    await get_owned_shop(user, shop_id)
    query = OfficeBatch.filter(shop_id=shop_id)
    if from_day is not None:
        query = query.filter(delivery_day__day__gte=from_day)
    return await _views(await query.order_by("delivery_day__day", "id").limit(MAX_BATCHES)
                        .prefetch_related("delivery_day__opd", "delivery_day__contact", "shop"))


async def day_batches(user: User | None, day_id: int) -> list[BatchView]:
    """A delivery day's batches, for its contact person or the city."""
    viewer = require_user(user)
    day = await OfficeDeliveryDay.get_or_none(id=day_id)
    if day is None or (day.contact_id != viewer.id  # type: ignore[attr-defined]
                       and not viewer.has_role(Role.CITY_OFFICER, Role.ANALYST)):
        raise DomainError(ErrorCode.NOT_FOUND, "No delivery day of your office has this id", "deliveryDayId")
    return await _views(await OfficeBatch.filter(delivery_day_id=day_id).order_by("id")
                        .prefetch_related("delivery_day__opd", "delivery_day__contact", "shop"))


async def _views(batches: list[OfficeBatch]) -> list[BatchView]:
    members = await (OfficeOrder.filter(batch_id__in=[b.id for b in batches]).order_by("order_id")
                     .prefetch_related("order__buyer"))
    lines: dict[int, list[PickLine]] = defaultdict(list)
    for line in await OrderLine.filter(order_id__in=[m.order_id for m in members]).order_by("id"):  # type: ignore[attr-defined]
        lines[line.order_id].append(PickLine(line.id, line.product_id, line.product_name,  # type: ignore[attr-defined]
                                             line.quantity))
    by_batch: dict[int, list[BatchOrder]] = defaultdict(list)
    for m in members:
        order = m.order
        by_batch[m.batch_id].append(BatchOrder(  # type: ignore[attr-defined]
            order_id=order.id, reference=order.reference, buyer_name=order.buyer.name, status=order.status,
            delivery_fee=order.delivery_fee, total=order.total, lines=lines[order.id],
            missing_line_ids=list(m.missing_line_ids or ()), missing_note=m.missing_note))
    return [_view(batch, by_batch[batch.id]) for batch in batches]


def _view(batch: OfficeBatch, orders: list[BatchOrder]) -> BatchView:
    day, opd = batch.delivery_day, batch.delivery_day.opd
    totals: dict[int, PickItem] = {}
    for order in orders:
        if order.status == OrderStatus.CANCELLED:
            continue
        for line in order.lines:
            had = totals.get(line.product_id)
            totals[line.product_id] = PickItem(line.product_id, line.product_name,
                                               line.quantity + (had.quantity if had else 0))
    return BatchView(id=batch.id, day_id=day.id, day=day.day, cutoff_at=day.cutoff_at, shop_id=batch.shop.id,
                     shop_name=batch.shop.name, opd_short_name=opd.short_name,
                     office_address=f"{opd.name}, {opd.address}", kecamatan=opd.kecamatan, kelurahan=opd.kelurahan,
                     contact_name=day.contact.name, trip_fee=batch.trip_fee, handed_over_at=batch.handed_over_at,
                     orders=orders, items=sorted(totals.values(), key=lambda item: item.product_name))


async def batch_view(batch_id: int) -> BatchView:
    """One batch as its lists show it, e.g. right after its handover."""
    return (await _views(await OfficeBatch.filter(id=batch_id)
                         .prefetch_related("delivery_day__opd", "delivery_day__contact", "shop")))[0]
