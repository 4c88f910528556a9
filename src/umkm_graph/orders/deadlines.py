"""The order deadlines the jobs run (issue 13): a seller who does not accept a PLACED order in time loses it (stock back,
payment voided or refunded), with a reminder before; a DELIVERED, paid order completes itself after a window, so it
counts toward the city's figures; delivered cash on delivery still unconfirmed is flagged to the seller, later to the
city, and never completed silently.

Every window counts from when the order's current status began (`status_since`; null means since checkout) and reads
the one clock the caller passes (`now`), which tests move. Exactly once across processes: a cancel or a completion is
claimed per order (core/claims.py) and made by the state machine's conditional update; a reminder or a flag is a
conditional update of its own mark, which only one process wins. Whoever wins is the one to notify.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from tortoise.expressions import Q, Subquery
from tortoise.transactions import in_transaction

from umkm_graph.core.claims import claim, unclaimed
from umkm_graph.core.errors import DomainError
from umkm_graph.events import EventBus
from umkm_graph.orders import announcements
from umkm_graph.orders.models import Complaint, ComplaintStatus, Order, OrderStatus
from umkm_graph.orders.service import move_by_system, release
from umkm_graph.orders.states import ACCEPT_LAPSED, AUTO_COMPLETED, Transition
from umkm_graph.payments.models import Payment, PaymentStatus
from umkm_graph.plugin_host import Providers
from umkm_graph.settings import Settings

log = logging.getLogger("umkm_graph.deadlines")

BATCH = 100  # orders per deadline per run; the oldest first, so a backlog drains over a few runs
# A complaint not yet settled stops the order completing itself (orders/complaints.py).
OPEN_COMPLAINTS = (ComplaintStatus.OPEN, ComplaintStatus.REJECTED, ComplaintStatus.ESCALATED)


@dataclass(frozen=True)
class Windows:
    """The deadlines' lengths; None is off."""

    accept: dt.timedelta | None
    accept_reminder: dt.timedelta | None  # before the accept deadline
    auto_complete: dt.timedelta | None
    cash_seller: dt.timedelta | None
    cash_city: dt.timedelta | None

    @classmethod
    def of(cls, settings: Settings) -> Windows:
        def hours(value: int) -> dt.timedelta | None:
            return dt.timedelta(hours=value) if value > 0 else None

        return cls(hours(settings.accept_deadline_hours), hours(settings.accept_reminder_hours),
                   hours(settings.auto_complete_hours), hours(settings.cod_cash_seller_hours),
                   hours(settings.cod_cash_city_hours))


@dataclass(frozen=True)
class DeadlineReport:
    reminded: int = 0  # sellers reminded of the accept deadline
    cancelled: int = 0  # orders cancelled unaccepted
    completed: int = 0  # delivered orders completed by the system
    cash_flagged: int = 0  # unconfirmed COD cash flagged to the seller
    cash_escalated: int = 0  # ...and to the city

    def line(self) -> str:
        return (f"reminded {self.reminded} seller(s); cancelled {self.cancelled} unaccepted; completed "
                f"{self.completed} delivered; cash flagged {self.cash_flagged} to sellers, {self.cash_escalated} to the city")


def in_status_since(cutoff: dt.datetime) -> Q:
    """Orders whose current status began at `cutoff` or before."""
    return Q(status_since__lte=cutoff) | Q(status_since__isnull=True, created_at__lte=cutoff)


def accept_by(order: Order, windows: Windows) -> dt.datetime | None:
    """When a PLACED order is cancelled unless accepted; None for other orders, or with the deadline off."""
    if order.status != OrderStatus.PLACED or windows.accept is None:
        return None
    return (order.status_since or order.created_at) + windows.accept


def completes_at(order: Order, windows: Windows) -> dt.datetime | None:
    """When a DELIVERED order completes itself, once paid and with no open complaint; None otherwise."""
    if order.status != OrderStatus.DELIVERED or windows.auto_complete is None:
        return None
    return (order.status_since or order.created_at) + windows.auto_complete


def _paid() -> Subquery:
    return Subquery(Payment.filter(status=PaymentStatus.PAID).values("order_id"))


def _cash_pending(providers: Providers) -> Subquery:
    methods = [code for code, option in providers.payment_options.items() if option.method.cash_on_delivery]
    return Subquery(Payment.filter(status=PaymentStatus.PENDING, method__in=methods).values("order_id"))


async def run_deadlines(
    providers: Providers, events: EventBus, windows: Windows, now: dt.datetime, lease: dt.timedelta,
    limit: int = BATCH,
) -> DeadlineReport:
    """Every due deadline once; what was done here (other processes' share is theirs)."""
    return DeadlineReport(
        reminded=await _remind(windows, now, limit),
        cancelled=await _cancel_unaccepted(providers, events, windows, now, lease, limit),
        completed=await _complete_delivered(events, windows, now, lease, limit),
        cash_flagged=await _flag_cash(providers, windows, now, limit),
        cash_escalated=await _escalate_cash(providers, windows, now, limit),
    )


