"""Delivery after checkout: booking a courier when the seller marks an order ready, and the courier's reports (webhooks
or polling) moving the order on. What delivery costs beforehand is delivery/quotes.py.

- Booking (books_when_ready providers): the courier is called before the transaction, so no database lock waits on it;
  then the order moves ACCEPTED -> READY_FOR_PICKUP with a conditional update. If that loses a race, the booking is
  cancelled again. A failed booking leaves the order ACCEPTED, to try again.
- Reports: each courier report is recorded once in the ledger (core/ledger.py: unique on provider and event id) in the
  same transaction as the change it makes, so a repeat, or a webhook racing a poll, changes nothing twice. A report whose change no longer
  fits the order (a late "picked" after "delivered") is recorded and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from tortoise.transactions import in_transaction

from umkm_graph.catalog.service import return_stock
from umkm_graph.core.claims import claim, unclaimed
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.core.ledger import record_each, record_once
from umkm_graph.delivery import remittance
from umkm_graph.delivery.contract import answers, courier_status, courier_to_ask
from umkm_graph.delivery.models import CourierShipment, CourierStatus, ShipmentEventRecord, ShipmentEventSource
from umkm_graph.delivery.parcels import buyer_info, item, shop_info
from umkm_graph.events import Event, EventBus
from umkm_graph.hookspecs import (
    CashRemittance,
    DeliveryProvider,
    Destination,
    ShipmentCancelRequest,
    ShipmentRequest,
    ShipmentStatus,
)
from umkm_graph.hookspecs import ShipmentEvent as CourierReport
from umkm_graph.orders import service as orders
from umkm_graph.orders.models import Order, OrderLine
from umkm_graph.orders.states import (
    COURIER_CANCELLED,
    COURIER_DELIVERED,
    COURIER_PICKED_UP,
    COURIER_RETURNED,
    Action,
    Transition,
    check_transition,
)
from umkm_graph.payments import service as payments
from umkm_graph.payments.models import Payment, PaymentStatus
from umkm_graph.people.access import require_user
from umkm_graph.people.models import User
from umkm_graph.plugin_host import Providers
from umkm_graph.promotions.redeem import give_back as give_back_vouchers
from umkm_graph.shops.models import Shop

log = logging.getLogger("umkm_graph.delivery")

# What each courier status does to the order; the statuses not named here are recorded only.
COURIER_RULES: dict[ShipmentStatus, Transition] = {
    ShipmentStatus.PICKED: COURIER_PICKED_UP,
    ShipmentStatus.DROPPING_OFF: COURIER_PICKED_UP,
    ShipmentStatus.DELIVERED: COURIER_DELIVERED,
    ShipmentStatus.RETURNED: COURIER_RETURNED,
    ShipmentStatus.CANCELLED: COURIER_CANCELLED,
}
# A shipment in one of these is over: polling leaves it alone.
FINAL = frozenset({CourierStatus.DELIVERED, CourierStatus.RETURNED, CourierStatus.CANCELLED})
STALE_AFTER = dt.timedelta(minutes=15)  # no report for this long: poll the courier


# -- Booking ------------------------------------------------------------------------------------------------------------


async def mark_ready_for_courier(user: User | None, order_id: int, providers: Providers, events: EventBus) -> Order:
    """The seller has the goods packed: book the courier the buyer chose, and wait for it (READY_FOR_PICKUP)."""
    seller = require_user(user)
    order, party = await orders.order_of_party(seller, order_id)
    payment = await Payment.get_or_none(order_id=order.id)
    rule = check_transition(Action.MARK_READY_FOR_COURIER, order.status, party, order.delivery_method,
                            payment.status if payment else None)
    provider = providers.delivery.get(order.delivery_provider)
    shipment = await CourierShipment.get_or_none(order_id=order.id)
    if provider is None or not provider.books_when_ready or shipment is None:
        raise DomainError(ErrorCode.INVALID_TRANSITION,
                          "This order is not carried by a booked courier; use markOutForDelivery", "id")
    request = await _shipment_request(order, shipment, payment, providers)
    booked = await providers.create_shipment(provider, request, ["id"])
    now = dt.datetime.now(dt.UTC)
    try:
        async with in_transaction():
            move = await orders.move(order, rule.to, seller, None)
            changed = await CourierShipment.filter(id=shipment.id, bookings=shipment.bookings).update(
                status=CourierStatus.CONFIRMED, booking_reference=request.reference, bookings=shipment.bookings + 1,
                provider_reference=booked.reference, tracking_url=booked.tracking_url, note=None,
                cash_on_delivery_amount=request.cash_on_delivery_amount, booked_at=now, updated_at=now,
            )
            if not changed:
                raise DomainError(ErrorCode.INVALID_TRANSITION, "The order changed meanwhile; reload it", "id")
            await Order.filter(id=order.id).update(delivery_reference=booked.reference)
    except BaseException:
        cancel = ShipmentCancelRequest(reference=request.reference, provider_reference=booked.reference,
                                       reason="booked twice: the order changed meanwhile")
        await _cancel_quietly(provider, cancel, providers)
        raise
    order.delivery_reference = booked.reference
    await events.publish(move)
    return order


async def _shipment_request(
    order: Order, shipment: CourierShipment, payment: Payment | None, providers: Providers
) -> ShipmentRequest:
    shop = await Shop.get(id=order.shop_id)  # type: ignore[attr-defined]
    buyer = await User.get(id=order.buyer_id)  # type: ignore[attr-defined]
    lines = await OrderLine.filter(order_id=order.id).select_related("product").order_by("id")
    # COD through a courier: the courier collects what the buyer still owes.
    unpaid_cash = payment is not None and payments.is_cash_on_delivery(payment, providers) and \
        payment.status == PaymentStatus.PENDING
    destination = Destination(
        kecamatan=order.delivery_kecamatan or "", kelurahan=order.delivery_kelurahan or "",
        address=order.delivery_address or "", latitude=shipment.destination_latitude,
        longitude=shipment.destination_longitude,
    )
    return ShipmentRequest(
        # A booking the courier cancelled is made again under a new reference, so the courier takes it as new.
        reference=order.reference if shipment.bookings == 0 else f"{order.reference}-{shipment.bookings + 1}",
        service=shipment.service, shop=shop_info(shop), buyer=buyer_info(buyer), destination=destination,
        items=tuple(item(line.product, line.quantity, line.product_name, line.unit_price) for line in lines),
        weight_grams=shipment.weight_grams, fee=order.delivery_fee,
        cash_on_delivery_amount=order.total if unpaid_cash else 0, weight_estimated=shipment.weight_estimated,
    )


async def _cancel_quietly(provider: DeliveryProvider, request: ShipmentCancelRequest, providers: Providers) -> None:
    try:
        await providers.cancel_shipment(provider, request, ["id"])
    except DomainError:
        log.error("could not cancel the extra booking %s at %s", request.reference, provider.code)


# -- Reports: webhooks and polling --------------------------------------------------------------------------------------


async def refresh_shipment(user: User | None, order_id: int, providers: Providers, bus: EventBus) -> Order:
    """Ask the courier where the order's parcel is now, and apply the answer like a webhook (for a missed webhook)."""
    asker = require_user(user)
    order, _ = await orders.order_of_party(asker, order_id)
    shipment = await CourierShipment.get_or_none(order_id=order.id)
    if shipment is None or shipment.status is None:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "No courier is booked for this order", "id")
    await poll(shipment, providers, bus, ["id"])
    shipment = await CourierShipment.get(id=shipment.id)
    provider = providers.delivery.get(shipment.provider)
    if shipment.status == CourierStatus.DELIVERED and shipment.cash_on_delivery_amount > 0 and \
            provider is not None and answers(provider, "get_cash_remittance"):
        await remittance.refresh_remittance(shipment, providers, bus, ["id"])  # has the courier paid the shop yet?
    return await Order.get(id=order.id)


