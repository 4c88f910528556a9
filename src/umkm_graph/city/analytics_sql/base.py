"""The rendering, fetching and shared fragments of the city's SQL: see the package docstring for the rules."""


from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from tortoise.backends.base.client import BaseDBAsyncClient

from umkm_graph.city.analytics import Interval
from umkm_graph.core.orm_compat import connection_of
from umkm_graph.db import analytics_connection
from umkm_graph.orders.models import Order

Dialect = Literal["sqlite", "postgres"]

# A quoted literal (left alone) or a :name parameter.
_TOKEN = re.compile(r"'[^']*'|(?<![:\w]):([a-z_][a-z0-9_]*)")


def connection() -> BaseDBAsyncClient:
    """Where the aggregates read: the analytics replica when UMKM_ANALYTICS_DATABASE_URL configures one, so the city's
    heavy queries stay off the primary that takes checkouts; otherwise the primary."""
    return analytics_connection() or connection_of(Order)


def dialect() -> Dialect:
    name = connection().capabilities.dialect
    if name not in ("sqlite", "postgres"):
        raise RuntimeError(f"The analytics run on SQLite or PostgreSQL, not {name}")
    return name  # type: ignore[return-value]


def render(sql: str, params: Mapping[str, Any], dialect: Dialect) -> tuple[str, list[Any]]:
    """The statement with its :name parameters replaced by the dialect's placeholders, and the values in order."""
    values: list[Any] = []
    numbered: dict[str, int] = {}

    def placeholder(value: Any) -> str:
        values.append(value)
        return "?" if dialect == "sqlite" else f"${len(values)}"

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)
        value = params[name]
        if isinstance(value, (list, tuple, set, frozenset)):
            items = sorted(value) if isinstance(value, (set, frozenset)) else list(value)
            return "(" + ", ".join(placeholder(item) for item in items) + ")" if items else "(NULL)"
        if dialect == "postgres" and name in numbered:
            return f"${numbered[name]}"
        text = placeholder(value)
        numbered[name] = len(values)
        return text

    return _TOKEN.sub(replace, sql), values


async def fetch(sql: str, **params: Any) -> list[dict[str, Any]]:
    """Run one statement on the analytics connection and answer its rows as dicts."""
    db = connection()
    text, values = render(sql, params, dialect())
    return list(await db.execute_query_dict(text, values))


# --- fragments -------------------------------------------------------------------------------------------------------


def median(value: str, of: str = "") -> str:
    """The median of `value` over a GROUP BY whose rows (of table alias `of`, if given) carry rn, the row's rank
    within its group, and n, the group's size."""
    rn, n = (f"{of}.rn", f"{of}.n") if of else ("rn", "n")
    middle = f"{rn} IN (({n} + 1) / 2, ({n} + 2) / 2)"
    return (f"CAST(2 * SUM(CASE WHEN {middle} THEN {value} END) + COUNT(CASE WHEN {middle} THEN 1 END) AS BIGINT)"
            f" / NULLIF(2 * COUNT(CASE WHEN {middle} THEN 1 END), 0)")


def percentile_median(value: str) -> str:
    """PostgreSQL's median of `value` over a GROUP BY, rounded half up as median() rounds: the mean of the two middle
    values is a whole number or ends in .5, which double precision holds exactly."""
    return f"CAST(FLOOR(percentile_cont(0.5) WITHIN GROUP (ORDER BY {value}) + 0.5) AS BIGINT)"


def grouping_total(column: str) -> str:
    """The column, or '' on the total row of GROUPING SETS (where it is NULL), as the UNION ALL form names it."""
    return f"CASE WHEN GROUPING({column}) = 1 THEN '' ELSE {column} END"


def wib_bucket(d: Dialect, column: str, interval: Interval) -> str:
    """The first day (YYYY-MM-DD, WIB) of the day, week or month a UTC timestamp falls in."""
    if d == "postgres":
        unit = {Interval.DAY: "day", Interval.WEEK: "week", Interval.MONTH: "month"}[interval]
        return f"to_char(date_trunc('{unit}', {column} AT TIME ZONE 'Asia/Jakarta'), 'YYYY-MM-DD')"
    if interval is Interval.DAY:
        return f"date({column}, '+7 hours')"
    if interval is Interval.WEEK:  # back six days, then on to the next Monday (or stay on it)
        return f"date({column}, '+7 hours', '-6 days', 'weekday 1')"
    return f"strftime('%Y-%m-01', {column}, '+7 hours')"


def epoch_seconds(d: Dialect, column: str) -> str:
    if d == "postgres":
        return f"CAST(FLOOR(EXTRACT(EPOCH FROM {column})) AS BIGINT)"
    return f"CAST(strftime('%s', {column}) AS INTEGER)"


def month_end_epoch(d: Dialect, column: str) -> str:
    """The epoch second at which the WIB calendar month of a UTC timestamp ends (00:00 WIB of the next month's first)."""
    if d == "postgres":
        month = f"date_trunc('month', {column} AT TIME ZONE 'Asia/Jakarta') + interval '1 month'"
        return f"CAST(EXTRACT(EPOCH FROM ({month}) AT TIME ZONE 'Asia/Jakarta') AS BIGINT)"
    return f"(CAST(strftime('%s', {column}, '+7 hours', 'start of month', '+1 month') AS INTEGER) - 25200)"


def timestamp_param(d: Dialect, name: str) -> str:
    """A timestamp parameter where nothing around it tells PostgreSQL its type (a VALUES list)."""
    return f"CAST(:{name} AS TIMESTAMPTZ)" if d == "postgres" else f":{name}"


_MILLI_UNITS = "CAST(ROUND(p.pack_size * 1000) AS BIGINT)"
# Price of product p per kg or per litre, rounded half up; NULL when its unit allows neither.
UNIT_PRICE = f"""CASE
      WHEN p.unit IN ('KG', 'LITRE') THEN (2000 * p.price + {_MILLI_UNITS}) / (2 * {_MILLI_UNITS})
      WHEN p.net_weight_grams > 0 THEN (2000 * p.price + p.net_weight_grams) / (2 * p.net_weight_grams)
    END"""
PER = "CASE WHEN p.unit = 'LITRE' THEN 'LITRE' WHEN p.unit = 'KG' OR p.net_weight_grams > 0 THEN 'KG' END"


