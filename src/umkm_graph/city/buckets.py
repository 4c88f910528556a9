"""Fixed, closed buckets for figures about people, so that two answers cannot be subtracted to reveal one person.

k-anonymity holds within one answer. With free periods, the answer for [from, D] minus the answer for [from, D-1] is
one day's purchases, often one person's. So every figure about people (ASN participation, a shop's ASN buyer share,
sales crossed with the buyer type or counting buyers) is computed only over whole buckets: a period asked for snaps
outward to the whole WIB calendar months it touches (for sales, the whole days, weeks or months of its interval). Two
periods that end in the same bucket then give the same answer. A bucket that has not yet ended (the current one) is
open: its figures about people are withheld until it closes, or the same subtraction over time would reveal them.

Two more things change a month after it ends, and both are frozen. An order placed in it counts, in figures about
people, only if it was completed before the month settled (its end plus UMKM_ANALYTICS_SETTLE_DAYS), and the month
counts as closed only then; a buyer is an ASN in it only if their NIP was registered before it ended (users.asn_since).
And people are counted by calendar month only: sales per day or week give orders and GMV, never buyers or the buyer
type, so that a week minus its days cannot reveal a day withheld within its week.
"""

from __future__ import annotations

import datetime as dt

from umkm_graph.city.analytics import Interval, Period, month_key, wib_midnight

DEFAULT_SETTLE_DAYS = 7  # settings.analytics_settle_days


def _month_first(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month_last(day: dt.date) -> dt.date:
    following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def whole_months(period: Period) -> Period:
    """The whole calendar months the period touches: 17 to 24 September is September."""
    first, last = _month_first(period.first), _month_last(period.last)
    single = first.year == last.year and first.month == last.month
    return Period(first, last, month_key(first) if single else None)


def whole_buckets(period: Period, interval: Interval) -> Period:
    """The whole days, weeks (Monday to Sunday) or months of an interval that the period touches."""
    if interval is Interval.MONTH:
        return whole_months(period)
    if interval is Interval.WEEK:
        first = period.first - dt.timedelta(days=period.first.weekday())
        last = period.last + dt.timedelta(days=6 - period.last.weekday())
        return Period(first, last, period.month if (first, last) == (period.first, period.last) else None)
    return period


def is_closed(period: Period, now: dt.datetime | None = None) -> bool:
    """Whether the period's last day has ended in WIB, so that nothing placed in it is still to come."""
    return wib_midnight(period.last + dt.timedelta(days=1)) <= (now or dt.datetime.now(dt.UTC))


def settled_at(period: Period, settle_days: int) -> dt.datetime:
    """When the period's figures about people stop changing: the end of its last day, plus the settling days."""
    return period.end + dt.timedelta(days=settle_days)


def is_settled(period: Period, settle_days: int, now: dt.datetime | None = None) -> bool:
    """Whether the period has closed and its late completions have all been counted or are counted never."""
    return settled_at(period, settle_days) <= (now or dt.datetime.now(dt.UTC))


def bucket_closed(first_day: dt.date, interval: Interval, settle_days: int, now: dt.datetime | None = None) -> bool:
    """Whether the bucket starting on this day has ended; a month, which has figures about people, once settled."""
    if interval is Interval.MONTH:
        return is_settled(Period(first_day, _month_last(first_day)), settle_days, now)
    last = first_day + dt.timedelta(days=6) if interval is Interval.WEEK else first_day
    return is_closed(Period(first_day, last), now)