async def poll_shipments(
    providers: Providers, bus: EventBus, stale_after: dt.timedelta = STALE_AFTER, limit: int = 100,
    lease: dt.timedelta = STALE_AFTER,
) -> int:
    """Ask the courier about booked shipments that are not over and have heard nothing for `stale_after` (a webhook
    may have gone missing); how many answered. For the server's periodic job: one HTTP call per such shipment, made by
    whichever process claims it (core/claims.py); nobody asks again about it for `lease`."""
    count = 0
    now = dt.datetime.now(dt.UTC)
    askable = [code for code, p in providers.delivery.items() if answers(p, "get_shipment_status")]
    pending = CourierShipment.filter(unclaimed(now), provider__in=askable, status__not_isnull=True,
                                     updated_at__lte=now - stale_after).exclude(status__in=list(FINAL))
    for shipment in await pending.order_by("updated_at", "id").limit(limit):
        if not await claim(CourierShipment, shipment.id, now, lease):
            continue  # another process has it
        try:
            if await poll(shipment, providers, bus, []) is not None:
                count += 1
        except DomainError as error:
            log.warning("polling shipment %s failed: %s", shipment.booking_reference, error.message)
    return count


async def poll(shipment: CourierShipment, providers: Providers, bus: EventBus, field: list[str]) -> str | None:
    provider, request = courier_to_ask(shipment, providers, "get_shipment_status", field)
    report = await providers.get_shipment_status(provider, request, field)
    if report is None:
        return None
    (outcome,) = await record(provider, [report], ShipmentEventSource.POLL, providers, bus)
    return outcome


