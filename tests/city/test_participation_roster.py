"""ASN participation against the BKPSDM roster: once the city imported one, an OPD's ASN are those the roster lists in
it, with or without an account ("of Diskominfo's 5 ASN, 2 bought"), under today's k-anonymity rules; an account whose
NIP the roster does not list counts as a resident."""

from __future__ import annotations

import dataclasses

import pytest

from tests.helpers.api import Api
from tests.helpers.city import market, purchase, to_october
from tests.helpers.roster import asn_with, import_roster, nip, roster_csv
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
    # A month before the first roster is counted as before.
    september = (await api.gql(PARTICIPATION, {"month": "2026-09"}, m.analyst.token))["asnParticipation"]
    assert september["rosterMonth"] is None
