"""How long each city-monitoring aggregate takes through its service, next to the same question asked in hand-written SQL.

    python bench/analytics.py --database-url postgres://postgres@127.0.0.1:5432/bench --orders 100000
    python bench/analytics.py --database-url sqlite:///tmp/bench.db --orders 20000 --repeat 5

The first run fills the database with a year of orders by bulk inserts (bench/seeding.py, COPY on PostgreSQL),
straight into the tables: realistic shapes (ASN in twelve OPDs, residents, shops in every kecamatan, sembako listings with
a price history, order histories with payments, acceptances, cancellations and reviews), not the services' rules. Later
runs at the same --orders reuse it (--fresh starts again). bench/run.py calls `compare` on its own, larger database.

Each aggregate then runs through its service (tortoise's connection, the portable SQL of city/analytics_sql/,
k-anonymity and shaping in Python) and as hand-written SQL sent straight to the driver (asyncpg or sqlite3). On
PostgreSQL the hand-written SQL uses what the database offers: percentile_cont for medians, GROUPING SETS, FILTER,
DISTINCT ON, LATERAL. SQLite has none of these, so there the hand-written statements are the services' own, sent
directly: the ratio is then the cost of the service layer alone. The two answers are compared before timing; a
mismatch stops the run. Timings alternate (service, hand, service, ...) and the medians are printed with their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sqlite3
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from seeding import Scale, dsn, ensure_seeded, half_up, sqlite_path, sqlite_value  # bench/seeding.py

from umkm_graph.city import analytics_sql, participation, price_watch, sales, scorecards
from umkm_graph.city.analytics import WIB, Interval, Period, parse_month, period_from
from umkm_graph.city.buckets import DEFAULT_SETTLE_DAYS
from umkm_graph.db import close_database, open_database
from umkm_graph.orders.models import Order

# --- the hand-written SQL (PostgreSQL) -------------------------------------------------------------------------------

# One statement per question, in PostgreSQL's own terms. $1 and $2 are the period's start and end.
HAND_PARTICIPATION = """
WITH asn AS (SELECT id, opd FROM users WHERE nip IS NOT NULL AND created_at < $2),
spend AS (SELECT o.buyer_id, SUM(o.subtotal) AS spend FROM orders o JOIN asn a ON a.id = o.buyer_id
          WHERE o.status = 'COMPLETED' AND o.created_at >= $1 AND o.created_at < $2 GROUP BY o.buyer_id)
SELECT a.opd, GROUPING(a.opd) AS city, COUNT(*) AS registered, COUNT(s.buyer_id) AS buyers,
       COALESCE(SUM(s.spend), 0) AS spend, percentile_cont(0.5) WITHIN GROUP (ORDER BY s.spend) AS median_spend,
       COUNT(*) FILTER (WHERE s.spend >= $3) AS compliant
FROM asn a LEFT JOIN spend s ON s.buyer_id = a.id
GROUP BY GROUPING SETS ((a.opd), ())
"""
HAND_SCORECARDS = """
WITH steps AS (
  SELECT o.id, o.shop_id, o.buyer_id, o.status, o.subtotal, u.nip IS NOT NULL AS is_asn,
         floor(extract(epoch FROM min(t.created_at) FILTER (WHERE t.to_status = 'ACCEPTED')))
           - floor(extract(epoch FROM min(t.created_at) FILTER (WHERE t.to_status = 'PLACED'))) AS accept_s,
         bool_or(t.to_status = 'PLACED') AS placed,
         bool_or(t.to_status = 'CANCELLED' AND t.actor_id = s.owner_id) AS by_seller
  FROM orders o JOIN shops s ON s.id = o.shop_id JOIN users u ON u.id = o.buyer_id
  JOIN order_transitions t ON t.order_id = o.id
  WHERE o.created_at >= $1 AND o.created_at < $2 {narrow}
  GROUP BY o.id, u.nip
),
figures AS (
  SELECT shop_id, count(*) AS orders, count(*) FILTER (WHERE status = 'COMPLETED') AS completed,
         coalesce(sum(subtotal) FILTER (WHERE status = 'COMPLETED'), 0) AS gmv,
         count(DISTINCT buyer_id) FILTER (WHERE status = 'COMPLETED') AS buyers,
         count(DISTINCT buyer_id) FILTER (WHERE status = 'COMPLETED' AND is_asn) AS asn_buyers,
         count(*) FILTER (WHERE status IN ('DELIVERED', 'COMPLETED')) AS fulfilled,
         count(*) FILTER (WHERE status IN ('DELIVERED', 'COMPLETED', 'CANCELLED')) AS decided,
         count(*) FILTER (WHERE status = 'CANCELLED' AND by_seller) AS seller_cancelled,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY accept_s) AS median_accept_s
  FROM steps WHERE placed GROUP BY shop_id
),
rated AS (SELECT shop_id, count(*) AS reviews, sum(rating) AS rating_sum FROM reviews
          WHERE created_at >= $1 AND created_at < $2 GROUP BY shop_id)
