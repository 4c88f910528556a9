"""Claims on background work, so that several processes running the same periodic jobs (server workers, cron on several
machines) do each due item once: a row is taken with a conditional UPDATE on its `claimed_until` column, which only one
process can win, and nobody takes it again until the claim runs out.

A claim is taken just before the item's gateway call and lasts one job interval: it is not released after the work, so N
processes each running the jobs every interval still ask about a payment once per interval between them. No transaction
or row lock is held across the gateway call; a process that dies mid-item only delays it until the claim runs out. The
work itself stays idempotent (conditional updates, ledgers unique on event id), so a claim that runs out while its
holder is still busy (a gateway hanging longer than the interval) costs a repeated call, never a double change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.expressions import Q
from tortoise.models import Model


def unclaimed(now: dt.datetime) -> Q:
    """The rows nobody holds at `now`: never claimed, or the claim has run out."""
    return Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)


async def claim(model: type[Model], row_id: int, now: dt.datetime, lease: dt.timedelta, **still: Any) -> bool:
    """Take the row until now + lease if nobody holds it and it still matches `still` (e.g. status=PENDING); whether
    this caller won. On PostgreSQL a concurrent claimer waits for the winner's row lock, then re-checks the condition
    against the new row and updates nothing."""
    taken = await model.filter(unclaimed(now), id=row_id, **still).update(claimed_until=now + lease)
    return bool(taken)
