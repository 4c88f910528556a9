"""The payment event ledger: what gateways report about cashless payments (by webhook, when asked, or the host's own
expiry), each event recorded once, and what it does to the payment and its order.

An event is applied and recorded in one transaction (core/ledger.py), and the ledger is unique on (provider, event
id): a repeated event fails its insert and rolls back whatever it would have changed. Every change is a conditional
update on the payment's current status (PENDING -> PAID, PENDING -> EXPIRED), so a webhook racing the buyer's own "I have
paid" settles the payment once, and a late or out-of-order event (pending after settlement, settlement after expiry)
changes nothing.

A webhook is news, not proof: most gateways sign only part of a notification, and a signed one can be replayed or
altered where the signature does not reach. So news that would change a payment (paid, failed, expired) is confirmed
with the gateway's own status answer (get_status) first, outside the transaction; unconfirmed, it changes nothing and is
not recorded, so its event id stays free for the real news. And a payment is paid only for a reported amount equal to
its own: an event that would settle it without saying the amount is refused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Sequence

from umkm_graph.balances import ledger
from umkm_graph.catalog.service import return_stock
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.core.ledger import record_each, record_once
from umkm_graph.events import Event, EventBus
from umkm_graph.hookspecs import (
    PaymentEvent,
    PaymentEventStatus,
    PaymentProvider,
    PaymentStatusRequest,
    ShipmentCancelRequest,
)
from umkm_graph.orders import subsidies
from umkm_graph.orders import announcements
from umkm_graph.orders.models import Order, OrderLine, OrderStatus
from umkm_graph.orders.service import move_by_system
from umkm_graph.orders.states import PAYMENT_LAPSED, PAYMENT_SETTLED
from umkm_graph.payments import service as payments
from umkm_graph.payments.contract import reported_status
from umkm_graph.payments.models import Payment, PaymentEventRecord, PaymentEventSource, PaymentStatus
from umkm_graph.people.access import require_user
from umkm_graph.people.models import User
from umkm_graph.plugin_host import Providers

log = logging.getLogger("umkm_graph.payments")

_LAPSED = {PaymentEventStatus.EXPIRED: PaymentStatus.EXPIRED, PaymentEventStatus.FAILED: PaymentStatus.CANCELLED}
_REFUNDABLE_IF_PAID = (PaymentStatus.EXPIRED, PaymentStatus.CANCELLED)  # _settle's "late: ... refund it by hand"


async def record(
    provider: str, events: list[PaymentEvent], source: PaymentEventSource, providers: Providers, bus: EventBus
) -> list[str]:
    """Record and apply each event once; the outcome of each, in order."""
    return await record_each(events, lambda event: _record_one(provider, event, source, providers), bus.publish)


async def _record_one(
    provider: str, event: PaymentEvent, source: PaymentEventSource, providers: Providers
) -> tuple[str, Sequence[Event]]:
    if source == PaymentEventSource.WEBHOOK:
        confirmed = await _confirmed(provider, event, providers)
        if isinstance(confirmed, str):
            log.warning("payment event %s/%s for %s: %s", provider, event.event_id, event.reference, confirmed)
            return confirmed, []
        event = confirmed

    async def apply_and_record() -> tuple[str, list[Event]]:
        charged = await payments.sharing_charge(provider, event.reference)
        outcome, published = await _apply(charged, event, providers)
        await PaymentEventRecord.create(
            provider=provider, event_id=event.event_id, payment=charged[0] if charged else None, reference=event.reference,
            status=reported_status(event.status), raw_status=event.raw_status, amount=event.amount, source=source,
            outcome=outcome[:200], occurred_at=event.occurred_at,
        )
        return outcome, published

    outcome, published = await record_once(apply_and_record)
    if outcome.startswith(("ignored", "late")):  # no payment, a wrong amount, or paid too late: a person looks
        log.warning("payment event %s/%s for %s: %s", provider, event.event_id, event.reference, outcome)
    return outcome, published


async def _confirmed(provider_code: str, event: PaymentEvent, providers: Providers) -> PaymentEvent | str:
    """The webhook's event, once the gateway's status answer agrees with it (with the amount the gateway states), or
    why it was not confirmed. Events that would change nothing pass unasked: _apply records and ignores them."""
    if event.status not in (PaymentEventStatus.PAID, *_LAPSED):
        return event
    charged = await payments.sharing_charge(provider_code, event.reference)
    if not charged:
        return event
    payment, amount = charged[0], payments.gateway_amount(charged[0])
    pending = any(each.status == PaymentStatus.PENDING for each in charged)
    # A settlement after the payment lapsed asks a person to refund money: it is confirmed like one that settles.
    late = event.status == PaymentEventStatus.PAID and all(each.status in _REFUNDABLE_IF_PAID for each in charged)
    if (not pending and not late) or event.amount not in (None, amount):
        return event
    provider = providers.payment.get(provider_code)
    if provider is None or type(provider).get_status is PaymentProvider.get_status:
        return "not confirmed: the gateway cannot be asked"
    request = PaymentStatusRequest(reference=event.reference, provider_reference=payment.provider_reference)
    answer = await providers.get_status(provider, request, [])  # a DomainError: answered 503, the gateway resends
    if answer is None:
        return "not confirmed: the gateway does not know the payment"
    agrees = answer.status == event.status or (answer.status in _LAPSED and event.status in _LAPSED)
    if answer.reference != event.reference or not agrees:
        return f"not confirmed: the gateway says {(answer.raw_status or answer.status.value)[:64]}"
    if answer.amount != amount:
        return f"not confirmed: the gateway says the amount is {answer.amount}, not {amount}"
    return dataclasses.replace(event, amount=answer.amount)


async def _apply(charged: list[Payment], event: PaymentEvent, providers: Providers) -> tuple[str, list[Event]]:
    """What the event does to the payments of one charge: a shared charge settles or lapses every order it pays."""
    if not charged:
        return "ignored: no payment has this reference", []
    amount = payments.gateway_amount(charged[0])
    if event.status == PaymentEventStatus.PAID and event.amount is None:
        return "ignored: the gateway did not say the amount paid", []
    if event.amount is not None and event.amount != amount:
        return f"ignored: amount {event.amount} is not the payment's {amount}", []
    if event.status == PaymentEventStatus.PAID:
        return await _settle(charged, event)
    if event.status in _LAPSED:
        return await _lapse(charged, _LAPSED[event.status], event, providers)
    return f"no change: payment is {charged[0].status.value}", []


async def _settle(charged: list[Payment], event: PaymentEvent) -> tuple[str, list[Event]]:
    paid_at = event.occurred_at or dt.datetime.now(dt.UTC)
    published: list[Event] = []
    for payment in charged:  # in id order, so two settlements of one shared charge cannot deadlock
        changed = await Payment.filter(id=payment.id, status=PaymentStatus.PENDING).update(
            status=PaymentStatus.PAID, paid_at=paid_at,
            provider_reference=event.provider_reference or payment.provider_reference,
        )
        if not changed:
            continue
        payment.update_from_dict({"status": PaymentStatus.PAID, "paid_at": paid_at})
        order = await Order.get(id=payment.order_id)  # type: ignore[attr-defined]
        # The platform holds the money now: the shop's share is on its balance, in this same transaction.
        await ledger.credit_sale(payment.id, order.shop_id, payment.amount, order.reference)  # type: ignore[attr-defined]
        await subsidies.credit(order)  # and what the city's vouchers took off, which the city pays the shop
        if order.status == OrderStatus.AWAITING_PAYMENT:
            published.append(await move_by_system(order, PAYMENT_SETTLED, f"Paid ({event.raw_status or 'settled'})"))
            await announcements.payment_received(order, payment.amount)
        published.append(payments.status_event(payment, paid_at))
    if published:
        return "PAID", published
    current = await Payment.get(id=charged[0].id)
    if current.status in _REFUNDABLE_IF_PAID:
        # The gateway was told to cancel first, so this should not happen; a person must refund it.
        return f"late: paid after the payment was {current.status.value}; refund it by hand", []
    return f"no change: payment is {current.status.value}", []


async def _lapse(
    charged: list[Payment], to: PaymentStatus, event: PaymentEvent, providers: Providers
) -> tuple[str, list[Event]]:
    published: list[Event] = []
    for payment in charged:
        changed = await Payment.filter(id=payment.id, status=PaymentStatus.PENDING).update(status=to)
        if not changed:
            continue
        payment.status = to
        order = await Order.get(id=payment.order_id)  # type: ignore[attr-defined]
        if order.status == OrderStatus.AWAITING_PAYMENT:
            why = "Not paid in time" if to == PaymentStatus.EXPIRED else f"Payment failed ({event.raw_status or 'failed'})"
            published.append(await move_by_system(order, PAYMENT_LAPSED, why))
            await announcements.payment_lapsed(order, payment.amount, to == PaymentStatus.EXPIRED, why)
            await _return_goods(order, providers)
        published.append(payments.status_event(payment, dt.datetime.now(dt.UTC)))
    if not published:
        current = await Payment.get(id=charged[0].id)
        return f"no change: payment is {current.status.value}", []
    return to.value, published


async def _return_goods(order: Order, providers: Providers) -> None:
    """Stock back on the shelf; a shipment booked at checkout is cancelled, best effort: the payment's lapse is a fact
    that a courier's failure must not undo."""
    await subsidies.give_back(order)  # promotions before products, the order checkout locks them in
    for line in await OrderLine.filter(order_id=order.id):
        await return_stock(line.variant_id, line.product_id, line.quantity)  # type: ignore[attr-defined]
    courier = providers.delivery.get(order.delivery_provider)
    if courier is not None and order.delivery_reference:
        request = ShipmentCancelRequest(
            reference=order.reference, provider_reference=order.delivery_reference, reason="not paid"
        )
        try:
            await providers.cancel_shipment(courier, request, [])
        except DomainError:
            log.warning("could not cancel the shipment of unpaid order %s", order.reference)


