"""Hardening II, item 5: a person's OPD is kept per month, so moving to another OPD leaves closed months as they were.

The attack: registerAsn again with another OPD moved the person, and with them their purchases, to the new OPD in every
month already shown; September's answer before and after the move differed by that one person's spend.
"""

from __future__ import annotations

import dataclasses

import pytest

from tests.helpers.api import Api
from tests.helpers.city import asn, back_date_people, market, move_order, purchase, wib
from tests.helpers.people import sign_up
from umkm_graph.settings import Settings

PARTICIPATION = """
query($period: PeriodInput!) {
  asnParticipation(period: $period) { opds { opd registeredAsn buyingAsn totalSpend } }
}
"""
MOVE = """
mutation($nip: String!, $opd: String!) { registerAsn(nip: $nip, opd: $opd) { user { opd } errors { code field } } }
"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, min_group_size=2)


async def test_moving_to_another_opd_leaves_the_closed_months_as_they_were(api: Api) -> None:
    m = await market(api)
    diskominfo = [await asn(api, "Diskominfo") for _ in range(3)]
    bappeda = [await asn(api, "Bappeda") for _ in range(2)]
    for buyer in [*diskominfo, *bappeda, await sign_up(api), await sign_up(api)]:
        order = await purchase(api, buyer, m.seller, m.klojen, [(m.gula, 1)])
        await move_order(order, wib(2026, 9, 10, 10, 0))
    await back_date_people(wib(2026, 8, 1, 10, 0))
    september = {"period": {"month": "2026-09"}}
    before = (await api.gql(PARTICIPATION, september, m.analyst.token))["asnParticipation"]
    assert before["opds"] == [
        {"opd": "Bappeda", "registeredAsn": 2, "buyingAsn": 2, "totalSpend": 36_000},
        {"opd": "Diskominfo", "registeredAsn": 3, "buyingAsn": 3, "totalSpend": 54_000},
    ]
    mover = diskominfo[0]
    nip = (await api.gql("{ me { nip } }", None, mover.token))["me"]["nip"]
    moved = await api.ok(MOVE, {"nip": nip, "opd": "Bappeda"}, mover.token)
    assert moved["user"]["opd"] == "Bappeda"
    # Before: Bappeda 3 buyers and 54,000, Diskominfo 2 and 36,000: the difference was the mover's purchase.
    assert (await api.gql(PARTICIPATION, september, m.analyst.token))["asnParticipation"] == before
