"""Hardening II, item 5, across periods: spend adds up month by month, so July to September minus August to September
is July's. When July withheld an OPD's row (one buyer), a three-month answer must not show it either; a row that each
of its months shows is shown over the months too.

Orders are placed through GraphQL and moved into their months (GraphQL cannot back-date)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.helpers.api import Api
from tests.helpers.city import asn, back_date_people, market, move_order, purchase, wib
from umkm_graph.settings import Settings

PARTICIPATION = """
query($period: PeriodInput!) {
  asnParticipation(period: $period) { opds { opd suppressed buyingAsn totalSpend } }
}
"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, min_group_size=2)


async def _rows(api: Api, token: str, first: str, last: str) -> dict[str, Any]:
    period = {"from": first, "to": last}
    report = (await api.gql(PARTICIPATION, {"period": period}, token))["asnParticipation"]
    return {row["opd"]: row for row in report["opds"]}


async def test_a_months_withheld_row_stays_withheld_in_every_span_of_months_that_holds_it(api: Api) -> None:
    m = await market(api)
    bappeda = [await asn(api, "Bappeda") for _ in range(3)]
    diskominfo = [await asn(api, "Diskominfo") for _ in range(2)]
    dinkes = [await asn(api, "Dinkes") for _ in range(2)]
    buying = {7: [bappeda[0], *diskominfo, *dinkes], 8: [*bappeda[1:], *diskominfo, *dinkes],
              9: [*bappeda[1:], *diskominfo, *dinkes]}
    for month, buyers in buying.items():
        for buyer in buyers:
            order = await purchase(api, buyer, m.seller, m.klojen, [(m.beras, 1)])
            await move_order(order, wib(2026, month, 10, 10, 0))
    await back_date_people(wib(2026, 6, 1, 10, 0))

    july_to_september = await _rows(api, m.analyst.token, "2026-07-01", "2026-09-30")
    august_to_september = await _rows(api, m.analyst.token, "2026-08-01", "2026-09-30")

    assert august_to_september["Bappeda"]["totalSpend"] == 4 * 67_500  # both months show it: so does the span
    assert july_to_september["Bappeda"]["suppressed"] is True  # 3 buyers over the span, but July's one is in it
    assert july_to_september["Bappeda"]["totalSpend"] is None
    assert july_to_september["Dinkes"]["totalSpend"] is None  # July's complement of Bappeda's row
    assert july_to_september["Diskominfo"]["totalSpend"] == 6 * 67_500  # every month shows it
