"""Background jobs run by several processes at once: each due payment is claimed by one of them, so the gateway is asked
about it once, an expired one is cancelled once, and its ledger, history and events hold one entry per change.

On PostgreSQL the jobs run as several `umkm-graph jobs` processes at once, each with its own connections (and, when
Redis answers, publishing their events to it, so this test hears every event once). SQLite allows one writing process,
so there the same jobs run as several concurrent tasks in this process.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import re
import uuid
from pathlib import Path

import pytest

from tests.helpers.checkout import market, stock
from tests.helpers.database import REDIS_URL, TEST_DATABASE_URL, redis_available
from tests.helpers.payments import Live, jobs_processes, order_of, pay_by_qris, serve_live
from umkm_graph import jobs
from umkm_graph.events import OrderStatusChanged, PaymentStatusChanged
from umkm_graph.payments.models import Payment
from umkm_graph.settings import Settings

PAYMENTS = 16
RUNNERS = 4
LINE = re.compile(r"reconciled (\d+) pending payment\(s\), (\d+) settled; expired (\d+)")
ON_POSTGRES = bool(TEST_DATABASE_URL and TEST_DATABASE_URL.startswith("postgres"))


def _report(output: str, only: str | None) -> jobs.JobReport:
    """What one `umkm-graph jobs` process printed, as a report."""
    found = re.search(r"expired (\d+)" if only == "expire" else LINE.pattern, output)
    assert found is not None, output
    return jobs.JobReport(0, 0, int(found.group(1))) if only == "expire" else jobs.JobReport(*map(int, found.groups()))


async def _run_tasks(live: Live, only: str | None) -> list[jobs.JobReport]:
    """RUNNERS concurrent runs in this process (SQLite: one writing process)."""
    state = live.app.state

    async def one() -> jobs.JobReport:
        if only == "expire":
            return jobs.JobReport(0, 0, await jobs.expire(state.providers, state.events))
        return await jobs.run_once(state.providers, state.events)

    return list(await asyncio.gather(*(one() for _ in range(RUNNERS))))


async def _heard_everything(live: Live) -> None:
    """Wait until this process has heard every event the job processes published: Redis delivers a channel's messages
    in the order it received them, and theirs were all sent before this marker."""
    marker = OrderStatusChanged(order_id=-1, shop_id=0, buyer_id=0, from_status=None, to_status="MARKER", actor_id=None,
                                reason=None, at=dt.datetime.now(dt.UTC))
    await live.app.state.events.publish(marker)
    for _ in range(600):
        if marker in live.published:
            live.published.remove(marker)
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the marker event never came back through Redis")


@pytest.mark.parametrize("only", [None, "expire"])
async def test_concurrent_job_runs_handle_each_due_payment_exactly_once(
    live_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, only: str | None
) -> None:
    database = TEST_DATABASE_URL or "sqlite://:memory:"
    redis_env: dict[str, str] = {}
    if ON_POSTGRES and await redis_available():
        redis_env = {"UMKM_REDIS_URL": REDIS_URL, "UMKM_REDIS_CHANNEL": f"test-jobs:{uuid.uuid4().hex}"}
    settings = dataclasses.replace(live_settings, database_url=database, redis_url=redis_env.get("UMKM_REDIS_URL"),
                                   redis_channel=redis_env.get("UMKM_REDIS_CHANNEL", live_settings.redis_channel))
    async with serve_live(settings, monkeypatch) as live:
        m = await market(live.api)
        placed = [await pay_by_qris(live, m, quantity=1, payment="MIDTRANS_QRIS") for _ in range(PAYMENTS)]
        paid = placed[::2] if only is None else []  # paid, but their notifications were lost
        for order in paid:
            await live.fake.pay(order["reference"], notify=False)
        # An hour passes: every payment is due (the jobs' processes read the clock, so the payments' deadlines move).
        await Payment.all().update(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        live.fake.delay = 0.02  # each gateway call takes a moment, so the runners overlap
        if redis_env:
            await _heard_everything(live)
        live.published.clear()

        if ON_POSTGRES:
            outputs = await jobs_processes(live, database, RUNNERS, *(["--only", only] if only else []), env=redis_env)
            reports = [_report(output, only) for output in outputs]
        else:
            reports = await _run_tasks(live, only)

        unpaid = [order for order in placed if order not in paid]
        # Between them, the runners asked about every payment once, settled the paid ones and expired the rest.
        assert sum(r.checked for r in reports) == (PAYMENTS if only is None else 0)
        assert sum(r.settled for r in reports) == len(paid)
        assert sum(r.expired for r in reports) == len(unpaid)
        for order in placed:
            reference = order["reference"]
            assert live.fake.count("status", reference) == (1 if only is None else 0), reference
            assert live.fake.count("cancel", reference) == (0 if order in paid else 1), reference
            final = await order_of(live, order, m.buyer)
            history = [(h["status"], h["source"]) for h in final["payment"]["history"]]
            if order in paid:
                assert (final["status"], final["payment"]["status"]) == ("PLACED", "PAID")
                assert history == [("PAID", "POLL")]
            else:
                assert (final["status"], final["payment"]["status"]) == ("CANCELLED", "EXPIRED")
                assert history == ([("PENDING", "POLL")] if only is None else []) + [("EXPIRED", "HOST")]
                assert live.fake.transactions[reference].status == "cancel"
            assert [h["toStatus"] for h in final["history"]] == ["AWAITING_PAYMENT", final["status"]]
        assert await stock(live.api, m.beras, m.seller) == 20 - len(paid)

        if redis_env or not ON_POSTGRES:  # events reach this process: through Redis, or in it
            if redis_env:
                await _heard_everything(live)
            assert sorted(e.order_id for e in live.changes(PaymentStatusChanged)) == \
                sorted(int(order["id"]) for order in placed)
            assert len(live.changes(PaymentStatusChanged, status="EXPIRED")) == len(unpaid)
            assert len(live.changes(OrderStatusChanged, to_status="PLACED")) == len(paid)
            assert len(live.changes(OrderStatusChanged, to_status="CANCELLED")) == len(unpaid)

        # Nothing is left for a later run, once every claim has run out.
        later = await live.run_jobs(now=dt.datetime.now(dt.UTC) + jobs.LEASE)
        assert (later.checked, later.settled, later.expired) == (0, 0, 0)
