"""Every hand-written SQL statement of the city monitoring, in one place, for SQLite (3.25 or later) and PostgreSQL alike.

The services compute each figure with one of these GROUP BY statements; Python only divides counts into shares, sorts
rows by name and applies k-anonymity. The statements keep to rules that make both databases give the same answers
(tests/test_analytics_sql.py runs one fixture on whichever database the suite uses and compares it with answers worked
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

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from tortoise.backends.base.client import BaseDBAsyncClient

from umkm_graph.city.analytics import Interval
from umkm_graph.db import analytics_connection
from umkm_graph.orders.models import Order

Dialect = Literal["sqlite", "postgres"]

# A quoted literal (left alone) or a :name parameter.
_TOKEN = re.compile(r"'[^']*'|(?<![:\w]):([a-z_][a-z0-9_]*)")


def connection() -> BaseDBAsyncClient:
    """Where the aggregates read: the analytics replica when UMKM_ANALYTICS_DATABASE_URL configures one, so the city's
    heavy queries stay off the primary that takes checkouts; otherwise the primary."""
    return analytics_connection() or Order._meta.db


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


# --- ASN participation ---------------------------------------------------------------------------------------------

# Registered ASN: accounts with a NIP, made before the period ended; each twice, under its OPD and under '' (all ASN),
# so one statement answers for every OPD and for the city. (An OPD is never '': registerAsn requires a name.)
_ASN = """asn AS (
  SELECT id, opd AS grp FROM users WHERE nip IS NOT NULL AND created_at < :end
  UNION ALL
  SELECT id, '' AS grp FROM users WHERE nip IS NOT NULL AND created_at < :end
)"""
SALE = "o.status = 'COMPLETED' AND o.created_at >= :start AND o.created_at < :end"


def participation(d: Dialect) -> str:
    """Per OPD and for all ASN (''): registered, buyers, spend, median spend per buyer, and buyers at or above
    :target."""
    if d == "postgres":  # no total row for no ASN, as the UNION ALL form has none
        return f"""
WITH asn AS (SELECT id, opd FROM users WHERE nip IS NOT NULL AND created_at < :end),
spend AS (
  SELECT o.buyer_id, CAST(SUM(o.subtotal) AS BIGINT) AS spend
  FROM orders o JOIN asn a ON a.id = o.buyer_id
  WHERE {SALE}
  GROUP BY o.buyer_id
)
SELECT {grouping_total('a.opd')} AS opd, COUNT(*) AS registered, COUNT(s.buyer_id) AS buyers,
       CAST(COALESCE(SUM(s.spend), 0) AS BIGINT) AS spend, {percentile_median('s.spend')} AS median_spend,
       SUM(CASE WHEN s.spend >= :target THEN 1 ELSE 0 END) AS compliant
FROM asn a LEFT JOIN spend s ON s.buyer_id = a.id
GROUP BY GROUPING SETS ((a.opd), ())
HAVING COUNT(*) > 0
"""
    return f"""
WITH {_ASN},
registered AS (SELECT grp, COUNT(*) AS registered FROM asn GROUP BY grp),
spend AS (
  SELECT a.grp, o.buyer_id, CAST(SUM(o.subtotal) AS BIGINT) AS spend
  FROM orders o JOIN asn a ON a.id = o.buyer_id
  WHERE {SALE}
  GROUP BY a.grp, o.buyer_id
),
ranked AS (
  SELECT grp, spend,
         ROW_NUMBER() OVER (PARTITION BY grp ORDER BY spend) AS rn,
         COUNT(*) OVER (PARTITION BY grp) AS n
  FROM spend
),
bought AS (
  SELECT grp, COUNT(*) AS buyers, CAST(SUM(spend) AS BIGINT) AS spend, {median('spend')} AS median_spend,
         SUM(CASE WHEN spend >= :target THEN 1 ELSE 0 END) AS compliant
  FROM ranked GROUP BY grp
)
SELECT r.grp AS opd, r.registered, COALESCE(b.buyers, 0) AS buyers, COALESCE(b.spend, 0) AS spend, b.median_spend,
       COALESCE(b.compliant, 0) AS compliant
