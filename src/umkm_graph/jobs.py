"""Background work on cashless payments: reconciliation (ask the gateway about payments still pending, so a missed
webhook is recovered) and expiry (cancel what was not paid in time), polling couriers that went quiet, sending the
notification outbox (notifications/sending.py), following payouts to shops still pending at their provider
(balances/payouts.py), the order deadlines (orders/deadlines.py), the sweeps of old idempotency keys and of spent
password reset codes (password_reset/service.py), the reminders of certificates about to expire (growth/reminders.py),
and the referral rewards (growth/rewards.py). The `umkm-graph jobs` command runs them once; the server runs
them every UMKM_PAYMENT_JOBS_INTERVAL_SECONDS from its lifespan.

Every server worker, and cron on every machine, may run them: each payment is claimed (core/claims.py) by one
process just before its gateway call, and the claim lasts one interval, so between them the processes ask about a
pending payment once per interval and cancel an expired one once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass

from umkm_graph.balances import payouts as balances
from umkm_graph.core.claims import claim, unclaimed
from umkm_graph.core.errors import DomainError
from umkm_graph.delivery import remittance
from umkm_graph.delivery import service as delivery
from umkm_graph.events import EventBus
from umkm_graph.notifications.sending import OutboxPolicy, SendReport, deliver_due
from umkm_graph.growth import reminders, rewards, trending
from umkm_graph.orders import payment_events
from umkm_graph.orders.deadlines import DeadlineReport, Windows, run_deadlines
from umkm_graph.password_reset import service as password_reset
from umkm_graph.payments import idempotency
from umkm_graph.payments import service as payments
from umkm_graph.payments.models import Payment, PaymentStatus
from umkm_graph.plugin_host import Providers
from umkm_graph.settings import Settings

log = logging.getLogger("umkm_graph.jobs")

BATCH = 100  # payments per job per run; the oldest first, so a backlog drains over a few runs
LEASE = dt.timedelta(seconds=60)  # how long a claim lasts when the caller names no interval (the CLI's default)


@dataclass(frozen=True)
class JobReport:
    checked: int  # pending payments asked about
    settled: int  # ...of which the gateway said were paid
    expired: int  # unpaid payments expired here and cancelled at the gateway
    messages: SendReport = SendReport()  # the outbox's messages this process sent, will retry, or gave up
    payouts: int = 0  # pending payouts to shops asked about
    payouts_done: int = 0  # ...of which the provider said were paid or failed

    def line(self) -> str:
        sent = self.messages
        return (f"reconciled {self.checked} pending payment(s), {self.settled} settled; expired {self.expired}; "
                f"sent {sent.sent} message(s), {sent.retrying} to retry, {sent.failed} given up; "
                f"followed {self.payouts} pending payout(s), {self.payouts_done} done")


def _cashless_pending(providers: Providers, now: dt.datetime):  # type: ignore[no-untyped-def]
    methods = [code for code, option in providers.payment_options.items()
               if not option.method.cash_on_delivery and payments.can_tell_outcome(option.provider)]
    return Payment.filter(unclaimed(now), status=PaymentStatus.PENDING, method__in=methods)


async def _claimed(candidates: list[Payment], now: dt.datetime, lease: dt.timedelta):  # type: ignore[no-untyped-def]
    """The candidates this process wins, one at a time, each just before its work: a claim never waits on others'
    gateway calls, and a slow gateway cannot outlast the claims of payments not yet reached. A charge shared by
    several orders is asked about once: its first payment stands for all (its answer settles or lapses every one)."""
    charges: set[str] = set()
    for payment in candidates:
        charge = payments.gateway_reference(payment)
        if charge not in charges and await claim(Payment, payment.id, now, lease, status=PaymentStatus.PENDING):
            charges.add(charge)
            yield payment


async def reconcile(
    providers: Providers, events: EventBus, limit: int = BATCH, *, now: dt.datetime | None = None,
    lease: dt.timedelta = LEASE,
) -> tuple[int, int]:
    """Ask the gateway about each pending cashless payment nobody else holds; (asked, settled)."""
    now = now or dt.datetime.now(dt.UTC)
    asked, settled, _ = await _reconcile(providers, events, now, limit, lease, expire_due=False)
    return asked, settled


async def _reconcile(
    providers: Providers, events: EventBus, now: dt.datetime, limit: int, lease: dt.timedelta, *, expire_due: bool
) -> tuple[int, int, int]:
    pending = await _cashless_pending(providers, now).order_by("created_at", "id").limit(limit)
    asked = settled = expired = 0
    async for payment in _claimed(pending, now, lease):
        asked += 1
        try:
            settled += await payment_events.poll(payment, providers, events, []) == "PAID"
        except DomainError as error:
            log.warning("reconciling payment %s: %s", payment.reference, error.message)
        # Still unpaid after asking, and due: expire it under the same claim, so no other process asks again first.
        if expire_due and payment.expires_at is not None and payment.expires_at <= now and \
                await Payment.exists(id=payment.id, status=PaymentStatus.PENDING):
            expired += await payment_events.expire(payment, providers, events) == PaymentStatus.EXPIRED.value
    return asked, settled, expired


async def expire(
    providers: Providers, events: EventBus, now: dt.datetime | None = None, limit: int = BATCH, *,
    lease: dt.timedelta = LEASE,
) -> int:
    """Expire the pending cashless payments whose time is up and that nobody else holds; how many expired."""
    now = now or dt.datetime.now(dt.UTC)
    due = await _cashless_pending(providers, now).filter(expires_at__lte=now).order_by("expires_at", "id").limit(limit)
    expired = 0
    async for payment in _claimed(due, now, lease):
        outcome = await payment_events.expire(payment, providers, events)
        expired += outcome == PaymentStatus.EXPIRED.value
    return expired


async def run_once(
    providers: Providers, events: EventBus, now: dt.datetime | None = None, *, lease: dt.timedelta = LEASE,
    outbox: OutboxPolicy | None = None,
) -> JobReport:
    """Reconcile first, so a payment paid without its webhook is settled rather than expired; what is due and was not
    reconciled in this run (beyond the batch) is expired after. Then the outbox is sent (with this policy, when given),
    the messages these changes caused among them."""
    now = now or dt.datetime.now(dt.UTC)
    checked, settled, expired = await _reconcile(providers, events, now, BATCH, lease, expire_due=True)
    expired += await expire(providers, events, now, lease=lease)
    # Sent by a clock no earlier than the wall's, so the messages this run's changes caused go out in this run too.
    later = max(now, dt.datetime.now(dt.UTC))
    messages = await deliver_due(providers, outbox, later, lease=lease) if outbox is not None else SendReport()
    payouts, payouts_done = await balances.follow_pending(providers, now, lease)
    return JobReport(checked=checked, settled=settled, expired=expired, messages=messages, payouts=payouts,
                     payouts_done=payouts_done)


@dataclass(frozen=True)
class OrderJobsReport:
    deadlines: DeadlineReport
    keys_swept: int  # idempotency keys forgotten
    certificates_reminded: int = 0  # sellers reminded of a certificate about to expire (growth/reminders.py)
    rewards_granted: int = 0  # referral reward vouchers granted (growth/rewards.py)
    reset_codes_swept: int = 0  # password reset codes used or expired, deleted

    def line(self) -> str:
        return (f"{self.deadlines.line()}; swept {self.keys_swept} idempotency key(s) and {self.reset_codes_swept} "
                f"spent reset code(s); reminded {self.certificates_reminded} seller(s) of expiring certificates; "
                f"granted {self.rewards_granted} referral reward voucher(s)")


async def run_order_jobs(
    providers: Providers, events: EventBus, settings: Settings, now: dt.datetime | None = None, *,
    lease: dt.timedelta = LEASE,
) -> OrderJobsReport:
    """The order deadlines due at `now` (the one clock: tests pass a later one), then the sweeps of old keys and of
    spent or expired password reset codes, then the reminders of certificates about to expire, then the referral
    rewards of orders completed."""
    now = now or dt.datetime.now(dt.UTC)
    deadlines = await run_deadlines(providers, events, Windows.of(settings), now, lease)
    swept = await idempotency.sweep(now, dt.timedelta(hours=settings.idempotency_key_hours))
    codes_swept = await password_reset.sweep(now)
    reminded = await reminders.remind_expiring(settings.certificate_reminder_days, now)
    granted = await rewards.grant_referral_rewards(now)
    return OrderJobsReport(deadlines, swept, reminded, granted, codes_swept)


async def run_forever(providers: Providers, events: EventBus, interval: float, settings: Settings) -> None:
    """The server's periodic task: a failing run is logged and the next one comes anyway. A claim lasts one interval."""
    lease = dt.timedelta(seconds=interval)
    outbox = OutboxPolicy.from_settings(settings)
    while True:
        await asyncio.sleep(interval)
        try:
            report = await run_once(providers, events, lease=lease, outbox=outbox)
        except Exception:
            log.exception("payment jobs failed; trying again in %ss", interval)
            continue
        if report.checked or report.expired or report.messages != SendReport():
            log.info("payment jobs: %s", report.line())
        try:
            # Couriers silent for a while: a webhook may be lost.
            await delivery.poll_shipments(providers, events, lease=lease)
            await remittance.poll_remittances(providers, events)  # cash a courier collected and has not paid on yet
        except Exception:
            log.exception("polling couriers failed; trying again in %ss", interval)
        try:
            orders = await run_order_jobs(providers, events, settings, lease=lease)
            if orders.deadlines != DeadlineReport() or orders.keys_swept or orders.certificates_reminded or \
                    orders.rewards_granted or orders.reset_codes_swept:
                log.info("order jobs: %s", orders.line())
        except Exception:
            log.exception("order jobs failed; trying again in %ss", interval)


async def run_growth_forever(rules: trending.TrendingRules) -> None:
    """The server's periodic recomputation of what is trending: at start, then whenever the latest run is older than
    rules.refresh_seconds (whichever process comes first; a second run at once is harmless, each run is whole)."""
    while True:
        try:
            run = await trending.refresh_when_due(rules)
            if run is not None:
                log.info("trending recomputed: run %s", run.id)
        except Exception:
            log.exception("computing what is trending failed; trying again in %ss", rules.refresh_seconds)
        await asyncio.sleep(rules.refresh_seconds)
