"""A shop's batch for an office day: the orders that ride in its one trip, and how they share the trip's fee.

The sharing rule (FEE_RULE): the trip's fee is what the delivery provider quoted for the batch's first order, to the
office. Every order of the batch pays an equal share of it, rounded down to the rupiah, and the oldest orders pay the
rupiah left over, so the shares add up to the trip's fee exactly. An order pays its share of the batch as it is when
the order is placed; each later order lowers the share of every order still unpaid (office orders are paid in cash at
the handover, so none is paid before the cut-off). A cancelled order leaves the batch, and the others' shares stay as
they are: nobody pays more than what they were shown.
"""

from __future__ import annotations

from umkm_graph.office_delivery.models import OfficeBatch, OfficeDeliveryDay, OfficeOrder
from umkm_graph.orders.models import Order, OrderStatus

FEE_RULE = __doc__.split("\n\n", 1)[1].strip()
LEFT = (OrderStatus.CANCELLED,)


def shares(trip_fee: int, orders: int) -> list[int]:
    """Each order's share of the trip's fee, oldest first: equal, the remainder's rupiah on the oldest."""
    base, extra = divmod(trip_fee, orders)
    return [base + (1 if i < extra else 0) for i in range(orders)]


async def _riding(batch_id: int) -> list[OfficeOrder]:
    return await (OfficeOrder.filter(batch_id=batch_id).exclude(order__status__in=LEFT).order_by("order_id")
                  .prefetch_related("order"))


async def next_share(day: OfficeDeliveryDay, shop_id: int, quoted_fee: int) -> tuple[int, int]:
    """The trip's fee of the shop's batch for this day (the quote, when it has no batch yet) and the share a new
    order would pay."""
    batch = await OfficeBatch.get_or_none(delivery_day_id=day.id, shop_id=shop_id)
    if batch is None:
        return quoted_fee, quoted_fee
    riding = await OfficeOrder.filter(batch_id=batch.id).exclude(order__status__in=LEFT).count()
    return batch.trip_fee, shares(batch.trip_fee, riding + 1)[-1]


async def join(day: OfficeDeliveryDay, order: Order, trip_fee: int) -> list[tuple[Order, int]]:
    """The order in its shop's batch for the day; answers each order of the batch whose share changed, with its new
    share, for the caller to reprice (checkout/office.py). Call inside the checkout's transaction."""
    batch, _ = await OfficeBatch.get_or_create(delivery_day_id=day.id, shop_id=order.shop_id,  # type: ignore[attr-defined]
                                               defaults={"trip_fee": trip_fee})
    await OfficeOrder.create(batch=batch, order=order)
    riding = await _riding(batch.id)
    return [(member.order, share) for member, share in zip(riding, shares(batch.trip_fee, len(riding)), strict=True)
            if member.order.delivery_fee != share]