FROM registered r LEFT JOIN bought b ON b.grp = r.grp
"""


def participation_breakdown(d: Dialect, by: Literal["kecamatan", "category"]) -> str:
    """ASN spend and distinct buyers per OPD and for all ASN (''), per the shop's kecamatan or the product's
    category."""
    if by == "kecamatan":
        key, amount, joins = "s.kecamatan", "o.subtotal", "JOIN shops s ON s.id = o.shop_id"
    else:
        key, amount = "c.slug", "l.line_total"
        joins = ("JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id "
                 "JOIN categories c ON c.id = p.category_id")
    if d == "postgres":
        return f"""
SELECT {grouping_total('u.opd')} AS opd, {key} AS key, COUNT(DISTINCT o.buyer_id) AS people,
       CAST(SUM({amount}) AS BIGINT) AS spend
FROM orders o JOIN users u ON u.id = o.buyer_id AND u.nip IS NOT NULL AND u.created_at < :end {joins}
WHERE {SALE}
GROUP BY GROUPING SETS ((u.opd, {key}), ({key}))
"""
    return f"""
WITH {_ASN}
SELECT a.grp AS opd, {key} AS key, COUNT(DISTINCT o.buyer_id) AS people, CAST(SUM({amount}) AS BIGINT) AS spend
FROM orders o JOIN asn a ON a.id = o.buyer_id {joins}
WHERE {SALE}
GROUP BY 1, 2
"""


ASN_PROGRESS = """
SELECT CAST(SUM(CASE WHEN status = 'COMPLETED' THEN subtotal ELSE 0 END) AS BIGINT) AS spent,
       SUM(CASE WHEN status = 'COMPLETED' THEN 1 ELSE 0 END) AS completed,
       CAST(SUM(CASE WHEN status IN ('COMPLETED', 'CANCELLED', 'AWAITING_PAYMENT') THEN 0 ELSE subtotal END) AS BIGINT)
         AS pending
