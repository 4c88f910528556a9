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

from tests.helpers.api import Api, error_codes
from tests.helpers.city import Market, asn, back_date_people, market, move_order, purchase, wib
from tests.helpers.people import Person, sign_up
from umkm_graph.city.analytics import WIB
from umkm_graph.orders.models import Order, OrderTransition
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
    peopleWithheld
    rows { start buyerType suppressed orders gmv buyers }
  }
}
"""


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    settle_days = getattr(request, "param", settings.analytics_settle_days)
    return dataclasses.replace(settings, min_group_size=2, analytics_settle_days=settle_days)


async def _september(api: Api) -> tuple[Market, dict[str, str]]:
    m, orders, _ = await _september_with_resident(api)
    return m, orders


async def _september_with_resident(api: Api) -> tuple[Market, dict[str, str], Person]:
    """Three Diskominfo ASN and a resident buy at the Klojen shop on 10, 17, 24 and 25 September 2026 (WIB); another
    resident at the Lowokwaru shop on the 10th."""
    m = await market(api)
    buyers = [await asn(api, "Diskominfo") for _ in range(3)] + [await sign_up(api)]
    days = (10, 17, 24, 25)
    orders = {}
    for buyer, day, quantity in zip(buyers, days, (1, 2, 3, 1), strict=True):
        order = await purchase(api, buyer, m.seller, m.klojen, [(m.beras, quantity)])
        await move_order(order, wib(2026, 9, day, 10, 0))
        orders[f"09-{day}"] = order
    # A second resident, at the other shop: with one, September's sales minus the city's ASN row would be that
    # resident's, so the city's row would be withheld (test_differencing_across_tables).
    neighbour = await purchase(api, await sign_up(api), m.lowokwaru_seller, m.lowokwaru, [(m.minyak, 1)])
    await move_order(neighbour, wib(2026, 9, 10, 12, 0))
    await back_date_people(wib(2026, 8, 1, 10, 0))
    return m, orders, buyers[-1]


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


@pytest.mark.parametrize(("interval", "by"), [("WEEK", []), ("MONTH", ["BUYER_TYPE"])])
async def test_sales_by_buyer_type_to_d_and_to_d_minus_one_are_the_same_answer(
    api: Api, interval: str, by: list[str]
) -> None:
    m, _ = await _september(api)

    async def sales(to: str) -> dict[str, Any]:
        variables = {"period": {"from": "2026-09-07", "to": to}, "interval": interval, "by": by}
        return (await api.gql(SALES, variables, m.analyst.token))["salesAggregates"]

    assert await sales("2026-09-24") == await sales("2026-09-23")


async def test_sales_of_today_show_nothing_until_the_day_has_ended(api: Api) -> None:
    m = await market(api)
    for buyer in [await asn(api, "Diskominfo") for _ in range(3)]:
        await purchase(api, buyer, m.seller, m.klojen, [(m.beras, 1)])
    today = dt.datetime.now(WIB).date().isoformat()
    variables = {"period": {"from": today, "to": today}, "interval": "DAY", "by": ["KECAMATAN"]}
    report = (await api.gql(SALES, variables, m.analyst.token))["salesAggregates"]
    assert report["period"]["closed"] is False
    assert [(row["suppressed"], row["buyers"], row["gmv"]) for row in report["rows"]] == [(True, None, None)]


CASH_COLLECTED = "mutation($id: ID!) { confirmCashCollected(id: $id) { errors { code } } }"
COMPLETE = "mutation($id: ID!) { completeOrder(id: $id) { errors { code } } }"
SIGN_IN = 'mutation($e: String!) { login(email: $e, password: "rahasia-123") { token errors { code } } }'
REGISTER_ASN = """
mutation($nip: String!) { registerAsn(nip: $nip, opd: "Diskominfo") { user { isAsn } errors { code field } } }
"""


async def test_an_order_completed_after_its_month_has_settled_does_not_change_it(api: Api) -> None:
    m, _ = await _september(api)
    late_buyer = await asn(api, "Diskominfo")
    await User.filter(email=late_buyer.email).update(created_at=wib(2026, 8, 1, 10, 0), asn_since=wib(2026, 8, 1, 10, 0))
    late = await purchase(api, late_buyer, m.seller, m.klojen, [(m.beras, 1)], outcome="DELIVERED")
    await move_order(late, wib(2026, 9, 30, 23, 0))
    month = {"month": "2026-09"}
    before = await _participation(api, m, month)
    sales_before = (await api.gql(SALES, {"period": month, "interval": "MONTH", "by": ["BUYER_TYPE"]},
                                  m.analyst.token))["salesAggregates"]
    share_before = (await api.gql(SCORECARD, {"id": m.klojen, "period": month}, m.seller.token))["shopScorecard"]
    await api.gql(CASH_COLLECTED, {"id": late}, m.seller.token)
    await api.ok(COMPLETE, {"id": late}, late_buyer.token)  # the buyer completes it today, long after September
    assert await _participation(api, m, month) == before, "the completion would add one ASN and their spend"
    assert (await api.gql(SALES, {"period": month, "interval": "MONTH", "by": ["BUYER_TYPE"]},
                          m.analyst.token))["salesAggregates"] == sales_before
    share_after = (await api.gql(SCORECARD, {"id": m.klojen, "period": month}, m.seller.token))["shopScorecard"]
    assert share_after["asnBuyerShare"] == share_before["asnBuyerShare"] == 0.75


async def test_an_order_completed_within_the_settling_days_counts_in_its_month(api: Api) -> None:
    m, _ = await _september(api)
    late_buyer = await asn(api, "Diskominfo")
    await User.filter(email=late_buyer.email).update(created_at=wib(2026, 8, 1, 10, 0), asn_since=wib(2026, 8, 1, 10, 0))
    late = await purchase(api, late_buyer, m.seller, m.klojen, [(m.beras, 1)])
    await move_order(late, wib(2026, 9, 30, 23, 0))
    await OrderTransition.filter(order_id=int(late)).update(created_at=wib(2026, 10, 7, 23, 59))  # 7 days later
    report = await _participation(api, m, {"month": "2026-09"})
    assert (report["city"]["buyingAsn"], report["city"]["totalSpend"]) == (4, 7 * 67_500)
    await OrderTransition.filter(order_id=int(late)).update(created_at=wib(2026, 10, 8, 0, 0))  # a moment too late
    report = await _participation(api, m, {"month": "2026-09"})
    assert (report["city"]["buyingAsn"], report["city"]["totalSpend"]) == (3, 6 * 67_500)


@pytest.mark.parametrize("settings", [40], indirect=True)
async def test_a_month_is_closed_only_once_its_settling_days_have_passed(api: Api) -> None:
    m = await market(api)
    for buyer in [await asn(api, "Diskominfo") for _ in range(3)]:
        await purchase(api, buyer, m.seller, m.klojen, [(m.beras, 1)])
    last_month_end = dt.datetime.now(WIB).date().replace(day=1) - dt.timedelta(days=1)
    for order_id in await Order.all().values_list("id", flat=True):
        await move_order(order_id, wib(last_month_end.year, last_month_end.month, 10, 10, 0))
    await back_date_people(wib(2000, 1, 1, 0, 0))
    report = await _participation(api, m, {"month": f"{last_month_end:%Y-%m}"})
    assert report["period"]["closed"] is False, "ended less than 40 days ago: completions may still come"
    assert report["city"]["suppressed"] is True and report["city"]["buyingAsn"] is None
    board = (await api.gql(SCORECARD, {"id": m.klojen, "period": {"month": f"{last_month_end:%Y-%m}"}},
                           m.seller.token))["shopScorecard"]
    assert (board["buyers"], board["asnBuyerShare"], board["asnBuyerShareSuppressed"]) == (3, None, True)


async def test_a_nip_registered_after_a_month_has_closed_does_not_change_it(api: Api) -> None:
    m, _, resident = await _september_with_resident(api)
    month = {"month": "2026-09"}
    before = await _participation(api, m, month)
    sales_before = (await api.gql(SALES, {"period": month, "interval": "MONTH", "by": ["BUYER_TYPE"]},
                                  m.analyst.token))["salesAggregates"]
    share_before = (await api.gql(SCORECARD, {"id": m.klojen, "period": month}, m.seller.token))["shopScorecard"]
    await api.ok(REGISTER_ASN, {"nip": "198501012010011999"}, resident.token)  # the buyer of 25 September
    assert await _participation(api, m, month) == before, "the new ASN would count as registered and buying"
    assert (await api.gql(SALES, {"period": month, "interval": "MONTH", "by": ["BUYER_TYPE"]},
                          m.analyst.token))["salesAggregates"] == sales_before
    share_after = (await api.gql(SCORECARD, {"id": m.klojen, "period": month}, m.seller.token))["shopScorecard"]
    assert share_after["asnBuyerShare"] == share_before["asnBuyerShare"] == 0.75


async def test_a_week_minus_its_days_reveals_nothing_about_people(api: Api) -> None:
    m, _ = await _september(api)
    other = await asn(api, "Diskominfo")
    await User.filter(email=other.email).update(created_at=wib(2026, 8, 1, 10, 0), asn_since=wib(2026, 8, 1, 10, 0))
    extra = await purchase(api, other, m.seller, m.klojen, [(m.gula, 1)])
    await move_order(extra, wib(2026, 9, 24, 12, 0))
    period = {"from": "2026-09-21", "to": "2026-09-27"}
    for interval in ("DAY", "WEEK"):
        report = (await api.gql(SALES, {"period": period, "interval": interval, "by": []},
                                m.analyst.token))["salesAggregates"]
        # Before: the week showed 3 buyers, the 24th 2 and the 25th was withheld: 3 - 2 = the resident alone.
        assert [row["buyers"] for row in report["rows"]] == [None] * len(report["rows"]), interval
        assert report["peopleWithheld"] is True
        refused = await api.post(SALES, {"period": period, "interval": interval, "by": ["BUYER_TYPE"]},
                                 m.analyst.token)
        assert error_codes(refused) == ["INVALID"], "the buyer type is about people: by month only"
    month = (await api.gql(SALES, {"period": period, "interval": "MONTH", "by": []}, m.analyst.token))["salesAggregates"]
    assert month["peopleWithheld"] is False
    assert [(row["start"], row["buyers"]) for row in month["rows"]] == [("2026-09-01", 6)], "by month, people count"


async def test_an_asn_correcting_their_nip_later_stays_in_the_months_closed(api: Api) -> None:
    m, _ = await _september(api)
    before = await _participation(api, m, {"month": "2026-09"})
    first_asn = await User.filter(nip__not_isnull=True).order_by("id").first()
    assert first_asn is not None
    login = await api.ok(SIGN_IN, {"e": first_asn.email})
    await api.ok(REGISTER_ASN, {"nip": "198501012010011998"}, login["token"])
    assert await _participation(api, m, {"month": "2026-09"}) == before, "a new date would drop them from September"
