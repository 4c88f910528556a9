"""City monitoring, the parts every figure shares: who may read and write it, and the period a question covers.

Periods are calendar months ("2026-11") or inclusive date ranges, in WIB (Asia/Jakarta, UTC+7 all year: Indonesia has
had no daylight saving since 1964). A day starts at 00:00 WIB, which is 17:00 UTC the day before; a week starts on
Monday. The database stores UTC; a period becomes the half-open UTC interval [start, end).

The figures themselves live in participation, scorecards, price_watch and sales; their SQL in analytics_sql; the
k-anonymity rule in disclosure. examples/analytics/README.md defines every figure for analysts.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.core.wib import WIB, today_wib  # noqa: F401  (the city's modules read the calendar here)
from umkm_graph.people.access import require_role
from umkm_graph.people.models import Role, User

MAX_PERIOD_DAYS = 366
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_FIRST_YEAR, _LAST_YEAR = 2000, 2100


class Interval(enum.Enum):
    """How a series buckets time: by WIB day, by week (Monday to Sunday, WIB) or by calendar month."""

    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"


@dataclass(frozen=True)
class Period:
    first: dt.date  # the first day, WIB
    last: dt.date  # the last day, inclusive
    month: str | None = None  # "2026-11" when the period is exactly that calendar month

    @property
    def start(self) -> dt.datetime:
        """00:00 WIB of the first day, in UTC."""
        return wib_midnight(self.first)

    @property
    def end(self) -> dt.datetime:
        """00:00 WIB of the day after the last, in UTC: the period is [start, end)."""
        return wib_midnight(self.last + dt.timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def wib_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), WIB).astimezone(dt.UTC)


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(text: str, field: list[str] | str) -> Period:
    """A calendar month written YYYY-MM, as a Period."""
    match = _MONTH.fullmatch(text.strip())
    year, month = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    if not match or not 1 <= month <= 12 or not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise DomainError(ErrorCode.INVALID, f"{text[:20]!r} is not a month written YYYY-MM, e.g. 2026-11", field)
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return Period(first, following - dt.timedelta(days=1), month_key(first))


def date_range(first: dt.date, last: dt.date, field: list[str]) -> Period:
    if first > last:
        raise DomainError(ErrorCode.INVALID, "from must not be after to", [*field, "from"])
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise DomainError(ErrorCode.INVALID, f"A period spans at most {MAX_PERIOD_DAYS} days", [*field, "to"])
    if first.year < _FIRST_YEAR or last.year > _LAST_YEAR:
        raise DomainError(ErrorCode.INVALID, f"Dates must lie between {_FIRST_YEAR} and {_LAST_YEAR}", [*field, "from"])
    whole_month = first.day == 1 and (last + dt.timedelta(days=1)).day == 1 and first.month == last.month
    return Period(first, last, month_key(first) if whole_month else None)


def period_from(
    month: str | None, first: dt.date | None, last: dt.date | None, field: list[str] | None = None
) -> Period:
    """A period given as a month, or as from and to dates (both), but not both ways."""
    field = field or ["period"]
    if month is not None and (first is not None or last is not None):
        raise DomainError(ErrorCode.INVALID, "Give either month, or from and to; not both", field)
    if month is not None:
        return parse_month(month, [*field, "month"])
    if first is None or last is None:
        missing = "from" if first is None else "to"
        raise DomainError(ErrorCode.REQUIRED, "Give a month (YYYY-MM), or both from and to dates", [*field, missing])
    return date_range(first, last, field)


def require_reader(user: User | None) -> User:
    """Analysts and city officers read the monitoring figures; nobody else does."""
    return require_role(user, Role.ANALYST, Role.CITY_OFFICER)


def require_officer(user: User | None) -> User:
    """Only city officers set targets and reference prices; analysts read and write nothing."""
    return require_role(user, Role.CITY_OFFICER)
