"""The analytics SQL: placeholders, k-anonymity, periods, and one small city whose every aggregate was worked out by hand.

The city is written straight through the models at chosen moments (orders on both sides of WIB midnights and week
starts, prices changing on a week's first instant): this file is about the SQL, and the services cannot place rows in the
past. The suite runs on SQLite and, in CI, on PostgreSQL (UMKM_TEST_DATABASE_URL): the same hand-computed answers on
both mean both databases give the same answers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from tests.helpers.api import Api
from tests.helpers.city import City
from umkm_graph.city import analytics_sql, participation, price_watch, sales, scorecards
from umkm_graph.city.analytics import Interval, Period, parse_month, period_from
from umkm_graph.city.disclosure import withheld
from umkm_graph.city.sales import SalesDimension as D
from umkm_graph.city.scorecards import ScorecardFigure as F
from umkm_graph.core.errors import DomainError
from umkm_graph.people.models import User

# --- placeholders ----------------------------------------------------------------------------------------------------


def test_parameters_render_as_question_marks_on_sqlite_and_numbers_on_postgresql() -> None:
    sql = "SELECT * FROM t WHERE a >= :start AND b < :end AND c IN :ids AND d = ':literal' AND e >= :start"
    params = {"start": 1, "end": 2, "ids": [7, 8]}
    assert analytics_sql.render(sql, params, "sqlite") == (
        "SELECT * FROM t WHERE a >= ? AND b < ? AND c IN (?, ?) AND d = ':literal' AND e >= ?", [1, 2, 7, 8, 1]
    )
    assert analytics_sql.render(sql, params, "postgres") == (
        "SELECT * FROM t WHERE a >= $1 AND b < $2 AND c IN ($3, $4) AND d = ':literal' AND e >= $1", [1, 2, 7, 8]
    )


def test_an_empty_list_parameter_matches_nothing() -> None:
    assert analytics_sql.render("x IN :codes", {"codes": []}, "postgres") == ("x IN (NULL)", [])


# --- k-anonymity -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("people", "forced", "hidden"),
    [
        ([5, 7, 9], (), set()),  # every cell has k or more people
        ([5, 7, 1], (), {2, 0}),  # 1 person is withheld, and the smallest big cell with it
        ([1, 2, 9], (), {0, 1, 2}),  # two small cells together are still small: the 9 goes too
        ([0, 5, 6], (), set()),  # a cell of nobody is shown
        ([0, 5, 6], (0,), {0, 1}),  # unless its row is forced out: then it needs a complement
        ([2, 6], (), {0, 1}),
        ([3], (), {0}),  # nothing left to hide it with: the total is withheld by the same rule
    ],
)
def test_withheld_cells_are_small_ones_and_their_complement(
    people: list[int], forced: tuple[int, ...], hidden: set[int]
) -> None:
    assert withheld(people, 5, forced) == hidden


# --- periods ---------------------------------------------------------------------------------------------------------


def test_a_month_runs_from_wib_midnight_to_wib_midnight() -> None:
    october = parse_month("2026-10", "month")
    assert (october.first, october.last, october.month) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31), "2026-10")
    assert october.start == dt.datetime(2026, 9, 30, 17, 0, tzinfo=dt.UTC)
    assert october.end == dt.datetime(2026, 10, 31, 17, 0, tzinfo=dt.UTC)
    assert parse_month("2026-12", "month").last == dt.date(2026, 12, 31)


def test_a_date_range_is_inclusive_and_a_whole_month_range_is_that_month() -> None:
    week = period_from(None, dt.date(2026, 10, 5), dt.date(2026, 10, 11))
    assert week.days == 7 and week.month is None
    assert period_from(None, dt.date(2026, 2, 1), dt.date(2026, 2, 28)).month == "2026-02"


@pytest.mark.parametrize(
    ("month", "first", "last", "field"),
    [
        ("2026-13", None, None, ["period", "month"]),
        ("Oktober", None, None, ["period", "month"]),
        (None, dt.date(2026, 10, 2), dt.date(2026, 10, 1), ["period", "from"]),
        (None, dt.date(2025, 1, 1), dt.date(2026, 1, 2), ["period", "to"]),
        (None, dt.date(2026, 1, 1), None, ["period", "to"]),
        ("2026-10", dt.date(2026, 10, 1), None, ["period"]),
    ],
)
def test_a_wrong_period_names_the_field(month: str | None, first: dt.date | None, last: dt.date | None,
                                        field: list[str]) -> None:
    with pytest.raises(DomainError) as caught:
        period_from(month, first, last)
    assert caught.value.field == field


# --- a small city, by hand -------------------------------------------------------------------------------------------


@pytest.fixture
async def city(api: Api) -> City:
    return await City().build()


OCTOBER = parse_month("2026-10", "month")


def plain(value: Any) -> Any:
    """Dataclasses as dicts, enums as their values, for comparing with the literals below."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "period"}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return getattr(value, "value", value)


