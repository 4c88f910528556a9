"""core/ledger.py, the mechanism both ledgers (payment and courier reports) share: a report recorded twice changes
nothing the second time, and news is published only for what was recorded, in order."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from tortoise.context import TortoiseContext

from umkm_graph.core.ledger import DUPLICATE, record_each, record_once
from umkm_graph.db import tortoise_config
from umkm_graph.payments.models import PaymentEventRecord, PaymentEventSource, ReportedPaymentStatus


@pytest.fixture(autouse=True)
async def database() -> AsyncIterator[None]:
    async with TortoiseContext() as context:
        await context.init(config=tortoise_config("sqlite://:memory:"))
        await context.generate_schemas()
        yield


async def _record(event_id: str) -> tuple[str, list[str]]:
    async def write() -> tuple[str, list[str]]:
        await PaymentEventRecord.create(provider="fake", event_id=event_id, reference="UMKM-1",
                                        status=ReportedPaymentStatus.PAID, source=PaymentEventSource.WEBHOOK)
        return f"recorded {event_id}", [f"news of {event_id}"]

    return await record_once(write)


async def test_a_repeated_report_is_a_duplicate_and_publishes_nothing() -> None:
    published: list[str] = []

    async def publish(news: str) -> None:
        published.append(news)

    outcomes = await record_each(["e1", "e2", "e1"], _record, publish)
    assert outcomes == ["recorded e1", "recorded e2", DUPLICATE]
    assert published == ["news of e1", "news of e2"]
    assert await PaymentEventRecord.all().count() == 2


async def test_a_failed_report_rolls_back_what_it_wrote() -> None:
    async def write() -> tuple[str, list[str]]:
        await PaymentEventRecord.create(provider="fake", event_id="e9", reference="UMKM-9",
                                        status=ReportedPaymentStatus.PAID, source=PaymentEventSource.POLL)
        raise RuntimeError("the change failed after the row was written")

    with pytest.raises(RuntimeError):
        await record_once(write)
    assert not await PaymentEventRecord.exists(event_id="e9")
