"""Background work on cashless payments: reconciliation (ask the gateway about payments still pending, so a missed webhook
is recovered) and expiry (cancel what was not paid in time). The `umkm-graph jobs` command runs them once; the server
runs them every UMKM_PAYMENT_JOBS_INTERVAL_SECONDS from its lifespan.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass

from umkm_graph.events import EventBus
from umkm_graph.models import Payment, PaymentStatus
from umkm_graph.plugins import Providers
from umkm_graph.services import delivery, payment_events, payments
from umkm_graph.services.errors import DomainError

log = logging.getLogger("umkm_graph.jobs")

BATCH = 100  # payments per job per run; the oldest first, so a backlog drains over a few runs


@dataclass(frozen=True)
class JobReport:
    checked: int  # pending payments asked about
    settled: int  # ...of which the gateway said were paid
    expired: int  # unpaid payments expired here and cancelled at the gateway

    def line(self) -> str:
        return f"reconciled {self.checked} pending payment(s), {self.settled} settled; expired {self.expired}"


def _cashless_pending(providers: Providers):  # type: ignore[no-untyped-def]
    methods = [code for code, option in providers.payment_options.items()
               if not option.method.cash_on_delivery and payments.can_tell_outcome(option.provider)]
    return Payment.filter(status=PaymentStatus.PENDING, method__in=methods)


async def reconcile(providers: Providers, events: EventBus, limit: int = BATCH) -> tuple[int, int]:
    """Ask the gateway about each pending cashless payment; (asked, settled)."""
    pending = await _cashless_pending(providers).order_by("created_at", "id").limit(limit)
    settled = 0
    for payment in pending:
        try:
            outcome = await payment_events.poll(payment, providers, events, [])
        except DomainError as error:
            log.warning("reconciling payment %s: %s", payment.reference, error.message)
            continue
        settled += outcome == "PAID"
    return len(pending), settled


async def expire(providers: Providers, events: EventBus, now: dt.datetime | None = None, limit: int = BATCH) -> int:
    """Expire the pending cashless payments whose time is up; how many expired."""
    now = now or dt.datetime.now(dt.UTC)
    due = await _cashless_pending(providers).filter(expires_at__lte=now).order_by("expires_at", "id").limit(limit)
    expired = 0
    for payment in due:
        outcome = await payment_events.expire(payment, providers, events)
        expired += outcome == PaymentStatus.EXPIRED.value
    return expired


async def run_once(providers: Providers, events: EventBus, now: dt.datetime | None = None) -> JobReport:
    """Reconcile first, so a payment paid without its webhook is settled rather than expired."""
    checked, settled = await reconcile(providers, events)
    return JobReport(checked=checked, settled=settled, expired=await expire(providers, events, now))


async def run_forever(providers: Providers, events: EventBus, interval: float) -> None:
    """The server's periodic task: a failing run is logged and the next one comes anyway."""
    while True:
        await asyncio.sleep(interval)
        try:
            report = await run_once(providers, events)
        except Exception:
            log.exception("payment jobs failed; trying again in %ss", interval)
            continue
        if report.checked or report.expired:
            log.info("payment jobs: %s", report.line())
        try:
            await delivery.poll_shipments(providers, events)  # couriers silent for a while: a webhook may be lost
        except Exception:
            log.exception("polling couriers failed; trying again in %ss", interval)