def cell(key: str, people: int, spend: int, suppressed: bool = False) -> dict[str, Any]:
    return {"key": key, "people": people, "spend": spend, "suppressed": suppressed}


async def test_participation_by_opd_for_october(city: City) -> None:
    found = await participation.participation(OCTOBER, 2)
    assert found.target == 100_000
    # Six registered ASN bought: A1 67,500 + 330,000; A2 85,500; A3 135,000; A4 16,000; A6 18,000; A7 16,000.
    # Sorted spends 16,000 16,000 18,000 85,500 135,000 397,500: the median is (18,000 + 85,500) / 2 = 51,750.
    # A1 and A3 reached Rp100,000. A5 registered in November; A4's delivered order of 50,000 is not completed.
    assert plain(found.city) == {
        "opd": None, "registered": 6, "buyers": 6, "spend": 668_000, "median_spend": 51_750, "compliant": 2,
        "suppressed": False,
    }
    bappeda, dinkes, diskominfo = found.opds
    # Dinas Kesehatan has one ASN: withheld. With it, the smallest other row (Bappeda, 2 buyers), or the city's row
    # minus Diskominfo's would give it away.
    assert (bappeda.opd, bappeda.suppressed, bappeda.registered) == ("Bappeda", True, None)
    assert (dinkes.opd, dinkes.suppressed, dinkes.spend) == ("Dinas Kesehatan", True, None)
    # Diskominfo: A1, A2, A3 bought 618,000; median 135,000. Its compliance count (2) would tell the city's (2) minus
    # it: the withheld rows' count, so it is withheld too.
    assert plain(diskominfo) == {
        "opd": "Diskominfo", "registered": 3, "buyers": 3, "spend": 618_000, "median_spend": 135_000,
        "compliant": None, "suppressed": True,
    }
    assert diskominfo.buying_share == 1.0 and found.city.compliance_share == pytest.approx(2 / 6)


async def test_participation_with_a_larger_k_withholds_every_opd_and_the_city_of_fewer_residents(city: City) -> None:
    found = await participation.participation(OCTOBER, 4)
    assert [row.suppressed for row in found.opds] == [True, True, True]
    # R1 and R2 bought in October: fewer than 4, so October's sales minus the city's ASN spend would be theirs.
    assert (found.city.suppressed, found.city.registered, found.city.buyers, found.city.spend) == (True, None, None, None)
    found = await participation.participation(OCTOBER, 2)
    assert (found.city.registered, found.city.buyers, found.city.compliant) == (6, 6, 2)


# This city's buyers complain of nothing (the complaint figures: tests/city/test_analytics_scorecards.py).
NO_COMPLAINTS = {"complaints": 0, "complained_orders": 0, "escalated_complaints": 0, "upheld_complaints": 0}


