"""The ledgers of what gateways and couriers report: each report is recorded once, under its unique (provider, event
id) key, in the transaction of the change it makes; the news of that change is published after the commit.

A repeated report (or a webhook racing a poll) fails on the unique key and rolls back whatever it would have changed,
so it changes nothing twice. orders/payment_events.py and delivery/service.py keep their own rows and rules; this is
the loop and the once-only write they share.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

DUPLICATE = "duplicate: already recorded"

Report = TypeVar("Report")
News = TypeVar("News")


async def record_once(write: Callable[[], Awaitable[tuple[str, Sequence[News]]]]) -> tuple[str, Sequence[News]]:
    """Run `write` (apply the report and insert its ledger row) in a transaction; DUPLICATE, and nothing changed, when
    the row is there already."""
    try:
        async with in_transaction():
            return await write()
    except IntegrityError:
        return DUPLICATE, []


async def record_each(
    reports: Iterable[Report], record_one: Callable[[Report], Awaitable[tuple[str, Sequence[News]]]],
    publish: Callable[[News], Awaitable[None]],
) -> list[str]:
    """Record each report in turn, publishing its news after its own commit; the outcome of each, in order."""
    outcomes = []
    for report in reports:
        outcome, news = await record_one(report)
        for item in news:
            await publish(item)
        outcomes.append(outcome)
    return outcomes