async def poll(payment: Payment, providers: Providers, bus: EventBus, field: list[str]) -> str:
    """Ask the payment's gateway how it stands, and record the answer like a webhook."""
    provider = providers.payment.get(payment.provider)
    if provider is None or not payments.can_tell_outcome(provider):
        raise DomainError(ErrorCode.NOT_AVAILABLE, f"The {payment.provider!r} gateway cannot be asked", field)
    reference = payments.gateway_reference(payment)
    request = PaymentStatusRequest(reference=reference, provider_reference=payment.provider_reference)
    event = await providers.get_status(provider, request, field)
    if event is None:
        return "unknown at the gateway"
    if event.reference != reference:
        log.error("gateway %s answered about %s when asked about %s", provider.code, event.reference, reference)
        raise DomainError(ErrorCode.PROVIDER_ERROR, f"{provider.display_name} gave an unusable answer (get status)", field)
    (outcome,) = await record(provider.code, [event], PaymentEventSource.POLL, providers, bus)
    return outcome


async def confirm(user: User | None, order_id: int, providers: Providers, bus: EventBus) -> Order:
    """The buyer's app says "I have paid": ask the gateway now rather than wait for its webhook."""
    buyer = require_user(user)
    order = await Order.get_or_none(id=order_id)
    if order is None or order.buyer_id != buyer.id:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.NOT_FOUND, "No order of yours has this id", "id")
    payment = await Payment.get_or_none(order_id=order.id)
    if payment is None or payments.is_cash_on_delivery(payment, providers):
        raise DomainError(ErrorCode.INVALID_TRANSITION, "This order is not paid cashless", "id")
    if payment.status == PaymentStatus.PENDING:
        await poll(payment, providers, bus, ["id"])
        await order.refresh_from_db()
    return order


async def expire(payment: Payment, providers: Providers, bus: EventBus) -> str:
    """Expire an unpaid payment: cancel it at the gateway first, so it cannot be paid afterwards, then lapse it here.
    If the gateway will not cancel (it may have just been paid), its own word decides instead."""
    provider = providers.payment.get(payment.provider)
    if provider is not None:
        try:
            await providers.cancel_payment(provider, payments.cancel_request(payment, "not paid in time"), [])
        except DomainError:
            try:
                return "not expired; asked the gateway: " + await poll(payment, providers, bus, [])
            except DomainError as error:
                return f"not expired: {error.message}"
    reference = payments.gateway_reference(payment)
    event = PaymentEvent(
        event_id=f"host-expiry:{reference}", reference=reference, status=PaymentEventStatus.EXPIRED,
        amount=payments.gateway_amount(payment), provider_reference=payment.provider_reference,
        occurred_at=dt.datetime.now(dt.UTC),
        raw_status="expired by umkm-graph",
    )
    (outcome,) = await record(payment.provider, [event], PaymentEventSource.HOST, providers, bus)
    return outcome