async def test_scorecards_for_october(city: City) -> None:
    x, y, z = [await scorecards.scorecard_of(city.ids[name], OCTOBER, 2) for name in ("X", "Y", "Z")]
    # X: O1, O4, O6, O7, O9, O13 placed; all but O6 (delivered) completed: 67,500 + 85,500 + 15,000 + 135,000 + 18,000.
    # Seconds to accept 59 (58.2, in whole seconds: 08:00:59 - 08:00:00), 120, 240, 300, 600, 900: median 270.
    assert plain(x) | {"shop_id": 0} == {
        "shop_id": 0, "gmv": 321_000, "gmv_net": 321_000, "orders": 6, "completed_orders": 5, "buyers": 5,
        "asn_buyer_share": 0.8,
        "asn_buyer_share_suppressed": False, "decided_orders": 6, "fulfilled_orders": 6, "seller_cancelled_orders": 0,
        "median_seconds_to_accept": 270, "review_count": 2, "rating_sum": 9, "rank": None, **NO_COMPLAINTS,
    }
    assert (x.fulfilment_rate, x.seller_cancellation_rate, x.median_minutes_to_accept, x.average_rating) == (
        1.0, 0.0, 4.5, 4.5)
    # Y: O11 was never paid, so never placed. O5 cancelled by the seller, O10 by the buyer. Accepted after 1200, 1800,
    # 2400, 3600 and 7200 seconds: median 2400. The review of O2 was written on 1 November, WIB.
    assert plain(y) | {"shop_id": 0} == {
        "shop_id": 0, "gmv": 438_000, "gmv_net": 438_000, "orders": 6, "completed_orders": 4, "buyers": 4,
        "asn_buyer_share": 0.75,
        "asn_buyer_share_suppressed": False, "decided_orders": 6, "fulfilled_orders": 4, "seller_cancelled_orders": 1,
        "median_seconds_to_accept": 2400, "review_count": 1, "rating_sum": 2, "rank": None, **NO_COMPLAINTS,
    }
    assert (y.fulfilment_rate, y.seller_cancellation_rate, y.median_minutes_to_accept) == (4 / 6, 1 / 6, 40.0)
    assert (z.orders, z.gmv, z.median_seconds_to_accept, z.fulfilment_rate, z.average_rating) == (0, 0, None, None, None)
    assert (await scorecards.scorecard_of(city.ids["X"], OCTOBER, 6)).asn_buyer_share_suppressed is True


@pytest.mark.parametrize(
    ("sort", "descending", "kecamatan", "category", "expected"),
    [
        (F.GMV, True, None, None, ["Y", "X"]),
        (F.MEDIAN_MINUTES_TO_ACCEPT, False, None, None, ["X", "Y"]),
        (F.SELLER_CANCELLATION_RATE, True, None, None, ["Y", "X"]),
        (F.ASN_BUYER_SHARE, True, None, None, ["X", "Y"]),
        (F.AVERAGE_RATING, False, None, None, ["Y", "X"]),
        (F.GMV, True, "sukun", None, ["Y"]),
        (F.GMV, True, None, "kuliner", ["X"]),
        (F.GMV, True, None, "sembako", ["Y", "X"]),  # the pending shop Z is on no leaderboard
    ],
)
async def test_leaderboards_rank_verified_shops(city: City, sort: F, descending: bool, kecamatan: str | None,
                                                category: str | None, expected: list[str]) -> None:
    board = await scorecards.leaderboard(scorecards.LeaderboardQuery(OCTOBER, kecamatan, category, sort, descending), 2)
    page = await board.page(0, 10)
    names = {city.ids[name]: name for name in ("X", "Y", "Z")}
    assert [names[card.shop_id] for card in page] == expected
    assert [card.rank for card in page] == list(range(1, len(expected) + 1))
    assert await board.count() == len(expected)