SELECT s.id AS shop_id, coalesce(f.gmv, 0) AS gmv, coalesce(f.orders, 0) AS orders, f.median_accept_s,
       coalesce(f.decided, 0) AS decided, coalesce(f.seller_cancelled, 0) AS seller_cancelled,
       coalesce(r.reviews, 0) AS reviews
FROM shops s LEFT JOIN figures f ON f.shop_id = s.id LEFT JOIN rated r ON r.shop_id = s.id
WHERE {where}
ORDER BY coalesce(f.gmv, 0) DESC, s.id LIMIT 20
"""
HAND_LISTINGS = """
WITH listing AS (
  SELECT p.id, p.name, c.slug AS commodity, s.kecamatan,
         CASE WHEN p.unit IN ('KG', 'LITRE') THEN round(p.price / p.pack_size)
              WHEN p.net_weight_grams > 0 THEN round(p.price * 1000.0 / p.net_weight_grams) END AS unit_price,
         CASE WHEN p.unit = 'LITRE' THEN 'LITRE' ELSE 'KG' END AS per
  FROM products p JOIN shops s ON s.id = p.shop_id JOIN categories c ON c.id = p.category_id
  JOIN categories parent ON parent.id = c.parent_id
  WHERE p.is_active AND s.status = 'VERIFIED' AND parent.slug = 'sembako'
    AND (p.unit IN ('KG', 'LITRE') OR p.net_weight_grams > 0)
),
ceiling AS (
  SELECT DISTINCT ON (l.id) l.id, r.price
  FROM listing l JOIN reference_prices r ON r.commodity = l.commodity AND r.unit = l.per AND r.effective_from <= $1
   AND (r.variant = '' OR l.name ILIKE '%' || r.variant || '%')
  ORDER BY l.id, r.variant = '', r.effective_from DESC, r.id DESC
)
"""
HAND_DISTRIBUTION = HAND_LISTINGS + """
SELECT commodity, per, kecamatan, GROUPING(kecamatan) AS city, count(*) AS listings, min(unit_price) AS min_price,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY unit_price) AS median_price, max(unit_price) AS max_price,
       count(*) FILTER (WHERE unit_price > c.price) AS above_ceiling
FROM listing l LEFT JOIN ceiling c ON c.id = l.id
GROUP BY GROUPING SETS ((commodity, per, kecamatan), (commodity, per))
"""
HAND_FLAGS = HAND_LISTINGS + """
SELECT l.id AS product_id, l.unit_price, c.price AS ceiling, count(*) OVER () AS total
FROM listing l JOIN ceiling c ON c.id = l.id WHERE l.unit_price > c.price
ORDER BY (l.unit_price - c.price)::float / c.price DESC, l.id LIMIT 20
"""
HAND_SERIES = """
WITH bucket AS (SELECT * FROM unnest($1::text[], $2::timestamptz[]) AS b(start_day, ends))
SELECT b.start_day, count(*) AS listings, min(x.unit_price) AS min_price, max(x.unit_price) AS max_price,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY x.unit_price) AS median_price
FROM bucket b
JOIN products p ON true
JOIN shops s ON s.id = p.shop_id AND s.status = 'VERIFIED'
JOIN categories c ON c.id = p.category_id AND c.slug = $3
CROSS JOIN LATERAL (SELECT h.unit_price FROM price_changes h WHERE h.product_id = p.id AND h.changed_at < b.ends
                    ORDER BY h.changed_at DESC, h.id DESC LIMIT 1) x
