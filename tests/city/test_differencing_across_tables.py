"""Hardening II, item 5, across tables: a withheld figure about people must not come back by subtracting one answer from
another answer about the same month, nor by moving a person to another OPD after the month has closed.

The attacks: a kecamatan's total (sales by KECAMATAN) minus its shown RESIDENT row (sales by KECAMATAN and BUYER_TYPE)
gave a withheld ASN row; a kecamatan's total minus asnParticipation's ASN spend there gave the purchase of the one
resident who bought there; the month's total minus the city's ASN spend gave the residents' spend, one person's. The
decision (docs/security.md): the buyer type is crossed with nothing, asnParticipation's breakdowns are retired, and the
residents are a cell of the participation table, so the city's row is withheld with them.

Orders are placed through GraphQL and moved into September 2026 (GraphQL cannot back-date).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.helpers.api import Api, error_codes
from tests.helpers.city import Market, asn, back_date_people, market, move_order, purchase, wib
from tests.helpers.people import Person, sign_up
from umkm_graph.settings import Settings

SALES = """
query($period: PeriodInput!, $by: [SalesDimension!]) {
  salesAggregates(period: $period, interval: MONTH, by: $by) {
    rows { kecamatan buyerType suppressed orders gmv buyers }
  }
}
"""
PARTICIPATION = """
query($period: PeriodInput!) {
  asnParticipation(period: $period) {
    city { ...row }
    opds { ...row }
  }
}
fragment row on OpdParticipation {
  opd suppressed registeredAsn buyingAsn totalSpend
  spendByKecamatan { key suppressed buyingAsn spend }
  spendByCategory { key suppressed buyingAsn spend }
}
"""
SEPTEMBER = {"month": "2026-09"}
BERAS, GULA, MINYAK = 67_500, 18_000, 16_000


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, min_group_size=2)


async def _in_september(api: Api, m: Market, purchases: list[tuple[Person, Person, str, str]]) -> None:
    """Each (buyer, seller, shop, product) buys one, completed, on 10 September; everyone registered in August."""
    for buyer, seller, shop, product in purchases:
        order = await purchase(api, buyer, seller, shop, [(product, 1)])
        await move_order(order, wib(2026, 9, 10, 10, 0))
    await back_date_people(wib(2026, 8, 1, 10, 0))


async def _sales(api: Api, m: Market, by: list[str]) -> dict[str, Any]:
    return await api.post(SALES, {"period": SEPTEMBER, "by": by}, m.analyst.token)


def _row(report: dict[str, Any], **keys: str) -> dict[str, Any]:
    (found,) = [row for row in report["data"]["salesAggregates"]["rows"]
                if all(row[key] == value for key, value in keys.items())]
    return found


async def test_a_kecamatans_total_minus_its_resident_row_does_not_reveal_its_asn_row(api: Api) -> None:
    m = await market(api)
    diskominfo = [await asn(api, "Diskominfo") for _ in range(3)]
    residents = [await sign_up(api) for _ in range(5)]
    await _in_september(api, m, [
        (diskominfo[0], m.seller, m.klojen, m.beras),  # the one ASN buyer in Klojen: withheld
        *[(r, m.seller, m.klojen, m.gula) for r in residents[:3]],
        *[(b, m.lowokwaru_seller, m.lowokwaru, m.minyak) for b in [*diskominfo[1:], *residents[3:]]],
    ])
    total = _row(await _sales(api, m, ["KECAMATAN"]), kecamatan="Klojen")
    assert (total["buyers"], total["gmv"]) == (4, BERAS + 3 * GULA)
    crossed = await _sales(api, m, ["KECAMATAN", "BUYER_TYPE"])
    # Before: the RESIDENT row of Klojen (3 buyers, 54,000) was shown, and 121,500 - 54,000 was the ASN's purchase.
    assert error_codes(crossed) == ["INVALID"], "the buyer type crossed with the kecamatan would be subtracted"
    assert crossed["data"] is None
    for dimension in ("CATEGORY", "PAYMENT_METHOD", "PAYMENT_KIND"):
        assert error_codes(await _sales(api, m, ["BUYER_TYPE", dimension])) == ["INVALID"], dimension
    alone = await _sales(api, m, ["BUYER_TYPE"])
    assert (_row(alone, buyerType="ASN")["gmv"], _row(alone, buyerType="RESIDENT")["gmv"]) == (
        BERAS + 2 * MINYAK, 3 * GULA + 2 * MINYAK)


async def _two_asn_and_one_resident(api: Api) -> tuple[Market, list[Person]]:
    """Two Diskominfo ASN buy beras at the Klojen shop in September; one resident buys gula there."""
    m = await market(api)
    diskominfo = [await asn(api, "Diskominfo") for _ in range(2)]
    resident = await sign_up(api)
    await _in_september(api, m, [(b, m.seller, m.klojen, m.beras) for b in diskominfo]
                        + [(resident, m.seller, m.klojen, m.gula)])
    return m, diskominfo


async def test_participation_spend_by_kecamatan_cannot_be_subtracted_from_the_kecamatans_sales(api: Api) -> None:
    m, _ = await _two_asn_and_one_resident(api)
    klojen = _row(await _sales(api, m, ["KECAMATAN"]), kecamatan="Klojen")
    assert (klojen["buyers"], klojen["gmv"]) == (3, 2 * BERAS + GULA)
    report = (await api.gql(PARTICIPATION, {"period": SEPTEMBER}, m.analyst.token))["asnParticipation"]
    # Before: the city's spendByKecamatan showed Klojen's 2 ASN and 135,000, and 153,000 - 135,000 was the resident's.
    for row in [report["city"], *report["opds"]]:
        assert row["spendByKecamatan"] == [] and row["spendByCategory"] == [], row["opd"]


async def test_the_months_total_minus_the_citys_asn_spend_does_not_reveal_a_few_residents(api: Api) -> None:
    m, _ = await _two_asn_and_one_resident(api)
    (month,) = (await _sales(api, m, []))["data"]["salesAggregates"]["rows"]
    assert (month["buyers"], month["gmv"]) == (3, 2 * BERAS + GULA)
    report = (await api.gql(PARTICIPATION, {"period": SEPTEMBER}, m.analyst.token))["asnParticipation"]
    # Before: the city's row showed 2 ASN and 135,000, and 153,000 - 135,000 was the one resident's purchase.
    assert (report["city"]["suppressed"], report["city"]["totalSpend"], report["city"]["buyingAsn"]) == (True, None, None)
    (diskominfo,) = report["opds"]
    assert (diskominfo["suppressed"], diskominfo["totalSpend"]) == (True, None), "Diskominfo's row is the city's"
    split = await _sales(api, m, ["BUYER_TYPE"])
    assert [row["gmv"] for row in split["data"]["salesAggregates"]["rows"]] == [None, None]


async def test_with_k_residents_buying_the_citys_asn_row_is_shown(api: Api) -> None:
    m, _ = await _two_asn_and_one_resident(api)
    await _in_september(api, m, [(await sign_up(api), m.seller, m.klojen, m.gula)])
    report = (await api.gql(PARTICIPATION, {"period": SEPTEMBER}, m.analyst.token))["asnParticipation"]
    assert (report["city"]["buyingAsn"], report["city"]["totalSpend"]) == (2, 2 * BERAS)
    assert [(row["opd"], row["totalSpend"]) for row in report["opds"]] == [("Diskominfo", 2 * BERAS)]
