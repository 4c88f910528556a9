"""A courier's cash remittances (courier COD), by webhook or by polling: each report settles what the courier owed the
shop for one order, once (payments/remittance.py keeps the rule). A report that is also the first word of the cash
collected marks the payment PAID by the courier's report, and credits the city's subsidy as a seller's confirmation
would. Polling asks about delivered cash-on-delivery shipments whose cash no remittance has settled yet."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from umkm_graph.core.claims import claim, unclaimed
from umkm_graph.core.errors import DomainError
from umkm_graph.core.ledger import record_once
from umkm_graph.delivery.contract import answers, courier_to_ask
from umkm_graph.delivery.models import CourierShipment, CourierStatus, ShipmentEventSource
from umkm_graph.events import Event, EventBus
from umkm_graph.hookspecs import CashRemittance, DeliveryProvider
from umkm_graph.orders import subsidies
from umkm_graph.orders.models import Order, OrderStatus
from umkm_graph.payments import remittance
from umkm_graph.payments.models import Payment
from umkm_graph.plugin_host import Providers

log = logging.getLogger("umkm_graph.delivery")

HANDED_OVER = (OrderStatus.DELIVERED, OrderStatus.COMPLETED)  # the courier has the cash only once it handed the goods over
REMIT_POLL_AFTER = dt.timedelta(hours=6)  # couriers remit in batches: ask at most this often per shipment


async def record_one(
    provider: DeliveryProvider, shipment: CourierShipment, report: CashRemittance, source: ShipmentEventSource
) -> tuple[str, Sequence[Event]]:
    async def settle() -> tuple[str, list[Event]]:
        order = await Order.get(id=shipment.order_id)  # type: ignore[attr-defined]
        payment = await Payment.get_or_none(order_id=order.id)
        if payment is None or shipment.cash_on_delivery_amount <= 0:
            return "ignored: the courier collected no cash for this order", []
        if order.status not in HANDED_OVER:
            return f"ignored: a {order.status.value} order's cash is not collected yet", []
        outcome, news = await remittance.settle(payment, order.shop_id, provider.code, report,  # type: ignore[attr-defined]
                                                source.value)
        if news:
            await subsidies.credit(order)  # the city pays the shop what its programme's voucher took off the cash
        return outcome, list(news)

    return await record_once(settle)


async def refresh_remittance(shipment: CourierShipment, providers: Providers, bus: EventBus, field: list[str]) -> str | None:
    """Ask the courier whether it has remitted the shipment's cash, and settle it if so; the outcome, or None."""
    provider, request = courier_to_ask(shipment, providers, "get_cash_remittance", field)
    report = await providers.get_cash_remittance(provider, request, field)
    if report is None:
        return None
    outcome, news = await record_one(provider, shipment, report, ShipmentEventSource.POLL)
    for item in news:
        await bus.publish(item)
    return outcome


async def poll_remittances(
    providers: Providers, bus: EventBus, limit: int = 100, lease: dt.timedelta = REMIT_POLL_AFTER
) -> int:
    """For the periodic job: ask couriers about delivered cash-on-delivery shipments not yet remitted, each at most
    once per `lease` (core/claims.py: one process asks); how many were settled."""
    askable = [code for code, p in providers.delivery.items() if answers(p, "get_cash_remittance")]
    now = dt.datetime.now(dt.UTC)
    waiting = CourierShipment.filter(unclaimed(now), provider__in=askable, status=CourierStatus.DELIVERED,
                                     cash_on_delivery_amount__gt=0, order__payment__cash_remittance__id__isnull=True)
    settled = 0
    for shipment in await waiting.order_by("updated_at", "id").limit(limit):
        if not await claim(CourierShipment, shipment.id, now, lease):
            continue
        try:
            outcome = await refresh_remittance(shipment, providers, bus, [])
        except DomainError as error:
            log.warning("asking about the cash of shipment %s failed: %s", shipment.booking_reference, error.message)
            continue
        settled += outcome is not None and outcome.startswith("remitted")
    return settled