WHERE p.is_active
GROUP BY b.start_day
"""
HAND_SALES = """
SELECT to_char(date_trunc('{unit}', o.created_at AT TIME ZONE 'Asia/Jakarta'), 'YYYY-MM-DD') AS start_day,
       {columns}, count(DISTINCT o.id) AS orders, sum({amount}) AS gmv, count(DISTINCT o.buyer_id) AS buyers
FROM orders o JOIN users u ON u.id = o.buyer_id {joins}
WHERE o.status = 'COMPLETED' AND o.created_at >= $1 AND o.created_at < $2
GROUP BY 1, {groups}
"""
KECAMATAN_JOIN = "JOIN shops s ON s.id = o.shop_id"
CATEGORY_JOIN = ("JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id "
                 "JOIN categories c ON c.id = p.category_id")


# --- the questions -----------------------------------------------------------------------------------------------------


@dataclass
class Question:
    name: str
    service: Callable[[], Awaitable[Any]]
    hand: Callable[[], Awaitable[Any]]
    same: Callable[[Any, Any], bool]  # do the service's answer and the hand-written one agree?


def _median(value: Any) -> int | None:
    """percentile_cont's median rounded half up, as the services round."""
    return None if value is None else half_up(Decimal(str(value)))


class Hand:
    """Runs hand-written statements straight on the driver: asyncpg, or sqlite3."""

    def __init__(self, url: str) -> None:
        self.url, self.postgres = url, url.startswith("postgres")
        self.pg: Any = None
        self.lite: sqlite3.Connection | None = None

    async def open(self) -> None:
        if self.postgres:
            import asyncpg

            self.pg = await asyncpg.connect(dsn(self.url))
        else:
            self.lite = sqlite3.connect(sqlite_path(self.url))
            self.lite.row_factory = sqlite3.Row

    async def close(self) -> None:
        if self.pg is not None:
            await self.pg.close()
        if self.lite is not None:
            self.lite.close()

    async def rows(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        assert self.pg is not None
        return [dict(row) for row in await self.pg.fetch(sql, *args)]

    def portable(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        """One of the services' own statements, rendered for SQLite and sent to sqlite3 directly."""
        assert self.lite is not None
        params.setdefault("settle_seconds", DEFAULT_SETTLE_DAYS * 86_400)
        text, values = analytics_sql.render(sql, params, "sqlite")
        values = [sqlite_value(v) for v in values]
        return [dict(row) for row in self.lite.execute(text, values).fetchall()]


def questions(hand: Hand, k: int, cash: set[str]) -> list[Question]:
    month = parse_month("2026-10", "month")
    year = period_from(None, dt.date(2025, 11, 1), dt.date(2026, 10, 31))
    quarter = period_from(None, dt.date(2026, 8, 1), dt.date(2026, 10, 31))
    span = (month.start, month.end)
    shop_id = 1
    weeks = price_watch.buckets(quarter, Interval.WEEK)
    week_days = [first.isoformat() for first, _ in weeks]
    week_ends = [analytics_sql_end(following) for _, following in weeks]

    async def participation_hand() -> Any:
        if hand.postgres:
            return await hand.rows(HAND_PARTICIPATION, *span, 200_000), None
        params = {"start": month.start, "end": month.end, "target": 200_000}
        return hand.portable(analytics_sql.participation("sqlite"), **params), None

    def participation_same(service: participation.Participation, answer: Any) -> bool:
        rows = answer[0]
        by_opd = {(row["opd"] if not row.get("city", 0) and row["opd"] != "" else None): row for row in rows}
        for found in [service.city, *service.opds]:
            row = by_opd[found.opd]
            if found.registered is not None and (found.registered, found.buyers, found.spend) != (
                    row["registered"], row["buyers"], row["spend"]):
                return False
            if found.median_spend is not None and found.median_spend != _median(row["median_spend"]):
                return False
        return len(by_opd) == len(service.opds) + 1

    async def leaderboard_service() -> Any:
        board = await scorecards.leaderboard(scorecards.LeaderboardQuery(month), k)
        return await board.page(0, 20), await board.count()

    async def leaderboard_hand() -> Any:
        where = "s.status IN ('VERIFIED', 'SUSPENDED')"
        if hand.postgres:
            page = await hand.rows(HAND_SCORECARDS.format(narrow="", where=where), *span)
            return page, await hand.rows(f"SELECT count(*) AS n FROM shops s WHERE {where}")
        statement = analytics_sql.scorecards("sqlite", where, analytics_sql.ScorecardSort.order_by("GMV", True))
        page = hand.portable(statement, start=month.start, end=month.end, limit=20, offset=0, k=k)
        return page, hand.portable(analytics_sql.shop_count(where))

    def scorecards_same(cards: list[scorecards.Scorecard], rows: list[dict[str, Any]]) -> bool:
        return [(c.shop_id, c.gmv, c.orders, c.decided_orders, c.seller_cancelled_orders, c.median_seconds_to_accept,
                 c.review_count) for c in cards] == [
            (r["shop_id"], int(r["gmv"]), r["orders"], r["decided"], r["seller_cancelled"],
             _median(r["median_accept_s"]), r["reviews"]) for r in rows]

    async def scorecard_hand() -> Any:
        if hand.postgres:
            return await hand.rows(HAND_SCORECARDS.format(narrow="AND o.shop_id = $3", where="s.id = $3"), *span,
                                   shop_id)
        statement = analytics_sql.scorecards("sqlite", "s.id = :shop_id", "shop_id", one_shop=True)
        return hand.portable(statement, start=month.start, end=month.end, shop_id=shop_id, limit=1, offset=0)

    async def distribution_hand() -> Any:
        today = dt.date(2026, 11, 1)
        if hand.postgres:
            return await hand.rows(HAND_DISTRIBUTION, today)
        return hand.portable(analytics_sql.price_distribution("sqlite", False, False), today=today)

    def distribution_same(prices: price_watch.SembakoPrices, answer: Any) -> bool:
        found = {(r.commodity, r.per.value, r.kecamatan): (r.listings, r.min_price, r.median_price, r.max_price,
                                                           r.above_ceiling) for r in prices.city + prices.by_kecamatan}
        rows = answer
        expected = {(r["commodity"], r["per"], None if r.get("city", 0) or r["kecamatan"] == "" else r["kecamatan"]):
                    (r["listings"], int(r["min_price"]), _median(r["median_price"]), int(r["max_price"]),
                     r["above_ceiling"]) for r in rows}
        return found == expected

    async def flags_service() -> Any:
        flags = await price_watch.price_flags(price_watch.PriceFilter())
        return await flags.page(0, 20), await flags.count()

    async def flags_hand() -> Any:
        if hand.postgres:
            return await hand.rows(HAND_FLAGS, dt.date(2026, 11, 1))
        today = dt.date(2026, 11, 1)
        page = hand.portable(analytics_sql.price_flags("sqlite", False, False), today=today, limit=20, offset=0)
        if page:  # each row carries the total, which the service reads instead of counting again
            return page, [{"n": page[0]["total"]}]
        return page, hand.portable(analytics_sql.price_flag_count("sqlite", False, False), today=today)

    def flags_same(service: Any, answer: Any) -> bool:
        page, count = service
        rows = answer if hand.postgres else answer[0]
        total = (rows[0]["total"] if rows else 0) if hand.postgres else answer[1][0]["n"]
        return [(f.product_id, f.unit_price) for f in page] == [(r["product_id"], int(r["unit_price"])) for r in rows] \
            and count == total

    async def series_hand() -> Any:
        if hand.postgres:
            return await hand.rows(HAND_SERIES, week_days, week_ends, "beras")
        params: dict[str, Any] = {"commodity": "beras"}
        for i, (first, following) in enumerate(weeks):
            params[f"b{i}"], params[f"e{i}"] = first.isoformat(), analytics_sql_end(following)
        return hand.portable(analytics_sql.price_series("sqlite", len(weeks), True, False, False), **params)

    def series_same(points: list[price_watch.PricePoint], rows: list[dict[str, Any]]) -> bool:
        return sorted((p.start.isoformat(), p.listings, p.min_price, p.median_price, p.max_price) for p in points) == \
            sorted((str(r["start_day"]), r["listings"], int(r["min_price"]), _median(r["median_price"]),
                    int(r["max_price"])) for r in rows)

    def sales_question(name: str, period: Period, interval: Interval, dims: Sequence[sales.SalesDimension]) -> Question:
        unit = {Interval.DAY: "day", Interval.WEEK: "week", Interval.MONTH: "month"}[interval]
        columns = {sales.SalesDimension.PAYMENT_KIND: "CASE WHEN o.payment_method = ANY($3) THEN 'COD' ELSE "
                                                      "'CASHLESS' END AS payment_kind",
                   sales.SalesDimension.BUYER_TYPE: "CASE WHEN u.nip IS NULL THEN 'RESIDENT' ELSE 'ASN' END AS "
                                                    "buyer_type",
                   sales.SalesDimension.KECAMATAN: "s.kecamatan", sales.SalesDimension.CATEGORY: "c.slug AS category"}
        joins = " ".join(j for dim, j in ((sales.SalesDimension.KECAMATAN, KECAMATAN_JOIN),
                                          (sales.SalesDimension.CATEGORY, CATEGORY_JOIN)) if dim in dims)
        amount = "l.line_total" if sales.SalesDimension.CATEGORY in dims else "o.subtotal"

        async def hand_sales() -> Any:
            if hand.postgres:
                sql = HAND_SALES.format(unit=unit, columns=", ".join(columns[dim] for dim in dims), amount=amount,
                                        joins=joins, groups=", ".join(str(i + 2) for i in range(len(dims))))
                args: list[Any] = [period.start, period.end]
                if sales.SalesDimension.PAYMENT_KIND in dims:
                    args.append(sorted(cash))
                return await hand.rows(sql, *args)
            statement = analytics_sql.sales("sqlite", interval, [dim.value for dim in dims])
            return hand.portable(statement, start=period.start, end=period.end, cash_methods=sorted(cash),
                                 limit=sales.MAX_ROWS + 1)

        def same(report: sales.SalesReport, rows: list[dict[str, Any]]) -> bool:
            names = [dim.value for dim in dims]
            shown = {(r.start.isoformat(), *(r.keys[n] for n in names)): (r.orders, r.gmv, r.buyers)
                     for r in report.rows if not r.suppressed}
            by_month = report.interval is Interval.MONTH  # people are counted by month only
            everything = {(str(r["start_day"]), *(r[n] for n in names)):
                          (r["orders"], int(r["gmv"]), r["buyers"] if by_month else None) for r in rows}
            return len(everything) == len(report.rows) and all(everything[key] == value for key, value in shown.items())

        return Question(name, lambda: sales.sales(period, interval, dims, k, cash), hand_sales, same)

    return [
        Question("ASN participation by OPD (month)", lambda: participation.participation(month, k), participation_hand,
                 participation_same),
        Question("leaderboard by GMV, first 20 (month)", leaderboard_service, leaderboard_hand,
                 lambda s, h: scorecards_same(s[0], h[0]) and s[1] == h[1][0]["n"]),
        Question("one shop's scorecard (month)", lambda: scorecards.scorecard_of(shop_id, month, k), scorecard_hand,
                 lambda s, h: scorecards_same([s], h)),
        Question("sembako price distribution", lambda: price_watch.sembako_prices(price_watch.PriceFilter()),
                 distribution_hand, distribution_same),
        Question("listings above the ceiling, first 20", flags_service, flags_hand, flags_same),
        Question("beras price per week (quarter)",
                 lambda: price_watch.price_series(quarter, Interval.WEEK, price_watch.PriceFilter("beras")),
                 series_hand, series_same),
        sales_question("sales per day by payment kind (month)", month, Interval.DAY, [sales.SalesDimension.PAYMENT_KIND]),
        sales_question("sales per month by kecamatan and category (year)", year, Interval.MONTH,
                       [sales.SalesDimension.KECAMATAN, sales.SalesDimension.CATEGORY]),
    ]


def analytics_sql_end(day: dt.date) -> dt.datetime:
    """00:00 WIB of a day, in UTC: a bucket's end."""
    return dt.datetime.combine(day, dt.time(), WIB).astimezone(dt.UTC)


@dataclass
class Comparison:
    aggregate: str
    service_ms: float
    hand_sql_ms: float

    @property
    def ratio(self) -> float:
        return self.service_ms / self.hand_sql_ms if self.hand_sql_ms else float("inf")


class Disagreement(Exception):
    """The service and the hand-written SQL gave different answers: timing them would mean nothing."""


async def compare(url: str, repeat: int, k: int, echo: bool = True) -> list[Comparison]:
    """Every aggregate through its service and as hand-written SQL, on an open, filled database: the medians of
    alternating runs. bench/run.py calls this too."""
    hand = Hand(url)
    await hand.open()
    results = []
    try:
        if echo:
            print(f"{'aggregate':<58}{'service':>10}{'hand SQL':>10}{'ratio':>8}")
        for question in questions(hand, k, {"COD"}):
            service, answer = await question.service(), await question.hand()  # warm, and compare
            if not question.same(service, answer):
                raise Disagreement(f"{question.name}: the service and the hand-written SQL disagree")
            service_times, hand_times = [], []
            for _ in range(repeat):
                began = time.perf_counter()
                await question.service()
                service_times.append(time.perf_counter() - began)
                began = time.perf_counter()
                await question.hand()
                hand_times.append(time.perf_counter() - began)
            s, h = statistics.median(service_times), statistics.median(hand_times)
            results.append(Comparison(question.name, round(s * 1000, 1), round(h * 1000, 1)))
            if echo:
                print(f"{question.name:<58}{s * 1000:>8.1f}ms{h * 1000:>8.1f}ms{s / h:>8.2f}", flush=True)
    finally:
        await hand.close()
    return results


async def run(args: argparse.Namespace) -> int:
    url = args.database_url
    await ensure_seeded(url, Scale.for_orders(args.orders), seed=args.seed, reseed=args.fresh)
    await open_database(url)
    try:
        orders = await Order.all().count()
        print(f"\n{orders:,} orders; each figure is the median of {args.repeat} runs; k = {args.k}")
        try:
            results = await compare(url, args.repeat, args.k)
        except Disagreement as error:
            print(error, file=sys.stderr)
            return 1
        if args.json:
            rows = [{"aggregate": r.aggregate, "service_ms": r.service_ms, "hand_sql_ms": r.hand_sql_ms,
                     "ratio": round(r.ratio, 2)} for r in results]
            Path(args.json).write_text(json.dumps({"orders": orders, "database": url.split("://")[0],
                                                   "repeat": args.repeat, "results": rows}, indent=2) + "\n")
    finally:
        await close_database()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="postgres://... or sqlite:///path (a database to fill)")
    parser.add_argument("--orders", type=int, default=100_000, help="orders to generate (a different number fills the database again)")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each aggregate, each way")
    parser.add_argument("--k", type=int, default=5, help="the k-anonymity threshold the services apply")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="empty the database first")
    parser.add_argument("--json", help="also write the figures to this file")
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