FROM orders WHERE buyer_id = :buyer AND created_at >= :start AND created_at < :end
"""


# --- UMKM scorecards -------------------------------------------------------------------------------------------------


class ScorecardSort:
    """The SQL of each figure a leaderboard sorts by, over the `board` rows; ratios as floating point, NULL when
    undefined (or withheld, for the ASN share)."""

    EXPRESSIONS = {
        "GMV": "gmv",
        "ORDERS": "orders",
        "COMPLETED_ORDERS": "completed",
        "BUYERS": "buyers",
        "ASN_BUYER_SHARE": "CASE WHEN buyers >= :k THEN CAST(asn_buyers AS DOUBLE PRECISION) / buyers END",
        "FULFILMENT_RATE": "CAST(fulfilled AS DOUBLE PRECISION) / NULLIF(decided, 0)",
        "SELLER_CANCELLATION_RATE": "CAST(seller_cancelled AS DOUBLE PRECISION) / NULLIF(decided, 0)",
        "MEDIAN_MINUTES_TO_ACCEPT": "median_accept_s",
        "AVERAGE_RATING": "CAST(rating_sum AS DOUBLE PRECISION) / NULLIF(reviews, 0)",
        "REVIEW_COUNT": "reviews",
    }

    @classmethod
    def order_by(cls, figure: str, descending: bool) -> str:
        """Shops without the figure last, whichever the direction; the shop id breaks ties, so pages never overlap."""
        expression = cls.EXPRESSIONS[figure]
        return (f"CASE WHEN {expression} IS NULL THEN 1 ELSE 0 END, {expression} {'DESC' if descending else 'ASC'}, "
                "shop_id")


def shop_filter(*, one_shop: bool, kecamatan: bool, category: bool) -> str:
    """Which shops a scorecard query covers: one by :shop_id, or every verified (or since suspended) shop, optionally
    in :kecamatan and selling in :categories."""
    if one_shop:
        return "s.id = :shop_id"
    where = ["s.status IN ('VERIFIED', 'SUSPENDED')"]
    if kecamatan:
        where.append("s.kecamatan = :kecamatan")
    if category:
        where.append("EXISTS (SELECT 1 FROM products p WHERE p.shop_id = s.id AND p.category_id IN :categories)")
    return " AND ".join(where)


def scorecards(d: Dialect, where: str, order_by: str, *, one_shop: bool = False) -> str:
    """Every scorecard figure per shop, for orders placed in [:start, :end); one page (:limit, :offset). Each CTE is
    read once, so PostgreSQL inlines it and estimates the joins from the tables' statistics."""
    narrow = "AND o.shop_id = :shop_id" if one_shop else ""
    narrow_reviews = "AND shop_id = :shop_id" if one_shop else ""
    return f"""
WITH steps AS (
  SELECT o.id, o.shop_id, o.buyer_id, o.status, o.subtotal, CASE WHEN u.nip IS NULL THEN 0 ELSE 1 END AS is_asn,
         MIN(CASE WHEN t.to_status = 'PLACED' THEN {epoch_seconds(d, 't.created_at')} END) AS placed_s,
         MIN(CASE WHEN t.to_status = 'ACCEPTED' THEN {epoch_seconds(d, 't.created_at')} END) AS accepted_s,
         MAX(CASE WHEN t.to_status = 'CANCELLED' AND t.actor_id = s.owner_id THEN 1 ELSE 0 END) AS by_seller
  FROM orders o
  JOIN shops s ON s.id = o.shop_id
  JOIN users u ON u.id = o.buyer_id
  JOIN order_transitions t ON t.order_id = o.id
  WHERE o.created_at >= :start AND o.created_at < :end {narrow}
  GROUP BY o.id, o.shop_id, o.buyer_id, o.status, o.subtotal, u.nip
),
ranked AS (
  SELECT shop_id, buyer_id, status, subtotal, is_asn, by_seller, accepted_s - placed_s AS accept_s,
         ROW_NUMBER() OVER (PARTITION BY shop_id
                            ORDER BY CASE WHEN accepted_s IS NULL THEN 1 ELSE 0 END, accepted_s - placed_s) AS rn,
         COUNT(accepted_s) OVER (PARTITION BY shop_id) AS n
  FROM steps WHERE placed_s IS NOT NULL
),
figures AS (
  SELECT shop_id,
         COUNT(*) AS orders,
         SUM(CASE WHEN status = 'COMPLETED' THEN 1 ELSE 0 END) AS completed,
         CAST(SUM(CASE WHEN status = 'COMPLETED' THEN subtotal ELSE 0 END) AS BIGINT) AS gmv,
         COUNT(DISTINCT CASE WHEN status = 'COMPLETED' THEN buyer_id END) AS buyers,
         COUNT(DISTINCT CASE WHEN status = 'COMPLETED' AND is_asn = 1 THEN buyer_id END) AS asn_buyers,
         SUM(CASE WHEN status IN ('DELIVERED', 'COMPLETED') THEN 1 ELSE 0 END) AS fulfilled,
         SUM(CASE WHEN status IN ('DELIVERED', 'COMPLETED', 'CANCELLED') THEN 1 ELSE 0 END) AS decided,
         SUM(CASE WHEN status = 'CANCELLED' THEN by_seller ELSE 0 END) AS seller_cancelled,
         {median('accept_s')} AS median_accept_s
  FROM ranked GROUP BY shop_id
),
rated AS (
  SELECT shop_id, COUNT(*) AS reviews, SUM(rating) AS rating_sum
  FROM reviews WHERE created_at >= :start AND created_at < :end {narrow_reviews}
  GROUP BY shop_id
),
board AS (
  SELECT s.id AS shop_id,
         COALESCE(f.orders, 0) AS orders, COALESCE(f.completed, 0) AS completed, COALESCE(f.gmv, 0) AS gmv,
         COALESCE(f.buyers, 0) AS buyers, COALESCE(f.asn_buyers, 0) AS asn_buyers,
         COALESCE(f.fulfilled, 0) AS fulfilled, COALESCE(f.decided, 0) AS decided,
         COALESCE(f.seller_cancelled, 0) AS seller_cancelled, f.median_accept_s,
         COALESCE(r.reviews, 0) AS reviews, COALESCE(r.rating_sum, 0) AS rating_sum
  FROM shops s
  LEFT JOIN figures f ON f.shop_id = s.id
  LEFT JOIN rated r ON r.shop_id = s.id
  WHERE {where}
)
SELECT * FROM board ORDER BY {order_by} LIMIT :limit OFFSET :offset
"""