async def test_sembako_price_distribution_and_ceilings(city: City) -> None:
    prices = await price_watch.sembako_prices(price_watch.PriceFilter())
    # Per kg or litre: p1 13,500, p5 13,200, p6 15,200 (beras); p2 18,000, p11 17,000 (gula); p7 16,000 and p8
    # 33,001 / 2 = 16,500.5, half up 16,501 (minyak); p3 50,000 / 1.85 kg = 27,027 (telur). Not p9 (pending shop) nor
    # p10 (inactive). Above the ceiling that applies: p6 (premium 14,900), p2 (17,500), p7 (MinyaKita 15,700).
    assert [plain(row) for row in prices.city] == [
        {"commodity": "beras", "per": "KG", "kecamatan": None, "listings": 3, "min_price": 13_200,
         "median_price": 13_500, "max_price": 15_200, "above_ceiling": 1, "ceiling": 13_500},
        {"commodity": "gula", "per": "KG", "kecamatan": None, "listings": 2, "min_price": 17_000,
         "median_price": 17_500, "max_price": 18_000, "above_ceiling": 1, "ceiling": 17_500},
        {"commodity": "minyak-goreng", "per": "LITRE", "kecamatan": None, "listings": 2, "min_price": 16_000,
         "median_price": 16_251, "max_price": 16_501, "above_ceiling": 1, "ceiling": None},
        {"commodity": "telur", "per": "KG", "kecamatan": None, "listings": 1, "min_price": 27_027,
         "median_price": 27_027, "max_price": 27_027, "above_ceiling": 0, "ceiling": None},
    ]
    beras = [(r.kecamatan, r.listings, r.min_price, r.median_price, r.max_price, r.above_ceiling)
             for r in prices.by_kecamatan if r.commodity == "beras"]
    assert beras == [("Klojen", 1, 13_500, 13_500, 13_500, 0), ("Sukun", 2, 13_200, 14_200, 15_200, 1)]


async def test_listings_above_their_ceiling_most_excessive_first(city: City) -> None:
    flags = await price_watch.price_flags(price_watch.PriceFilter())
    found = [(f.product_id, f.unit_price, f.ceiling, f.ceiling_variant, f.excess, f.excess_percent)
             for f in await flags.page(0, 10)]
    assert found == [
        (city.ids["p2"], 18_000, 17_500, "", 500, 2.9),
        (city.ids["p6"], 15_200, 14_900, "premium", 300, 2.0),
        (city.ids["p7"], 16_000, 15_700, "MinyaKita", 300, 1.9),
    ]
    assert await flags.count() == 3
    sukun = await price_watch.price_flags(price_watch.PriceFilter(kecamatan="Sukun", commodity="beras"))
    assert [f.product_id for f in await sukun.page(0, 10)] == [city.ids["p6"]]


async def test_reference_prices_in_effect_take_the_latest_and_skip_the_future(city: City) -> None:
    found = await price_watch.reference_prices(in_effect_on=dt.date(2026, 10, 31))
    assert [(r.commodity, r.variant, r.price) for r in found] == [
        ("beras", "", 13_500), ("beras", "premium", 14_900), ("gula", "", 17_500), ("minyak-goreng", "MinyaKita", 15_700),
    ]
    assert len(await price_watch.reference_prices()) == 6


async def test_price_series_from_the_history(city: City) -> None:
    weeks = period_from(None, dt.date(2026, 10, 5), dt.date(2026, 10, 18))
    series = await price_watch.price_series(weeks, Interval.WEEK, price_watch.PriceFilter("beras"))
    # At the end of the week of 5 October p1 still cost 14,000 a kg (its new price starts at the next week's first
    # instant); p6 was listed on 20 October.
    assert [(p.start, p.listings, p.min_price, p.median_price, p.max_price) for p in series] == [
        (dt.date(2026, 10, 5), 2, 13_200, 13_600, 14_000),
        (dt.date(2026, 10, 12), 2, 13_200, 13_350, 13_500),
    ]
    month = await price_watch.price_series(OCTOBER, Interval.MONTH, price_watch.PriceFilter("beras"),
                                           by_kecamatan=True)
    assert [(p.kecamatan, p.listings, p.median_price) for p in month] == [("Klojen", 1, 13_500), ("Sukun", 2, 14_200)]
    days = period_from(None, dt.date(2026, 10, 1), dt.date(2026, 10, 2))
    oil = await price_watch.price_series(days, Interval.DAY, price_watch.PriceFilter("minyak-goreng"))
    assert [(p.start.day, p.listings, p.min_price, p.median_price, p.max_price) for p in oil] == [
        (1, 2, 16_000, 16_251, 16_501), (2, 2, 16_000, 16_251, 16_501),
    ]


async def _sales(interval: Interval, dims: list[D], k: int = 1, period: Period = OCTOBER) -> list[tuple[Any, ...]]:
    report = await sales.sales(period, interval, dims, k, {"COD"})
    return [(row.start, *row.keys.values(), row.orders, row.gmv, row.buyers) for row in report.rows]


