"""Sales aggregates: GMV, orders and buyers per WIB day, week or month, crossed with any of the shop's kecamatan, the
product's category, the payment method (or just cash on delivery versus cashless) and the buyer type (ASN or resident).

A sale is a COMPLETED order dated by when it was placed; GMV is its goods (subtotal), or, crossed with category, its lines:
gross, at their prices; net, less what vouchers took off them (shop promotions and city programmes alike; a city
programme's part is still paid to the shop as a subsidy, so net is what buyers paid for the goods, not what shops got).
Each row counts the distinct buyers behind it, and disclosure.withheld hides rows of fewer than k of them within each
bucket, so a bucket's total (asked without dimensions) minus its shown rows never reveals a small group. The period
snaps to whole buckets of the interval, and a bucket that has not ended (a month: settled) is withheld whole (see
buckets), so that two periods, or two moments, cannot be subtracted to reveal a day's purchases.

The buyer type is crossed with no other dimension (hardening II, item 5): a kecamatan's row without it minus its shown
RESIDENT row would be its withheld ASN row, as complementary suppression holds within one table only. Alone, its two rows
per month are shown or withheld together (a small one takes the other as its complement).

People are counted by month only: per day or week, buyers are withheld from every row and the buyer type is refused,
since a week's row minus its shown days would reveal a day's withheld row.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from umkm_graph.city import analytics_sql as sql
from umkm_graph.city.analytics import Interval, Period
from umkm_graph.city.buckets import DEFAULT_SETTLE_DAYS, bucket_closed, whole_buckets
from umkm_graph.city.disclosure import withheld
from umkm_graph.core.errors import DomainError, ErrorCode

MAX_ROWS = 10_000


class SalesDimension(enum.Enum):
    KECAMATAN = "kecamatan"
    CATEGORY = "category"
    PAYMENT_METHOD = "payment_method"
    PAYMENT_KIND = "payment_kind"  # COD or CASHLESS
    BUYER_TYPE = "buyer_type"  # ASN or RESIDENT


@dataclass(frozen=True)
class SalesRow:
    start: dt.date  # the bucket's first day
    keys: dict[str, str]  # the row's value of each dimension asked for, by SalesDimension value
    orders: int | None
    gmv: int | None  # gross
    buyers: int | None
    suppressed: bool = False
    gmv_net: int | None = None


@dataclass(frozen=True)
class SalesReport:
    period: Period
    interval: Interval
    dimensions: tuple[SalesDimension, ...]
    min_group_size: int
    rows: list[SalesRow]
    closed: bool = False  # every bucket has ended (a month: settled)

    @property
    def people_withheld(self) -> bool:
        """Figures about people come by month only."""
        return self.interval is not Interval.MONTH


async def sales(
    period: Period, interval: Interval, dimensions: Sequence[SalesDimension], k: int, cash_methods: Collection[str],
    settle_days: int = DEFAULT_SETTLE_DAYS,
) -> SalesReport:
    """Sales per bucket and dimension values; `cash_methods` are the payment method codes paid in cash on delivery."""
    period = whole_buckets(period, interval)
    dims = tuple(dict.fromkeys(dimensions))  # each once, in the order asked
    if SalesDimension.BUYER_TYPE in dims and interval is not Interval.MONTH:
        raise DomainError(ErrorCode.INVALID, "The buyer type is a figure about people, given by MONTH only", "by")
    if SalesDimension.BUYER_TYPE in dims and len(dims) > 1:
        raise DomainError(ErrorCode.INVALID, "The buyer type is given alone: crossed with another dimension, the "
                                             "dimension's totals minus its RESIDENT rows would reveal withheld ASN rows",
                          "by")
    names = [dim.value for dim in dims]
    statement = sql.sales(sql.dialect(), interval, names)
    rows = await sql.fetch(statement, start=period.start, end=period.end, cash_methods=sorted(cash_methods),
                           settle_seconds=settle_days * 86_400, limit=MAX_ROWS + 1)
    if len(rows) > MAX_ROWS:
        raise DomainError(ErrorCode.INVALID, f"More than {MAX_ROWS} rows: ask for a longer interval, a shorter period "
                                             "or fewer dimensions", "by")
    found = sorted(
        (SalesRow(dt.date.fromisoformat(str(row["start_day"])), {name: str(row[name]) for name in names},
                  int(row["orders"]), int(row["gmv"]), int(row["buyers"]), gmv_net=int(row["gmv_net"]))
         for row in rows),
        key=lambda r: (r.start, [r.keys[name] for name in names]),
    )
    closed = bucket_closed(_last_bucket(period, interval), interval, settle_days)
    return SalesReport(period, interval, dims, k, _suppress(found, k, interval, settle_days), closed)


def _last_bucket(period: Period, interval: Interval) -> dt.date:
    if interval is Interval.MONTH:
        return period.last.replace(day=1)
    return period.last - dt.timedelta(days=6 if interval is Interval.WEEK else 0)


def _suppress(rows: list[SalesRow], k: int, interval: Interval, settle_days: int) -> list[SalesRow]:
    out: list[SalesRow] = []
    start = 0
    while start < len(rows):
        end = start
        while end < len(rows) and rows[end].start == rows[start].start:
            end += 1
        bucket = rows[start:end]
        closed = bucket_closed(bucket[0].start, interval, settle_days)
        hidden = withheld([row.buyers or 0 for row in bucket], k) if closed else set(range(len(bucket)))
        buyers_shown = interval is Interval.MONTH
        out += [SalesRow(row.start, row.keys, None, None, None, True) if i in hidden
                else SalesRow(row.start, row.keys, row.orders, row.gmv, row.buyers if buyers_shown else None,
                              gmv_net=row.gmv_net)
                for i, row in enumerate(bucket)]
        start = end
    return out
