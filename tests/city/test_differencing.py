"""Hardening II, item 5: k-anonymity must survive comparing two answers.

The attack: ask for a figure about people over [from, D] and over [from, D-1] (or at two moments) and subtract. With free
periods the difference was one day's purchases, often one person's. Now a figure about people covers only whole,
closed buckets: the two answers of a differencing pair are the same, or withheld.

Orders are placed through GraphQL and then moved into September 2026 with one model update each (GraphQL cannot
back-date); the open bucket is today's, in real time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from tests.helpers.api import Api
from tests.helpers.city import Market, asn, market, purchase, wib
from tests.helpers.people import sign_up
from umkm_graph.city.analytics import WIB
from umkm_graph.orders.models import Order
from umkm_graph.people.models import User
from umkm_graph.settings import Settings

PARTICIPATION = """
query($period: PeriodInput!) {
  asnParticipation(period: $period) {
    period { first last month closed }
    city { ...row }
    opds { ...row }
  }
}
fragment row on OpdParticipation {
  opd suppressed registeredAsn buyingAsn totalSpend medianSpend
  spendByKecamatan { key suppressed buyingAsn spend }
  spendByCategory { key suppressed buyingAsn spend }
}
"""
SCORECARD = """
query($id: ID!, $period: PeriodInput!) {
  shopScorecard(shopId: $id, period: $period) { buyers asnBuyerShare asnBuyerShareSuppressed }
}
"""
LEADERBOARD = """
query($period: PeriodInput!) {
  shopLeaderboard(period: $period, sort: ASN_BUYER_SHARE) { edges { node { shop { id } buyers asnBuyerShare } } }
}
"""
SALES = """
query($period: PeriodInput!, $interval: Interval!, $by: [SalesDimension!]) {
  salesAggregates(period: $period, interval: $interval, by: $by) {
    period { first last closed }
    rows { start buyerType suppressed orders gmv buyers }
  }
}
"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, min_group_size=2)


async def _september(api: Api) -> tuple[Market, dict[str, str]]:
    """Three Diskominfo ASN and a resident buy at the Klojen shop on 10, 17, 24 and 25 September 2026 (WIB)."""
    m = await market(api)
    buyers = [await asn(api, "Diskominfo") for _ in range(3)] + [await sign_up(api)]
    days = (10, 17, 24, 25)
    orders = {}
    for buyer, day, quantity in zip(buyers, days, (1, 2, 3, 1), strict=True):
        order = await purchase(api, buyer, m.seller, m.klojen, [(m.beras, quantity)])
        await Order.filter(id=int(order)).update(created_at=wib(2026, 9, day, 10, 0))
        orders[f"09-{day}"] = order
    await User.all().update(created_at=wib(2026, 8, 1, 10, 0))
    return m, orders


async def _participation(api: Api, m: Market, period: dict[str, str]) -> dict[str, Any]:
    return (await api.gql(PARTICIPATION, {"period": period}, m.analyst.token))["asnParticipation"]


async def test_participation_to_d_and_to_d_minus_one_are_the_same_answer(api: Api) -> None:
    m, _ = await _september(api)
    to_24 = await _participation(api, m, {"from": "2026-09-01", "to": "2026-09-24"})
    to_23 = await _participation(api, m, {"from": "2026-09-01", "to": "2026-09-23"})
    assert to_24 == to_23, "the difference would be the purchase of 24 September, one person's"
    assert to_24["period"] == {"first": "2026-09-01", "last": "2026-09-30", "month": "2026-09", "closed": True}
    assert (to_24["city"]["buyingAsn"], to_24["city"]["totalSpend"]) == (3, 6 * 67_500)
    assert to_24 == await _participation(api, m, {"month": "2026-09"})


