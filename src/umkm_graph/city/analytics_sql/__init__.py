"""Every hand-written SQL statement of the city monitoring, in one place, for SQLite (3.25 or later) and PostgreSQL alike.

The services compute each figure with one of these GROUP BY statements; Python only divides counts into shares, sorts
rows by name and applies k-anonymity. The statements keep to rules that make both databases give the same answers
(tests/city/test_analytics_sql.py runs one fixture on whichever database the suite uses and compares it with answers worked
out by hand; CI runs the suite on both):

- Parameters are written :name and rendered as ? (SQLite) or $n (PostgreSQL); a list parameter becomes (?, ?, ...).
- Money, counts and durations stay integers. PostgreSQL's SUM of a BIGINT is NUMERIC, so sums are CAST back to BIGINT
  before any division, and divisions are integer divisions on both. Shares are divided in Python, from the counts.
- Medians: ROW_NUMBER() and COUNT(*) over the group's window rank the values; the middle row, or the two middle rows,
  are (n + 1) / 2 and (n + 2) / 2 in integer division; their mean is rounded half up in integers,
  (2 * sum + count) / (2 * count). Window functions exist in SQLite since 3.25; percentile_cont does not.
- Prices per kg or per litre are integer arithmetic rounded half up, (2000 * price + m) / (2 * m) with m the pack in
  thousandths of a kg or litre: the same number catalog.price_per_base_unit gives in Python.
- Time: timestamps are stored in UTC, as every writer in the app stores them (SQLite compares them as text, so another
  offset would misplace a row). Days, weeks (from Monday) and months are those of WIB (UTC+7, no daylight saving):
  AT TIME ZONE 'Asia/Jakarta' on PostgreSQL, the '+7 hours' modifier on SQLite. A duration is the difference of whole
  epoch seconds (fractions dropped on both).
- A total next to its parts (all ASN next to each OPD, the city next to each kecamatan) comes from the same statement:
  the rows are read twice with UNION ALL, once under their group and once under '', as SQLite has no GROUPING SETS.
- Text is never sorted here: collations differ between databases, so Python sorts names.
- PostgreSQL has what SQLite lacks: percentile_cont, GROUPING SETS and DISTINCT ON. Where they make the plan much
  cheaper (the participation, the price distribution and the ceilings), its statement uses them and SQLite's the portable
  form; both give the same rows (percentile_median rounds as median does; GROUPING SETS' total rows are named '').
- A CTE read twice is materialised by PostgreSQL, which then guesses its size. The scorecards, over every order and
  step of a period, read each CTE once so the planner sees through them (a bad guess made the leaderboard ten times
  slower, all of it spent compiling the query with JIT); the CTEs read twice elsewhere are small.
"""

from umkm_graph.city.analytics_sql.base import (
    PER,
    UNIT_PRICE,
    Dialect,
    connection,
    dialect,
    epoch_seconds,
    fetch,
    grouping_total,
    median,
    month_end_epoch,
    percentile_median,
    render,
    timestamp_param,
    wib_bucket,
)
from umkm_graph.city.analytics_sql.participation import ASN_PROGRESS, participation, resident_buyers, sale
from umkm_graph.city.analytics_sql.prices import (
    price_distribution,
    price_flag_count,
    price_flags,
    price_series,
    priced_listings,
    references_in_effect,
)
from umkm_graph.city.analytics_sql.sales import sales
from umkm_graph.city.analytics_sql.scorecards import ScorecardSort, scorecards, shop_count, shop_filter

__all__ = [
    "ASN_PROGRESS", "PER", "UNIT_PRICE", "Dialect", "ScorecardSort", "connection", "dialect", "epoch_seconds",
    "fetch", "grouping_total", "median", "month_end_epoch", "participation", "percentile_median",
    "price_distribution", "price_flag_count", "price_flags", "price_series", "priced_listings", "references_in_effect",
    "render", "resident_buyers", "sale", "sales", "scorecards", "shop_count", "shop_filter", "timestamp_param", "wib_bucket",
]