def shop_count(where: str) -> str:
    return f"SELECT COUNT(*) AS n FROM shops s WHERE {where}"


# --- sembako price watch -------------------------------------------------------------------------------------------


def _listing_filters(commodity: bool, kecamatan: bool) -> str:
    return (" AND c.slug = :commodity" if commodity else "") + (" AND s.kecamatan = :kecamatan" if kecamatan else "")


def priced_listings(d: Dialect, commodity: bool, kecamatan: bool) -> str:
    """CTEs ending in `priced`: active sembako listings of verified shops with their price per kg or litre, and the
    ceiling that applies on :today: the commodity's, for the unit, in effect that day, a ceiling whose variant word is
    in the listing's name before the general one ('' variant)."""
    variant_first = "CASE WHEN r.variant = '' THEN 1 ELSE 0 END, r.effective_from DESC, r.id DESC"
    matching = """FROM listing l
  JOIN reference_prices r
    ON r.commodity = l.commodity AND r.unit = l.per AND r.effective_from <= :today
   AND (r.variant = '' OR LOWER(l.name) LIKE '%' || LOWER(r.variant) || '%')"""
    if d == "postgres":  # DISTINCT ON keeps the first row of each listing without ranking them all
        ceiling = f"SELECT DISTINCT ON (l.id) l.id, r.price, r.variant\n  {matching}\n  ORDER BY l.id, {variant_first}"
        first = ""
    else:
        ceiling = (f"SELECT l.id, r.price, r.variant,\n"
                   f"         ROW_NUMBER() OVER (PARTITION BY l.id ORDER BY {variant_first}) AS rn\n  {matching}")
        first = " AND c.rn = 1"
    return f"""
WITH listing AS (
  SELECT p.id, p.name, c.slug AS commodity, s.kecamatan, {UNIT_PRICE} AS unit_price, {PER} AS per
  FROM products p
  JOIN shops s ON s.id = p.shop_id
  JOIN categories c ON c.id = p.category_id
  JOIN categories parent ON parent.id = c.parent_id
  WHERE p.is_active AND s.status = 'VERIFIED' AND parent.slug = 'sembako'{_listing_filters(commodity, kecamatan)}
),
ceiling AS (
  {ceiling}
),
priced AS (
  SELECT l.id, l.commodity, l.kecamatan, l.unit_price, l.per, c.price AS ceiling, c.variant AS ceiling_variant
  FROM listing l LEFT JOIN ceiling c ON c.id = l.id{first}
  WHERE l.unit_price IS NOT NULL
)"""