async def test_participation_of_a_month_not_yet_ended_shows_nothing_about_people(api: Api) -> None:
    m = await market(api)
    buyers = [await asn(api, "Diskominfo") for _ in range(3)]
    for buyer in buyers:  # placed now, in the month that is still open
        await purchase(api, buyer, m.seller, m.klojen, [(m.beras, 1)])
    today = dt.datetime.now(WIB).date()
    report = await _participation(api, m, {"from": today.replace(day=1).isoformat(), "to": today.isoformat()})
    assert report["period"]["closed"] is False
    for row in [report["city"], *report["opds"]]:
        assert row["suppressed"] is True
        assert (row["registeredAsn"], row["buyingAsn"], row["totalSpend"], row["medianSpend"]) == (None,) * 4
        assert row["spendByKecamatan"] == row["spendByCategory"] == []


async def test_a_seller_cannot_tell_which_buyer_is_asn_by_differencing_the_scorecard(api: Api) -> None:
    m, _ = await _september(api)
    asked = {"shop": m.klojen}
    to_25 = (await api.gql(SCORECARD, {"id": m.klojen, "period": {"from": "2026-09-01", "to": "2026-09-25"}},
                           m.seller.token))["shopScorecard"]
    to_24 = (await api.gql(SCORECARD, {"id": m.klojen, "period": {"from": "2026-09-01", "to": "2026-09-24"}},
                           m.seller.token))["shopScorecard"]
    # The seller knows from shopOrders who bought on the 25th; the shares would have said 3/4 against 3/3.
    assert (to_25["buyers"], to_24["buyers"]) == (4, 3), asked
    assert to_25["asnBuyerShare"] is None and to_24["asnBuyerShare"] is None
    assert to_25["asnBuyerShareSuppressed"] is True and to_24["asnBuyerShareSuppressed"] is True
    whole = (await api.gql(SCORECARD, {"id": m.klojen, "period": {"month": "2026-09"}}, m.seller.token))
    assert whole["shopScorecard"]["asnBuyerShare"] == 0.75, "a whole month that has ended shows the share"


async def test_the_leaderboard_ranks_no_asn_share_over_a_free_period(api: Api) -> None:
    m, _ = await _september(api)
    board = (await api.gql(LEADERBOARD, {"period": {"from": "2026-09-01", "to": "2026-09-24"}},
                           m.analyst.token))["shopLeaderboard"]
    assert [edge["node"]["asnBuyerShare"] for edge in board["edges"]] == [None, None]
    assert [edge["node"]["shop"]["id"] for edge in board["edges"]] == sorted([m.klojen, m.lowokwaru], key=int)
    month = (await api.gql(LEADERBOARD, {"period": {"month": "2026-09"}}, m.analyst.token))["shopLeaderboard"]
    assert [edge["node"]["asnBuyerShare"] for edge in month["edges"]] == [0.75, None]


@pytest.mark.parametrize("interval", ["WEEK", "MONTH"])
async def test_sales_by_buyer_type_to_d_and_to_d_minus_one_are_the_same_answer(api: Api, interval: str) -> None:
    m, _ = await _september(api)

    async def sales(to: str) -> dict[str, Any]:
        variables = {"period": {"from": "2026-09-07", "to": to}, "interval": interval, "by": ["BUYER_TYPE"]}
        return (await api.gql(SALES, variables, m.analyst.token))["salesAggregates"]

    assert await sales("2026-09-24") == await sales("2026-09-23")


async def test_sales_of_today_show_nothing_until_the_day_has_ended(api: Api) -> None:
    m = await market(api)
    for buyer in [await asn(api, "Diskominfo") for _ in range(3)]:
        await purchase(api, buyer, m.seller, m.klojen, [(m.beras, 1)])
    today = dt.datetime.now(WIB).date().isoformat()
    variables = {"period": {"from": today, "to": today}, "interval": "DAY", "by": ["BUYER_TYPE"]}
    report = (await api.gql(SALES, variables, m.analyst.token))["salesAggregates"]
    assert report["period"]["closed"] is False
    assert [(row["suppressed"], row["buyers"], row["gmv"]) for row in report["rows"]] == [(True, None, None)]