async def _remind(windows: Windows, now: dt.datetime, limit: int) -> int:
    if windows.accept is None or windows.accept_reminder is None:
        return 0
    cutoff = now - max(windows.accept - windows.accept_reminder, dt.timedelta(0))
    due = await Order.filter(in_status_since(cutoff), status=OrderStatus.PLACED, accept_reminded_at__isnull=True) \
        .order_by("created_at", "id").limit(limit)
    reminded = 0
    for order in due:
        async with in_transaction():  # the reminder exists exactly when the order says it was sent
            if await Order.filter(id=order.id, status=OrderStatus.PLACED, accept_reminded_at__isnull=True) \
                    .update(accept_reminded_at=now):
                reminded += 1
                await announcements.accept_reminder(order, accept_by(order, windows))
    return reminded


async def _cancel_unaccepted(
    providers: Providers, events: EventBus, windows: Windows, now: dt.datetime, lease: dt.timedelta, limit: int
) -> int:
    if windows.accept is None:
        return 0
    hours = int(windows.accept.total_seconds() // 3600)
    reason = f"The seller did not accept the order within {hours} hours"
    due = await Order.filter(unclaimed(now), in_status_since(now - windows.accept), status=OrderStatus.PLACED) \
        .order_by("created_at", "id").limit(limit)
    cancelled = 0
    for order in due:
        if not await claim(Order, order.id, now, lease, status=OrderStatus.PLACED):
            continue
        payment = await Payment.get_or_none(order_id=order.id)
        try:
            async with in_transaction():
                moved = await move_by_system(order, ACCEPT_LAPSED, reason)
                payment_event = await release(order, payment, providers, reason, None) if payment else None
        except DomainError as error:  # a gateway refusing the refund: the order stays PLACED, tried after the claim
            log.warning("cancelling unaccepted order %s: %s", order.reference, error.message)
            continue
        await events.publish(moved)
        if payment_event is not None:
            await events.publish(payment_event)
        cancelled += 1
        notify_cancelled_unaccepted(order, reason)
    return cancelled


async def _complete_delivered(
    events: EventBus, windows: Windows, now: dt.datetime, lease: dt.timedelta, limit: int
) -> int:
    if windows.auto_complete is None:
        return 0
    open_complaints = Subquery(Complaint.filter(status__in=OPEN_COMPLAINTS).values("order_id"))
    due = await Order.filter(unclaimed(now), in_status_since(now - windows.auto_complete), id__in=_paid(),
                             status=OrderStatus.DELIVERED).exclude(id__in=open_complaints) \
        .order_by("created_at", "id").limit(limit)
    completed = 0
    for order in due:
        if not await claim(Order, order.id, now, lease, status=OrderStatus.DELIVERED):
            continue
        if await _move(order, AUTO_COMPLETED, "Completed automatically: the buyer raised no complaint in time", events):
            completed += 1
            notify_auto_completed(order)
    return completed


async def _move(order: Order, rule: Transition, reason: str, events: EventBus) -> bool:
    try:
        async with in_transaction():
            moved = await move_by_system(order, rule, reason)
    except DomainError as error:  # changed meanwhile (the buyer completed it): nothing to do
        log.info("order %s: %s", order.reference, error.message)
        return False
    await events.publish(moved)
    return True


async def _flag_cash(providers: Providers, windows: Windows, now: dt.datetime, limit: int) -> int:
    if windows.cash_seller is None:
        return 0
    due = await Order.filter(in_status_since(now - windows.cash_seller), id__in=_cash_pending(providers),
                             status=OrderStatus.DELIVERED, cash_flagged_at__isnull=True) \
        .order_by("created_at", "id").limit(limit)
    flagged = 0
    for order in due:
        if await Order.filter(id=order.id, cash_flagged_at__isnull=True).update(cash_flagged_at=now):
            flagged += 1
            notify_cash_unconfirmed_to_seller(order)
    return flagged


async def _escalate_cash(providers: Providers, windows: Windows, now: dt.datetime, limit: int) -> int:
    if windows.cash_city is None:
        return 0
    due = await Order.filter(in_status_since(now - windows.cash_city), id__in=_cash_pending(providers),
                             status=OrderStatus.DELIVERED, cash_escalated_at__isnull=True) \
        .order_by("created_at", "id").limit(limit)
    escalated = 0
    for order in due:
        # The city hears of it after the seller was told (in this run, when both windows passed at once).
        changed = await Order.filter(id=order.id, cash_escalated_at__isnull=True) \
            .update(cash_escalated_at=now, cash_flagged_at=order.cash_flagged_at or now)
        if changed:
            escalated += 1
            notify_cash_unconfirmed_to_city(order)
    return escalated


# Logged only: a cancellation's messages go with the move itself (orders/announcements.py), and issue 13 names no
# message for a completion or for unconfirmed cash (the seller and the city see those on the order).

def notify_cancelled_unaccepted(order: Order, reason: str) -> None:
    # notification: cancelled (with the reason), to the buyer (and the seller)
    log.info("order %s: cancelled: %s", order.reference, reason)


def notify_auto_completed(order: Order) -> None:
    # notification: auto-completed, to the buyer and the seller
    log.info("order %s: completed automatically", order.reference)


def notify_cash_unconfirmed_to_seller(order: Order) -> None:
    # notification: COD cash unconfirmed, to the seller
    log.info("order %s: cash on delivery unconfirmed; seller told", order.reference)


def notify_cash_unconfirmed_to_city(order: Order) -> None:
    # notification: COD cash unconfirmed, to the city
    log.info("order %s: cash on delivery still unconfirmed; city told", order.reference)