def price_distribution(d: Dialect, commodity: bool, kecamatan: bool) -> str:
    """Listings, minimum, median and maximum price per kg or litre, how many exceed their ceiling, and the commodity's
    general ceiling on :today: per commodity and unit, per kecamatan and for the whole city (kecamatan '')."""
    general = """,
general AS (
  SELECT commodity, unit, price,
         ROW_NUMBER() OVER (PARTITION BY commodity, unit ORDER BY effective_from DESC) AS rn
  FROM reference_prices WHERE variant = '' AND effective_from <= :today
)"""
    if d == "postgres":
        return priced_listings(d, commodity, kecamatan) + general + f"""
SELECT x.commodity, x.per, {grouping_total('x.kecamatan')} AS kecamatan, COUNT(*) AS listings,
       MIN(x.unit_price) AS min_price, MAX(x.unit_price) AS max_price,
       {percentile_median('x.unit_price')} AS median_price,
       SUM(CASE WHEN x.unit_price > x.ceiling THEN 1 ELSE 0 END) AS above_ceiling, MAX(g.price) AS general_ceiling
FROM priced x LEFT JOIN general g ON g.commodity = x.commodity AND g.unit = x.per AND g.rn = 1
GROUP BY GROUPING SETS ((x.commodity, x.per, x.kecamatan), (x.commodity, x.per))
"""
    return priced_listings(d, commodity, kecamatan) + general + f""",
grouped AS (
  SELECT commodity, per, kecamatan, unit_price, ceiling FROM priced
  UNION ALL
  SELECT commodity, per, '' AS kecamatan, unit_price, ceiling FROM priced
),
ranked AS (
  SELECT commodity, per, kecamatan, unit_price, ceiling,
         ROW_NUMBER() OVER (PARTITION BY commodity, per, kecamatan ORDER BY unit_price) AS rn,
         COUNT(*) OVER (PARTITION BY commodity, per, kecamatan) AS n
  FROM grouped
)
SELECT x.commodity, x.per, x.kecamatan, COUNT(*) AS listings, MIN(x.unit_price) AS min_price,
       MAX(x.unit_price) AS max_price, {median('x.unit_price', 'x')} AS median_price,
       SUM(CASE WHEN x.unit_price > x.ceiling THEN 1 ELSE 0 END) AS above_ceiling, MAX(g.price) AS general_ceiling
FROM ranked x LEFT JOIN general g ON g.commodity = x.commodity AND g.unit = x.per AND g.rn = 1
GROUP BY x.commodity, x.per, x.kecamatan
"""


def price_flags(d: Dialect, commodity: bool, kecamatan: bool) -> str:
    """Listings above their ceiling, the most excessive (relative to the ceiling) first; one page, each row with the
    total across all pages (so that a connection's totalCount needs no second pass over the listings)."""
    return priced_listings(d, commodity, kecamatan) + """
SELECT id AS product_id, commodity, kecamatan, unit_price, per, ceiling, ceiling_variant, COUNT(*) OVER () AS total
FROM priced WHERE unit_price > ceiling
ORDER BY CAST(unit_price - ceiling AS DOUBLE PRECISION) / ceiling DESC, id
LIMIT :limit OFFSET :offset
"""


def price_flag_count(d: Dialect, commodity: bool, kecamatan: bool) -> str:
    return priced_listings(d, commodity, kecamatan) + "\nSELECT COUNT(*) AS n FROM priced WHERE unit_price > ceiling\n"


def references_in_effect(commodity: bool) -> str:
    """The id of each (commodity, unit, variant)'s latest reference price on :day."""
    narrow = "AND commodity = :commodity" if commodity else ""
    return f"""
WITH ranked AS (
  SELECT id, ROW_NUMBER() OVER (PARTITION BY commodity, unit, variant ORDER BY effective_from DESC) AS rn
  FROM reference_prices WHERE effective_from <= :day {narrow}
)
SELECT id FROM ranked WHERE rn = 1
"""