async def record(
    provider: DeliveryProvider, reports: Sequence[CourierReport | CashRemittance], source: ShipmentEventSource,
    providers: Providers, bus: EventBus,
) -> list[str]:
    """Record and apply each report (where a parcel is, or cash remitted) once; the outcome of each, in order."""
    return await record_each(reports, lambda report: _record_one(provider, report, source, providers), bus.publish)


async def _record_one(
    provider: DeliveryProvider, report: CourierReport | CashRemittance, source: ShipmentEventSource,
    providers: Providers,
) -> tuple[str, Sequence[Event]]:
    shipment = await _shipment_of(provider.code, report)
    if shipment is None:
        log.warning("courier %s reported %s about an unknown shipment %s/%s", provider.code, type(report).__name__,
                    report.provider_reference, report.reference)
        return "ignored: no shipment has this reference", []
    if isinstance(report, CashRemittance):
        return await remittance.record_one(provider, shipment, report, source)

    async def record_and_apply() -> tuple[str, list[Event]]:
        # Inserted first: a concurrent twin waits on the unique key, then fails and changes nothing.
        row = await ShipmentEventRecord.create(
            provider=provider.code, event_id=report.event_id, shipment=shipment, status=courier_status(report.status),
            raw_status=report.raw_status, source=source, occurred_at=report.occurred_at,
        )
        outcome, published = await _apply(shipment, report, providers)
        await ShipmentEventRecord.filter(id=row.id).update(outcome=outcome[:200])
        return outcome, published

    return await record_once(record_and_apply)


async def _shipment_of(provider: str, report: CourierReport | CashRemittance) -> CourierShipment | None:
    if report.provider_reference:
        found = await CourierShipment.get_or_none(provider=provider, provider_reference=report.provider_reference)
        if found is not None:
            return found
    if report.reference:
        return await CourierShipment.get_or_none(provider=provider, booking_reference=report.reference)
    return None


async def _apply(shipment: CourierShipment, report: CourierReport, providers: Providers) -> tuple[str, list[Event]]:
    if report.provider_reference and shipment.provider_reference and \
            report.provider_reference != shipment.provider_reference:
        return "ignored: about an earlier booking", []
    await CourierShipment.filter(id=shipment.id).update(
        status=courier_status(report.status), note=report.note or shipment.note, tracking_url=report.tracking_url or shipment.tracking_url,
        updated_at=dt.datetime.now(dt.UTC),
    )
    rule = COURIER_RULES.get(report.status)
    order = await Order.get(id=shipment.order_id)  # type: ignore[attr-defined]
    if rule is None or order.status == rule.to:
        return f"recorded: order stays {order.status.value}", []
    if order.status not in rule.sources:
        return f"no change: a {order.status.value} order cannot be {rule.verb}", []
    reason = f"Courier: {report.raw_status or report.status.value}"
    published: list[Event] = [await orders.move_by_system(order, rule, reason)]
    if rule is COURIER_RETURNED:
        published.extend(await _take_back(order, providers, reason))
    if rule is COURIER_CANCELLED:
        # The booking is gone: the seller books again, and cancelling the order has no booking to cancel.
        await Order.filter(id=order.id).update(delivery_reference=None)
        await CourierShipment.filter(id=shipment.id).update(provider_reference=None)
    return order.status.value, published


async def _take_back(order: Order, providers: Providers, reason: str) -> list[Event]:
    """A returned parcel: the goods go back on the shelf, and the payment is voided (or refunded if paid)."""
    await give_back_vouchers(order.id)  # promotions before products, the order checkout locks them in
    for line in await OrderLine.filter(order_id=order.id):
        await return_stock(line.variant_id, line.product_id, line.quantity)  # type: ignore[attr-defined]
    payment = await Payment.get_or_none(order_id=order.id)
    if payment is None or payment.status not in (PaymentStatus.PENDING, *payments.REFUNDABLE):
        return []
    return [await payments.release(payment, providers, reason, None)]
