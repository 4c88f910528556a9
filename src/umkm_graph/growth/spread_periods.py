"""How demand spreads, week by week or month by month (issue 17, section 2): citySpread's figures per WIB week (Monday
to Sunday) or calendar month of a period, for city officers and analysts.

- Each figure is dated by its own moment: a share by when the link was made, a visit by when it was counted, an
  attributed order by when it was placed; referred buyers are the accounts registered with a referral code that
  placed a counted order in the bucket (so one buyer counts in each bucket they bought in).
- Fixed, closed buckets (city/buckets.py): the period snaps outward to whole weeks or months; a bucket not yet ended
  (a month: not yet settled, UMKM_ANALYTICS_SETTLE_DAYS after its end) shows no rows, closed false, so that asking
  again a day later cannot be subtracted to reveal one day. DAY is refused: a day's spread is a handful of people.
- k-anonymity within each bucket's table as citySpread's (spread.py). Referred buyers count people, and people are
  counted by month only (as citySales' buyers): per WEEK they are withheld (null) in every row, so that a month
  minus its whole weeks cannot reveal a few days' new buyers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from umkm_graph.city.analytics import Interval, Period, require_reader
from umkm_graph.city.analytics_sql.base import dialect, fetch, wib_bucket
from umkm_graph.city.buckets import bucket_closed, whole_buckets
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.growth.spread import MOMENTS, SHARER_OPD, SHOP_KECAMATAN, SpreadRow, fill, statements
from umkm_graph.growth.trending import COUNTED
from umkm_graph.people.models import User


@dataclass(frozen=True)
class SpreadBucket:
    first: dt.date  # the bucket's first day, WIB
    last: dt.date
    closed: bool  # ended (a month: settled); an open bucket has no rows
    by_kecamatan: list[SpreadRow]
    by_opd: list[SpreadRow]


@dataclass(frozen=True)
class SpreadSeries:
    period: Period  # snapped to whole buckets
    interval: Interval
    k: int
    buckets: list[SpreadBucket]


def _bucket_days(period: Period, interval: Interval) -> list[tuple[dt.date, dt.date]]:
    """Each bucket's first and last day, in order, over a period already snapped to whole buckets."""
    days, first = [], period.first
    while first <= period.last:
        if interval is Interval.WEEK:
            following = first + dt.timedelta(days=7)
        else:
            following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        days.append((first, following - dt.timedelta(days=1)))
        first = following
    return days


async def _found(by: tuple[str, str, str], period: Period, interval: Interval) -> dict[str, dict[str, list[Any]]]:
    """bucket's first day (YYYY-MM-DD) -> figure name -> its rows."""
    d = dialect()
    found: dict[str, dict[str, list[Any]]] = {}
    for name, sql in statements(by, lambda column: wib_bucket(d, column, interval)).items():
        for row in await fetch(sql, counted=COUNTED, start=period.start, end=period.end):
            found.setdefault(str(row["bucket"]), {}).setdefault(name, []).append(row)
    return found


def _table(found: dict[str, list[Any]], k: int, interval: Interval) -> list[SpreadRow]:
    every = {name: found.get(name, []) for name in MOMENTS}  # a figure with no rows in the bucket is 0, not withheld
    rows = {str(row["key"]): SpreadRow(key=str(row["key"])) for figures in every.values() for row in figures}
    table = fill(rows, every, k)
    if interval is Interval.WEEK:  # people by month only
        for row in table:
            row.referred_buyers = None
    return table


async def city_spread_by_period(user: User | None, period: Period, interval: Interval, k: int,
                                settle_days: int) -> SpreadSeries:
    require_reader(user)
    if interval is Interval.DAY:
        raise DomainError(ErrorCode.INVALID, "The spread is given by WEEK or MONTH: a day's figures describe too few "
                                             "people", "interval")
    period = whole_buckets(period, interval)
    by_kecamatan = await _found(SHOP_KECAMATAN, period, interval)
    by_opd = await _found(SHARER_OPD, period, interval)
    buckets = []
    for first, last in _bucket_days(period, interval):
        closed = bucket_closed(first, interval, settle_days)
        key = first.isoformat()
        buckets.append(SpreadBucket(
            first, last, closed,
            _table(by_kecamatan.get(key, {}), k, interval) if closed else [],
            _table(by_opd.get(key, {}), k, interval) if closed else []))
    return SpreadSeries(period, interval, k, buckets)
