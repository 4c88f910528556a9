"""ASN participation against the BKPSDM roster: once the city imported one, an OPD's ASN are those the roster lists in
it, with or without an account ("of Diskominfo's 5 ASN, 2 bought"), under today's k-anonymity rules; an account whose
NIP the roster does not list counts as a resident."""

from __future__ import annotations

import dataclasses

import pytest

from tests.helpers.api import Api
from tests.helpers.city import market, purchase, to_october
from tests.helpers.roster import asn_with, import_roster, nip, roster_csv
from umkm_graph.city.report import monthly_report
from umkm_graph.settings import Settings

PARTICIPATION = """
query($month: String!) {
  asnParticipation(period: {month: $month}) {
    rosterMonth city { registeredAsn buyingAsn totalSpend } opds { opd suppressed registeredAsn buyingAsn buyingShare }
  }
}
"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """k = 2, and October 2026 settled: small fixtures show figures."""
    return dataclasses.replace(settings, min_group_size=2, analytics_settle_days=0)


async def test_participation_counts_the_rosters_asn_as_the_denominator(api: Api) -> None:
    m = await market(api)
    buyers = [await asn_with(api, nip(i), "DISKOMINFO") for i in (1, 2)]
    await asn_with(api, nip(3), "DISKOMINFO")  # on the roster, buys nothing
    unlisted = await asn_with(api, nip(9), "DISKOMINFO")  # not on the roster: PENDING, a resident in the figures
    bappeda = [await asn_with(api, nip(i), "BAPPEDA") for i in (11, 12)]
    for buyer in [*buyers, unlisted, *bappeda]:
        await purchase(api, buyer, m.seller, m.klojen, [(m.gula, 1)])
    resident = await asn_with(api, nip(20), "DLH")  # another unlisted buyer, so the residents are not one
    await purchase(api, resident, m.seller, m.klojen, [(m.gula, 1)])
    await to_october()
    before = (await api.gql(PARTICIPATION, {"month": "2026-10"}, m.analyst.token))["asnParticipation"]
    assert before["rosterMonth"] is None
    # DLH's one ASN is withheld, and with it the smaller other row (Bappeda's), as without a roster.
    assert {r["opd"]: r["registeredAsn"] for r in before["opds"]} == {"Diskominfo": 4, "Bappeda": None, "DLH": None}

    roster = [(nip(i), f"Pegawai {i}", "DISKOMINFO", "III/a") for i in (1, 2, 3, 4, 5)]
    roster += [(nip(i), f"Pegawai {i}", "BAPPEDA", "III/b") for i in (11, 12, 13)]
    roster += [(nip(30), "Satu-satunya", "DISHUB", "II/a")]
    await import_roster(api, m.officer, roster_csv(roster), "2026-10")
    after = (await api.gql(PARTICIPATION, {"month": "2026-10"}, m.analyst.token))["asnParticipation"]
    assert after["rosterMonth"] == "2026-10"
    rows = {r["opd"]: (r["registeredAsn"], r["buyingAsn"], r["buyingShare"]) for r in after["opds"]}
    # Dishub's one ASN is withheld whole; its complement (the smaller shown row, Bappeda's 2 buyers) with it.
    assert rows == {"Diskominfo": (5, 2, 0.4), "Bappeda": (None, None, None), "Dishub": (None, None, None)}
    assert (after["city"]["registeredAsn"], after["city"]["buyingAsn"]) == (9, 4)
    report = await monthly_report("2026-10", 2, settle_days=0)  # the monthly report counts as the API does
    assert report.roster_month == "2026-10"
    assert [(r["opd"], r["registered_asn"]) for r in report.participation][:2] == [("(all ASN)", 9), ("Bappeda", None)]
    # A month before the first roster is counted as before.
    september = (await api.gql(PARTICIPATION, {"month": "2026-09"}, m.analyst.token))["asnParticipation"]
    assert september["rosterMonth"] is None


SET_TARGET = """
mutation($month: String!, $amount: Rupiah!, $grade: String) {
  setSpendTarget(month: $month, amount: $amount, grade: $grade) {
    spendTarget { month amount grade } errors { code field message }
  }
}
"""
PROGRESS = '{ me { asnProgress(month: "2026-10") { target spent reached } } }'


async def test_a_grade_with_a_target_of_its_own_is_held_to_it(api: Api) -> None:
    m = await market(api)
    juniors = [await asn_with(api, nip(i), "DISKOMINFO") for i in (1, 2)]
    seniors = [await asn_with(api, nip(i), "DISKOMINFO") for i in (3, 4)]
    for buyer in [*juniors, *seniors]:
        await purchase(api, buyer, m.seller, m.klojen, [(m.gula, 1)])  # 18,000 each
    await to_october()
    await import_roster(api, m.officer, roster_csv(
        [(nip(i), f"Pegawai {i}", "DISKOMINFO", "III/a") for i in (1, 2)]
        + [(nip(i), f"Pegawai {i}", "DISKOMINFO", "IV/b") for i in (3, 4)]), "2026-10")
    await api.ok(SET_TARGET, {"month": "2026-10", "amount": 20_000}, m.officer.token)
    graded = await api.ok(SET_TARGET, {"month": "2026-10", "amount": 10_000, "grade": "iii/A"}, m.officer.token)
    assert graded["spendTarget"] == {"month": "2026-10", "amount": 10_000, "grade": "III/a"}
    (wrong,) = await api.fails(SET_TARGET, {"month": "2026-10", "amount": 10_000, "grade": "V/a"}, m.officer.token)
    assert wrong["field"] == ["grade"]

    junior = (await api.gql(PROGRESS, token=juniors[0].token))["me"]["asnProgress"]
    senior = (await api.gql(PROGRESS, token=seniors[0].token))["me"]["asnProgress"]
    assert (junior["target"], junior["reached"], senior["target"], senior["reached"]) == (10_000, True, 20_000, False)
    report = await api.gql("""query { asnParticipation(period: {month: "2026-10"}) {
      target opds { opd compliantAsn complianceShare } } }""", token=m.analyst.token)
    (row,) = report["asnParticipation"]["opds"]
    assert (row["opd"], row["compliantAsn"], row["complianceShare"]) == ("Diskominfo", 2, 0.5)
    assert report["asnParticipation"]["target"] == 20_000
