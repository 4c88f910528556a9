"""ASN participation through GraphQL: per OPD and for the city, against the month's target, with k-anonymity; and an
ASN's own progress in `me`.

Every order is placed and taken to its state through GraphQL (checkout, then the seller's and buyer's transitions).
GraphQL cannot place them in the past, so the fixture then moves every order to 15 October 2026 and every account to
September with one model update each, which keeps the expected figures independent of the day the tests run.

The helpers (asn, purchase, to_october, market) are in tests/helpers/city.py, shared with the other tests of the city.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from tests.helpers.api import Api
from tests.helpers.city import asn, market, purchase, to_october, wib
from tests.helpers.people import city_person, sign_up
from umkm_graph.city.analytics import WIB
from umkm_graph.people.models import Role, User
from umkm_graph.settings import Settings

PARTICIPATION = """
query($period: PeriodInput!) {
  asnParticipation(period: $period) {
    period { first last month } minGroupSize target
    city { ...row }
    opds { ...row }
  }
}
fragment row on OpdParticipation {
  opd suppressed registeredAsn buyingAsn buyingShare totalSpend medianSpend compliantAsn complianceShare
}
"""
SET_TARGET = """
mutation($month: String!, $amount: Rupiah!) {
  setSpendTarget(month: $month, amount: $amount) { spendTarget { month amount } errors { code field message } }
}
"""
PROGRESS = """
query($month: String) {
  me { asnProgress(month: $month) { month target spent completedOrders pending reached remaining } }
}
"""


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """k = 2, the smallest the setting allows, so that small fixtures show figures."""
    settle_days = getattr(request, "param", settings.analytics_settle_days)
    return dataclasses.replace(settings, min_group_size=2, analytics_settle_days=settle_days)


def cells(found: list[dict[str, Any]]) -> list[tuple[str, int | None, int | None]]:
    """(key, buying ASN, spend) per cell; withheld cells show as (key, None, None)."""
    return [(c["key"], c["buyingAsn"], c["spend"]) for c in found]


async def test_participation_per_opd_and_for_the_city_with_groups_of_one_withheld(api: Api) -> None:
    m = await market(api)
    d1, d2, d3 = [await asn(api, "Diskominfo") for _ in range(3)]
    b1, b2 = [await asn(api, "Bappeda") for _ in range(2)]
    resident, neighbour = await sign_up(api), await sign_up(api)
    await purchase(api, d1, m.seller, m.klojen, [(m.beras, 2)])  # 135,000
    await purchase(api, d2, m.seller, m.klojen, [(m.gula, 1)])  # 18,000
    await purchase(api, d3, m.lowokwaru_seller, m.lowokwaru, [(m.minyak, 1)])  # 16,000
    await purchase(api, d3, m.seller, m.klojen, [(m.beras, 1)], "CANCELLED_BY_SELLER")  # not a purchase
    await purchase(api, b1, m.seller, m.klojen, [(m.beras, 1)])  # 67,500
    await purchase(api, b2, m.lowokwaru_seller, m.lowokwaru, [(m.minyak, 2)])  # 32,000
    await purchase(api, b2, m.seller, m.klojen, [(m.gula, 1)], "DELIVERED")  # not completed: not yet a purchase
    await purchase(api, resident, m.seller, m.klojen, [(m.beras, 1)])  # not ASN
    await purchase(api, neighbour, m.seller, m.klojen, [(m.gula, 1)])  # two residents: the city's row may show
    await to_october()
    target = await api.ok(SET_TARGET, {"month": "2026-10", "amount": 50_000}, m.officer.token)
    assert target["spendTarget"] == {"month": "2026-10", "amount": 50_000}

    report = (await api.gql(PARTICIPATION, {"period": {"month": "2026-10"}}, m.analyst.token))["asnParticipation"]
    assert report["period"] == {"first": "2026-10-01", "last": "2026-10-31", "month": "2026-10"}
    assert (report["minGroupSize"], report["target"]) == (2, 50_000)
    city = report["city"]
    # Spends 16,000 18,000 32,000 67,500 135,000: median 32,000; D1 and B1 reached Rp50,000.
    assert {key: city[key] for key in ("opd", "suppressed", "registeredAsn", "buyingAsn", "buyingShare", "totalSpend",
                                       "medianSpend", "compliantAsn", "complianceShare")} == {
        "opd": None, "suppressed": False, "registeredAsn": 5, "buyingAsn": 5, "buyingShare": 1.0,
        "totalSpend": 268_500, "medianSpend": 32_000, "compliantAsn": 2, "complianceShare": 0.4,
    }

    bappeda, diskominfo = report["opds"]
    assert (diskominfo["opd"], diskominfo["registeredAsn"], diskominfo["buyingAsn"], diskominfo["totalSpend"],
            diskominfo["medianSpend"]) == ("Diskominfo", 3, 3, 169_000, 18_000)
    assert (bappeda["opd"], bappeda["registeredAsn"], bappeda["buyingAsn"], bappeda["totalSpend"],
            bappeda["medianSpend"]) == ("Bappeda", 2, 2, 99_500, 49_750)
    # One ASN in each OPD reached the target: a group of one, withheld in both rows.
    for row in (bappeda, diskominfo):
        assert (row["suppressed"], row["compliantAsn"], row["complianceShare"]) == (True, None, None)

    # A third OPD with a single ASN: its row is withheld, and so is the smaller other row (Bappeda), or the city's
    # figures minus Diskominfo's would show that one person's.
    k1 = await asn(api, "Dinas Kesehatan")
    await purchase(api, k1, m.seller, m.klojen, [(m.gula, 1)])
    await to_october()
    again = (await api.gql(PARTICIPATION, {"period": {"month": "2026-10"}}, m.analyst.token))["asnParticipation"]
    assert [(row["opd"], row["registeredAsn"], row["totalSpend"]) for row in again["opds"]] == [
        ("Bappeda", None, None), ("Dinkes", None, None), ("Diskominfo", 3, 169_000),
    ]
    assert again["city"]["totalSpend"] == 286_500


@pytest.mark.parametrize("settings", [0], indirect=True)  # November 2026 has ended; no settling to wait for
async def test_asn_who_registered_after_the_period_are_not_counted_in_it(api: Api) -> None:
    m = await market(api)
    for _ in range(2):
        await purchase(api, await asn(api, "Diskominfo"), m.seller, m.klojen, [(m.gula, 1)])
    await to_october()
    late = await asn(api, "Diskominfo")
    await User.filter(email=late.email).update(created_at=wib(2026, 11, 15, 9, 0), asn_since=wib(2026, 11, 15, 9, 0))
    report = (await api.gql(PARTICIPATION, {"period": {"month": "2026-10"}}, m.analyst.token))["asnParticipation"]
    (row,) = report["opds"]
    assert (row["registeredAsn"], row["buyingAsn"], row["buyingShare"], row["totalSpend"]) == (2, 2, 1.0, 36_000)
    november = (await api.gql(PARTICIPATION, {"period": {"month": "2026-11"}}, m.analyst.token))["asnParticipation"]
    assert (november["opds"][0]["registeredAsn"], november["opds"][0]["buyingAsn"]) == (3, 0)
    assert report["target"] is None, "no target was set"


async def test_a_date_range_covers_the_whole_months_it_touches_and_several_months_have_no_target(api: Api) -> None:
    m = await market(api)
    await api.ok(SET_TARGET, {"month": "2026-09", "amount": 50_000}, m.officer.token)
    within = (await api.gql(PARTICIPATION, {"period": {"from": "2026-10-01", "to": "2026-10-15"}},
                            m.analyst.token))["asnParticipation"]
    assert (within["period"], within["target"]) == ({"first": "2026-10-01", "last": "2026-10-31", "month": "2026-10"},
                                                    50_000)
    period = {"from": "2026-09-20", "to": "2026-10-15"}
    report = (await api.gql(PARTICIPATION, {"period": period}, m.analyst.token))["asnParticipation"]
    assert report["period"] == {"first": "2026-09-01", "last": "2026-10-31", "month": None}
    assert (report["target"], report["city"]["compliantAsn"]) == (None, None)


@pytest.mark.parametrize(
    ("period", "field", "code"),
    [
        ({"month": "2026-10", "from": "2026-10-01"}, ["period"], "INVALID"),
        ({"from": "2026-10-01"}, ["period", "to"], "REQUIRED"),
        ({"month": "10-2026"}, ["period", "month"], "INVALID"),
    ],
)
async def test_a_wrong_period_is_an_error_naming_the_field(api: Api, period: dict[str, str], field: list[str],
                                                           code: str) -> None:
    analyst = await city_person(api, Role.ANALYST)
    body = await api.post(PARTICIPATION, {"period": period}, analyst.token)
    (error,) = body["errors"]
    assert (error["extensions"]["code"], error["extensions"]["field"]) == (code, field)


async def test_the_target_applies_from_its_month_until_a_later_one_replaces_it(api: Api) -> None:
    m = await market(api)
    for month, amount in (("2026-09", 100_000), ("2026-12", 250_000), ("2026-09", 150_000)):
        await api.ok(SET_TARGET, {"month": month, "amount": amount}, m.officer.token)
    targets = (await api.gql("{ spendTargets { month amount } }", token=m.analyst.token))["spendTargets"]
    assert targets == [{"month": "2026-12", "amount": 250_000}, {"month": "2026-09", "amount": 150_000}]
    for month, expected in (("2026-10", 150_000), ("2026-12", 250_000), ("2026-08", None)):
        period = {"month": month}
        assert (await api.gql(PARTICIPATION, {"period": period}, m.analyst.token))["asnParticipation"]["target"] == expected


@pytest.mark.parametrize(
    ("month", "amount", "field"), [("2026-10", 0, ["amount"]), ("Oktober", 200_000, ["month"])]
)
async def test_a_wrong_target_names_the_field(api: Api, month: str, amount: int, field: list[str]) -> None:
    officer = await city_person(api)
    (error,) = await api.fails(SET_TARGET, {"month": month, "amount": amount}, officer.token)
    assert (error["code"], error["field"]) == ("INVALID", field)


async def test_an_asn_sees_their_own_progress_against_the_target(api: Api) -> None:
    m = await market(api)
    me = await asn(api, "Diskominfo")
    await purchase(api, me, m.seller, m.klojen, [(m.beras, 1)])  # 67,500
    await purchase(api, me, m.seller, m.klojen, [(m.gula, 2)], "ACCEPTED")  # 36,000 on its way
    await purchase(api, me, m.seller, m.klojen, [(m.gula, 1)], "CANCELLED_BY_BUYER")
    await to_october()
    await api.ok(SET_TARGET, {"month": "2026-10", "amount": 100_000}, m.officer.token)
    progress = (await api.gql(PROGRESS, {"month": "2026-10"}, me.token))["me"]["asnProgress"]
    assert progress == {"month": "2026-10", "target": 100_000, "spent": 67_500, "completedOrders": 1,
                        "pending": 36_000, "reached": False, "remaining": 32_500}
    november = (await api.gql(PROGRESS, {"month": "2026-11"}, me.token))["me"]["asnProgress"]
    assert (november["spent"], november["target"], november["reached"]) == (0, 100_000, False)
    resident = await sign_up(api)
    assert (await api.gql(PROGRESS, {"month": "2026-10"}, resident.token))["me"]["asnProgress"] is None
    current = (await api.gql(PROGRESS, {}, me.token))["me"]["asnProgress"]
    assert current["month"] == dt.datetime.now(WIB).strftime("%Y-%m")
