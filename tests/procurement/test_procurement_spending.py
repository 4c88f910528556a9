"""The city's figure of office procurement: per OPD and month, the value handed over (BAST signed by both sides) with
UMKM and the year so far, against 40% of the OPD's goods and services budget; for city officers and analysts, with a
value bought from fewer than k shops withheld as the other city figures withhold small groups."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from tests.helpers.api import Api
from tests.helpers.city import purchase, wib
from tests.helpers.people import sign_up
from tests.helpers.procurement import APPOINT, CREATE, SIGN, Asn, Office, office, procurement_input, registered_asn
from umkm_graph.procurement.models import Procurement
from umkm_graph.settings import Settings

SPENDING = """query($month: String!) {
  procurementSpending(month: $month) {
    month minGroupSize targetShare
    city { opdName budget target spent spentYearToDate shops targetShare }
    opds { opdCode opdName budget target spent spentYearToDate shops targetShare }
  }
}"""
BUDGET = """mutation($code: String!, $year: Int!, $amount: Rupiah!) {
  setProcurementBudget(opdCode: $code, year: $year, amount: $amount) {
    budget { opdCode year amount target } errors { code field message }
  }
}"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, min_group_size=2)


async def handed_over_on(api: Api, o: Office, buyer: Asn, shop: str, product: str, quantity: int,
                         moment: dt.datetime, receiver: Asn | None = None) -> None:
    """A delivered order of the shop's product bought for the buyer's office, its BAST signed at this moment."""
    seller = o.market.seller if shop == o.market.klojen else o.market.lowokwaru_seller
    order = await purchase(api, buyer.person, seller, shop, [(product, quantity)], "DELIVERED")
    receiver = receiver or o.colleague
    created = await api.ok(CREATE, {"input": {**procurement_input(o, order), "receiverNip": receiver.nip}},
                           buyer.person.token)
    procurement = created["procurement"]
    for signer in (seller, receiver.person):
        await api.ok(SIGN, {"id": procurement["id"]}, signer.token)
    await Procurement.filter(id=int(procurement["id"])).update(handed_over_at=moment)


def row(figure: dict[str, Any], code: str) -> dict[str, Any]:
    (found,) = [r for r in figure["opds"] if r["opdCode"] == code]
    return found


async def test_an_opds_spending_with_umkm_is_counted_by_month_and_year_against_forty_percent(api: Api) -> None:
    o = await office(api)
    budget = await api.ok(BUDGET, {"code": "diskominfo", "year": 2026, "amount": 1_000_001}, o.market.officer.token)
    assert budget["budget"] == {"opdCode": "DISKOMINFO", "year": 2026, "amount": 1_000_001, "target": 400_001}
    m = o.market
    await handed_over_on(api, o, o.officer, m.klojen, m.beras, 2, wib(2026, 11, 3, 10, 0))  # 135,000
    await handed_over_on(api, o, o.officer, m.lowokwaru, m.minyak, 5, wib(2026, 11, 30, 23, 0))  # 80,000
    await handed_over_on(api, o, o.officer, m.klojen, m.gula, 1, wib(2026, 10, 2, 9, 0))  # 18,000, October
    await handed_over_on(api, o, o.officer, m.klojen, m.gula, 2, wib(2026, 12, 1, 0, 0))  # December, WIB

    figure = (await api.gql(SPENDING, {"month": "2026-11"}, m.analyst.token))["procurementSpending"]
    assert (figure["month"], figure["minGroupSize"], figure["targetShare"]) == ("2026-11", 2, 0.4)
    assert row(figure, "DISKOMINFO") == {
        "opdCode": "DISKOMINFO", "opdName": "Diskominfo", "budget": 1_000_001, "target": 400_001, "spent": 215_000,
        "spentYearToDate": 233_000, "shops": 2, "targetShare": pytest.approx(233_000 / 400_001)}
    assert row(figure, "BAPPEDA") == {"opdCode": "BAPPEDA", "opdName": "Bappeda", "budget": None, "target": None,
                                      "spent": 0, "spentYearToDate": 0, "shops": 0, "targetShare": None}
    assert figure["city"] == {"opdName": "Kota Malang", "budget": 1_000_001, "target": 400_001, "spent": 215_000,
                              "spentYearToDate": 233_000, "shops": 2, "targetShare": pytest.approx(233_000 / 400_001)}
    october = (await api.gql(SPENDING, {"month": "2026-10"}, m.officer.token))["procurementSpending"]
    assert row(october, "DISKOMINFO")["spent"] is None, "bought from one shop: fewer than k"


async def test_a_value_bought_from_fewer_than_k_shops_is_withheld_with_its_complement(api: Api) -> None:
    o = await office(api)
    m = o.market
    bappeda = await registered_asn(api, "Bappeda", "Pak Budi Bappeda")
    await api.ok(APPOINT, {"nip": bappeda.nip}, m.officer.token)
    november = wib(2026, 11, 10, 10, 0)
    await handed_over_on(api, o, o.officer, m.klojen, m.beras, 1, november)
    await handed_over_on(api, o, o.officer, m.lowokwaru, m.minyak, 1, november)
    await handed_over_on(api, o, bappeda, m.klojen, m.gula, 1, november,
                         await registered_asn(api, "Bappeda", "Bu Sari Bappeda"))
    figure = (await api.gql(SPENDING, {"month": "2026-11"}, m.analyst.token))["procurementSpending"]
    # Bappeda bought from one shop; the city's total is shown, so Diskominfo's is withheld too, or the total minus it
    # would tell Bappeda's.
    assert (row(figure, "BAPPEDA")["spent"], row(figure, "BAPPEDA")["shops"]) == (None, 0)
    assert row(figure, "DISKOMINFO")["spent"] is None
    assert (figure["city"]["spent"], figure["city"]["shops"]) == (67_500 + 16_000 + 18_000, 2)


async def test_only_the_city_reads_the_figure_and_only_an_officer_sets_a_budget(api: Api) -> None:
    o = await office(api)
    for person in (await sign_up(api), o.market.seller, o.officer.person):
        body = await api.post(SPENDING, {"month": "2026-11"}, person.token)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await api.post(SPENDING, {"month": "2026-13"}, o.market.analyst.token)
    assert body["errors"][0]["extensions"]["code"] == "INVALID"
    variables = {"code": "DISKOMINFO", "year": 2026, "amount": 1_000_000}
    assert [e["code"] for e in await api.fails(BUDGET, variables, o.market.analyst.token)] == ["FORBIDDEN"]
    for changed, field, code in (({"code": "DINAS-TIDAK-ADA"}, "opdCode", "NOT_FOUND"),
                                 ({"amount": 0}, "amount", "INVALID"), ({"year": 1999}, "year", "INVALID")):
        (error,) = await api.fails(BUDGET, {**variables, **changed}, o.market.officer.token)
        assert (error["code"], error["field"]) == (code, [field])
