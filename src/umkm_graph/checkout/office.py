"""A checkout delivered to the buyer's office on a delivery day (office_delivery/): the office's address instead of the
buyer's, each shop's order in its batch for the day, and its delivery fee a share of the batch's one trip."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable

from tortoise.expressions import F

from umkm_graph.checkout.models import Checkout
from umkm_graph.checkout.plan import CheckoutDraft, OrderPlan
from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.office_delivery import batches
from umkm_graph.office_delivery.days import chosen_day, office_address
from umkm_graph.office_delivery.models import OfficeDeliveryDay
from umkm_graph.orders.models import Order
from umkm_graph.payments.models import Payment, PaymentStatus
from umkm_graph.people.models import User

Join = Callable[[list[Order]], Awaitable[None]]


async def to_office(buyer: User, draft: CheckoutDraft, now: dt.datetime) -> tuple[CheckoutDraft, OfficeDeliveryDay | None]:
    """The draft addressed to the office of the day it chose, and that day; a draft without one, as it is."""
    if draft.office_delivery_day_id is None:
        return draft, None
    if draft.address is not None or draft.address_id is not None:
        raise DomainError(ErrorCode.INVALID, "An office delivery goes to the office: give officeDeliveryDayId or an "
                          "address, not both", ["input", "officeDeliveryDayId"])
    day = await chosen_day(buyer, draft.office_delivery_day_id, now)
    return dataclasses.replace(draft, address=office_address(day.opd)), day


def check_plans(plans: list[OrderPlan]) -> None:
    """Every shop of an office checkout delivers by a trip of its own (a courier booked per order cannot carry a
    batch) and is paid in cash at the handover, so the shares can still fall until the cut-off."""
    check = Validator(["input"])
    for plan in plans:
        if plan.provider is None or plan.option is None:
            continue
        if not plan.is_delivery or plan.provider.books_when_ready:
            check.add(f"{plan.path}.deliveryProvider", f"{plan.provider.display_name} cannot carry an office batch: "
                      "choose a delivery the shop makes in one trip, e.g. shop_courier", ErrorCode.NOT_AVAILABLE)
        if not plan.pays_cash:
            check.add(plan.payment_field, "An office delivery is paid in cash at the handover, when the batch's "
                      "shares are final: choose a cash method, e.g. COD", ErrorCode.NOT_AVAILABLE)
    check.raise_if_any()


def check_grants(plans: list[OrderPlan]) -> None:
    """No free-delivery voucher on an office order: its share falls as the batch grows, below what the voucher took."""
    check = Validator(["input"])
    for plan in plans:
        for grant in plan.grants:
            if grant.delivery:
                check.add(f"voucherCodes.{grant.position}", f"{grant.promotion.code} takes off the delivery fee, "
                          "which an office delivery shares in its batch: leave it for a delivery of your own",
                          ErrorCode.VOUCHER_NOT_ELIGIBLE)
    check.raise_if_any()


async def share_fees(day: OfficeDeliveryDay, plans: list[OrderPlan]) -> Join:
    """Each plan's delivery fee set to its share of its batch's trip (office_delivery/batches.py); answers what joins
    the written orders to their batches, inside the checkout's transaction."""
    trips: dict[int, int] = {}
    for plan in plans:
        assert plan.quote is not None
        trips[plan.shop.id], share = await batches.next_share(day, plan.shop.id, plan.quote.fee)
        plan.quote = dataclasses.replace(plan.quote, fee=share)

    async def join(orders: list[Order]) -> None:
        for order in orders:
            for member, share in await batches.join(day, order, trips[order.shop_id]):  # type: ignore[attr-defined]
                await _reprice(member, share)

    return join


async def _reprice(order: Order, share: int) -> None:
    """The order's delivery fee set to its share, with its total, its checkout's and its cash payment's amount; an
    order whose cash was collected keeps what was paid."""
    change = share - order.delivery_fee
    unpaid = await Payment.filter(order_id=order.id, status=PaymentStatus.PENDING).update(
        amount=F("amount") + change, gateway_amount=F("gateway_amount") + change)
    if not unpaid:
        return
    await Order.filter(id=order.id).update(delivery_fee=share, total=F("total") + change)
    await Checkout.filter(id=order.checkout_id).update(total=F("total") + change)  # type: ignore[attr-defined]