def price_series(d: Dialect, buckets: int, commodity: bool, kecamatan: bool, by_kecamatan: bool) -> str:
    """Per bucket (parameters :b0.. its first day, :e0.. its end), the price per kg or litre that each sembako listing
    active now (of a verified shop) had at the bucket's end, from the price history (a product without history counts
    at its current price since it was listed): listings, minimum, median and maximum, per commodity and unit, per
    kecamatan or for the city ('')."""
    values = ", ".join(f"(:b{i}, {timestamp_param(d, f'e{i}')})" for i in range(buckets))
    group = "l.kecamatan" if by_kecamatan else "''"
    return f"""
WITH bucket(start_day, ends) AS (VALUES {values}),
listing AS (
  SELECT p.id, c.slug AS commodity, s.kecamatan
  FROM products p
  JOIN shops s ON s.id = p.shop_id
  JOIN categories c ON c.id = p.category_id
  JOIN categories parent ON parent.id = c.parent_id
  WHERE p.is_active AND s.status = 'VERIFIED' AND parent.slug = 'sembako'{_listing_filters(commodity, kecamatan)}
),
change AS (
  SELECT h.product_id, h.changed_at, h.id AS seq, h.unit_price, h.per
  FROM price_changes h JOIN listing l ON l.id = h.product_id
  UNION ALL
  SELECT p.id, p.created_at, 0, {UNIT_PRICE}, {PER}
  FROM products p JOIN listing l ON l.id = p.id
  WHERE NOT EXISTS (SELECT 1 FROM price_changes h WHERE h.product_id = p.id)
),
span AS (
  SELECT product_id, unit_price, per, changed_at AS valid_from,
         LEAD(changed_at) OVER (PARTITION BY product_id ORDER BY changed_at, seq) AS valid_to
  FROM change
),
point AS (
  SELECT b.start_day, sp.product_id, sp.unit_price, sp.per
  FROM bucket b JOIN span sp ON sp.valid_from < b.ends AND (sp.valid_to IS NULL OR sp.valid_to >= b.ends)
  WHERE sp.unit_price IS NOT NULL
),
ranked AS (
  SELECT x.start_day, l.commodity, x.per, {group} AS kecamatan, x.unit_price,
         ROW_NUMBER() OVER (PARTITION BY x.start_day, l.commodity, x.per, {group} ORDER BY x.unit_price) AS rn,
         COUNT(*) OVER (PARTITION BY x.start_day, l.commodity, x.per, {group}) AS n
  FROM point x JOIN listing l ON l.id = x.product_id
)
SELECT start_day, commodity, per, kecamatan, COUNT(*) AS listings, MIN(unit_price) AS min_price,
       MAX(unit_price) AS max_price, {median('unit_price')} AS median_price
FROM ranked GROUP BY start_day, commodity, per, kecamatan
"""


# --- sales -------------------------------------------------------------------------------------------------------------

# Each dimension's column, and the join it needs.
SALES_DIMENSIONS: dict[str, tuple[str, str]] = {
    "kecamatan": ("s.kecamatan", "JOIN shops s ON s.id = o.shop_id"),
    "category": ("c.slug", "JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id "
                           "JOIN categories c ON c.id = p.category_id"),
    "payment_method": ("o.payment_method", ""),
    "payment_kind": ("CASE WHEN o.payment_method IN :cash_methods THEN 'COD' ELSE 'CASHLESS' END", ""),
    "buyer_type": ("CASE WHEN u.nip IS NULL THEN 'RESIDENT' ELSE 'ASN' END", ""),
}


def sales(d: Dialect, interval: Interval, dimensions: Sequence[str]) -> str:
    """Completed orders placed in [:start, :end): orders, GMV (goods, in rupiah) and distinct buyers per WIB bucket and
    per value of each dimension; at most :limit rows. With the category dimension a sale splits into its lines."""
    columns = [f"{wib_bucket(d, 'o.created_at', interval)} AS start_day"]
    columns += [f"{SALES_DIMENSIONS[name][0]} AS {name}" for name in dimensions]
    joins = " ".join(SALES_DIMENSIONS[name][1] for name in dimensions if SALES_DIMENSIONS[name][1])
    amount = "l.line_total" if "category" in dimensions else "o.subtotal"
    groups = ", ".join(str(i) for i in range(1, len(columns) + 1))
    aggregate = f"""
SELECT {', '.join(columns)},
       COUNT(DISTINCT o.id) AS orders, CAST(SUM({amount}) AS BIGINT) AS gmv, COUNT(DISTINCT o.buyer_id) AS buyers
FROM orders o JOIN users u ON u.id = o.buyer_id {joins}
WHERE {SALE}
GROUP BY {groups}
"""
    if d == "postgres":
        # The LIMIT only guards against too many rows, but PostgreSQL plans the grouping to deliver the first rows fast:
        # nested loops over every order line, twice as slow for a year. A materialised CTE is planned for all its rows.
        return f"WITH sale AS MATERIALIZED ({aggregate})\nSELECT * FROM sale LIMIT :limit\n"
    return aggregate + "LIMIT :limit\n"