async def test_sales_by_wib_day_week_and_month(city: City) -> None:
    d = dt.date
    # O9 was placed at 06:00 WIB on Monday 12 October: Sunday 11 October in UTC.
    # Per day and week, people are not counted (hardening II, item 5): buyers are None.
    assert await _sales(Interval.DAY, []) == [
        (d(2026, 10, 1), 1, 67_500, None), (d(2026, 10, 5), 1, 15_000, None), (d(2026, 10, 11), 1, 76_000, None),
        (d(2026, 10, 12), 1, 135_000, None), (d(2026, 10, 15), 1, 85_500, None), (d(2026, 10, 20), 1, 16_000, None),
        (d(2026, 10, 22), 1, 18_000, None), (d(2026, 10, 23), 1, 16_000, None), (d(2026, 10, 31), 1, 330_000, None),
    ]
    assert await _sales(Interval.WEEK, []) == [
        (d(2026, 9, 28), 1, 67_500, None),  # weeks are whole: this one began in September
        (d(2026, 10, 5), 2, 91_000, None),
        (d(2026, 10, 12), 2, 220_500, None),
        (d(2026, 10, 19), 3, 50_000, None),
        (d(2026, 10, 26), 2, 348_000, None),  # and this one ends in November, with O3 on the 1st
    ]
    with pytest.raises(DomainError, match="by MONTH only"):
        await _sales(Interval.WEEK, [D.BUYER_TYPE])
    assert await _sales(Interval.MONTH, [D.PAYMENT_KIND]) == [
        (d(2026, 10, 1), "CASHLESS", 2, 161_500, 2), (d(2026, 10, 1), "COD", 7, 597_500, 6),
    ]


async def test_sales_by_category_split_orders_into_lines(city: City) -> None:
    october = dt.date(2026, 10, 1)
    assert await _sales(Interval.MONTH, [D.CATEGORY]) == [
        (october, "beras", 5, 676_000, 4), (october, "gula", 2, 36_000, 2), (october, "kuliner", 1, 15_000, 1),
        (october, "minyak-goreng", 2, 32_000, 2),
    ]
    assert await _sales(Interval.MONTH, [D.KECAMATAN, D.PAYMENT_METHOD]) == [
        (october, "Klojen", "COD", 4, 235_500, 4), (october, "Klojen", "QRIS", 1, 85_500, 1),
        (october, "Sukun", "COD", 3, 362_000, 3), (october, "Sukun", "QRIS", 1, 76_000, 1),
    ]


async def test_sales_rows_of_fewer_than_k_buyers_are_withheld_within_their_bucket(city: City) -> None:
    # The week of 28 September had one buyer: withheld, though the week shows no buyers.
    report = await sales.sales(OCTOBER, Interval.WEEK, [], 2, {"COD"})
    assert [(row.start.day, row.suppressed, row.gmv) for row in report.rows] == [
        (28, True, None), (5, False, 91_000), (12, False, 220_500), (19, False, 50_000), (26, False, 348_000),
    ]
    month = await sales.sales(OCTOBER, Interval.MONTH, [D.PAYMENT_KIND], 3, {"COD"})
    assert [(row.keys["payment_kind"], row.suppressed) for row in month.rows] == [("CASHLESS", True), ("COD", True)]


async def test_asn_progress_against_the_months_target(city: City) -> None:
    a1, a4, a2 = [await User.get(id=city.ids[name]) for name in ("A1", "A4", "A2")]
    progress = await participation.asn_progress(a1, "2026-10")
    assert progress is not None and (progress.spent, progress.completed_orders, progress.pending) == (397_500, 2, 0)
    assert (progress.target, progress.reached, progress.remaining) == (100_000, True, 0)
    progress = await participation.asn_progress(a4, "2026-10")
    assert progress is not None and (progress.spent, progress.pending, progress.remaining) == (16_000, 50_000, 84_000)
    progress = await participation.asn_progress(a2, "2026-11")
    assert progress is not None and (progress.spent, progress.target, progress.remaining) == (18_000, 300_000, 282_000)
    assert await participation.asn_progress(await User.get(id=city.ids["R1"]), "2026-10") is None
