"""Sales aggregates through GraphQL: GMV, orders and buyers per WIB day, week or month, crossed with dimensions, with
rows of fewer than k buyers withheld.

Orders are placed and completed through GraphQL; then model updates set when each was placed (GraphQL cannot back-date)
and mark two as paid by QRIS (no cashless gateway runs in these tests; the figures read only the method's code).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.helpers.api import Api, error_codes
from tests.helpers.city import Market, asn, back_date_people, market, move_order, purchase, wib
from tests.helpers.people import sign_up
from umkm_graph.orders.models import Order
from umkm_graph.settings import Settings

SALES = """
query($period: PeriodInput!, $interval: Interval!, $by: [SalesDimension!]) {
  salesAggregates(period: $period, interval: $interval, by: $by) {
    period { first last } interval by minGroupSize
    rows { start kecamatan category paymentMethod paymentKind buyerType suppressed orders gmv buyers }
  }
}
"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, min_group_size=2)


async def sales_history(api: Api) -> Market:
    """Two ASN and two residents; five completed orders around midnights and a week's start; one cancelled."""
    m = await market(api)
    a1, a2 = await asn(api, "Diskominfo"), await asn(api, "Bappeda")
    r1, r2 = await sign_up(api), await sign_up(api)
    placed = [
        (await purchase(api, a1, m.seller, m.klojen, [(m.beras, 1)]), (2026, 10, 5, 23, 30), "COD"),  # 67,500
        (await purchase(api, a2, m.seller, m.klojen, [(m.gula, 1)]), (2026, 10, 6, 0, 30), "COD"),  # 18,000
        (await purchase(api, r1, m.lowokwaru_seller, m.lowokwaru, [(m.minyak, 1)]), (2026, 10, 5, 17, 0), "QRIS"),
        (await purchase(api, r2, m.lowokwaru_seller, m.lowokwaru, [(m.minyak, 2)]), (2026, 10, 11, 23, 59), "QRIS"),
        (await purchase(api, a1, m.seller, m.klojen, [(m.gula, 2)]), (2026, 10, 12, 0, 0), "COD"),  # 36,000
        (await purchase(api, r1, m.seller, m.klojen, [(m.beras, 1)], "CANCELLED_BY_BUYER"), (2026, 10, 7, 9, 0), "COD"),
    ]
    for order_id, moment, method in placed:
        await move_order(order_id, wib(*moment), payment_method=method)
    await back_date_people(wib(2026, 9, 1, 10, 0))
    return m


def rows(report: dict[str, Any], *keys: str) -> list[tuple[Any, ...]]:
    return [(row["start"], *(row[key] for key in keys), row["orders"], row["gmv"], row["buyers"])
            for row in report["rows"]]


async def _sales(api: Api, m: Market, interval: str, by: list[str], period: dict[str, str] | None = None
                 ) -> dict[str, Any]:
    variables = {"period": period or {"month": "2026-10"}, "interval": interval, "by": by}
    return (await api.gql(SALES, variables, m.analyst.token))["salesAggregates"]


async def test_sales_per_wib_day(api: Api) -> None:
    m = await sales_history(api)
    report = await _sales(api, m, "DAY", [])
    assert (report["interval"], report["by"], report["minGroupSize"]) == ("DAY", [], 2)
    # 00:30 WIB on 6 October is still 5 October in UTC; in WIB it is the next day, with one buyer: withheld.
    assert rows(report) == [  # people are counted by month only: no buyers per day
        ("2026-10-05", 2, 83_500, None), ("2026-10-06", None, None, None), ("2026-10-11", None, None, None),
        ("2026-10-12", None, None, None),
    ]
    assert [row["suppressed"] for row in report["rows"]] == [False, True, True, True]


async def test_sales_by_buyer_type_come_by_month_only(api: Api) -> None:
    m = await sales_history(api)
    report = await _sales(api, m, "MONTH", ["BUYER_TYPE", "BUYER_TYPE"])
    assert report["by"] == ["BUYER_TYPE"]
    assert rows(report, "buyerType") == [("2026-10-01", "ASN", 3, 121_500, 2), ("2026-10-01", "RESIDENT", 2, 48_000, 2)]
    for interval in ("DAY", "WEEK"):
        refused = await api.post(SALES, {"period": {"month": "2026-10"}, "interval": interval, "by": ["BUYER_TYPE"]},
                                 m.analyst.token)
        assert error_codes(refused) == ["INVALID"], interval
    weeks = await _sales(api, m, "WEEK", [])
    # 23:59 WIB on Sunday 11 October belongs to the week of 5 October; 00:00 WIB on Monday 12 October to the next.
    assert rows(weeks) == [("2026-10-05", 4, 133_500, None), ("2026-10-12", None, None, None)]


async def test_cash_on_delivery_against_cashless_per_month(api: Api) -> None:
    m = await sales_history(api)
    report = await _sales(api, m, "MONTH", ["PAYMENT_KIND"])
    assert rows(report, "paymentKind") == [("2026-10-01", "CASHLESS", 2, 48_000, 2), ("2026-10-01", "COD", 3, 121_500, 2)]
    methods = await _sales(api, m, "MONTH", ["PAYMENT_METHOD"])
    assert rows(methods, "paymentMethod") == [("2026-10-01", "COD", 3, 121_500, 2), ("2026-10-01", "QRIS", 2, 48_000, 2)]


async def test_sales_by_kecamatan_and_category_withhold_a_small_row_and_its_complement(api: Api) -> None:
    m = await sales_history(api)
    report = await _sales(api, m, "MONTH", ["KECAMATAN", "CATEGORY"])
    # Klojen beras: one buyer. Withheld, with the smaller of the rows left (Klojen gula, listed first of the two
    # with two buyers), so October's total minus the shown row covers two buyers at least.
    assert rows(report, "kecamatan", "category") == [
        ("2026-10-01", "Klojen", "beras", None, None, None), ("2026-10-01", "Klojen", "gula", None, None, None),
        ("2026-10-01", "Lowokwaru", "minyak-goreng", 2, 48_000, 2),
    ]


async def test_a_week_that_began_before_the_period_counts_whole(api: Api) -> None:
    m = await sales_history(api)
    report = await _sales(api, m, "WEEK", [], {"from": "2026-10-06", "to": "2026-10-11"})
    assert report["period"] == {"first": "2026-10-05", "last": "2026-10-11"}
    assert rows(report) == [("2026-10-05", 4, 133_500, None)]  # Monday the 5th too (hardening II, item 5)
