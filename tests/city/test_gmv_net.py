"""GMV gross and net of discounts in the city's figures (issue 17 with issue 14): gmv counts the completed orders'
goods at their prices, gmvNet less what vouchers took off them (a shop's promotion and a city programme alike), in
citySales per month and per category and in the shop's scorecard and leaderboard. Figures computed by hand below."""

from __future__ import annotations

import dataclasses

import pytest

from tests.helpers.api import Api
from tests.helpers.city import Market, market, purchase, to_october
from tests.helpers.people import sign_up
from tests.helpers.promotions import city_programme, shop_promotion
from umkm_graph.settings import Settings

SALES = """
query($by: [SalesDimension!]) {
  salesAggregates(period: {month: "2026-10"}, interval: MONTH, by: $by) { rows { category orders gmv gmvNet } }
}
"""
BOARD = """
{ shopLeaderboard(period: {month: "2026-10"}, sort: GMV_NET) { edges { node { shop { id } gmv gmvNet } } } }
"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, min_group_size=2)


async def _october(api: Api) -> Market:
    """At the Klojen shop in October 2026: one buyer pays beras 67,500 + gula 18,000 with the shop's 10% and the
    city's Rp5,000; another pays the same without a voucher. Lowokwaru sells minyak 16,000 to two, without one."""
    m = await market(api)
    shop_code = (await shop_promotion(api, m.seller, {"id": m.klojen}))["code"]
    city_code = (await city_programme(api, m.officer, kind="AMOUNT_OFF", value=5_000, asnOnly=False, category=None,
                                      weekdays=[], verifiedShopsOnly=False))["code"]
    first, second = await sign_up(api), await sign_up(api)
    await purchase(api, first, m.seller, m.klojen, [(m.beras, 1), (m.gula, 1)], voucher_codes=(shop_code, city_code))
    await purchase(api, second, m.seller, m.klojen, [(m.beras, 1), (m.gula, 1)])
    for _ in range(2):
        await purchase(api, await sign_up(api), m.lowokwaru_seller, m.lowokwaru, [(m.minyak, 1)])
    await to_october()
    return m


# The first order's discounts: the shop's 10% floored per line, beras 6,750 and gula 1,800; the city's 5,000 then split
# over what is left (60,750 and 16,200) pro rata, 3,947.37 and 1,052.63, floored to 3,947 and 1,052, the rupiah left
# over to the larger remainder (gula's): 3,947 and 1,053. So beras nets 67,500 - 10,697 = 56,803 and gula 18,000 -
# 2,853 = 15,147; the order 85,500 - 13,550 = 71,950.
async def test_sales_give_gross_and_net_gmv_per_month_and_per_category(api: Api) -> None:
    m = await _october(api)
    (month,) = (await api.gql(SALES, {"by": []}, m.analyst.token))["salesAggregates"]["rows"]
    assert (month["orders"], month["gmv"], month["gmvNet"]) == (4, 2 * 85_500 + 2 * 16_000, 71_950 + 85_500 + 2 * 16_000)
    by_category = (await api.gql(SALES, {"by": ["CATEGORY"]}, m.analyst.token))["salesAggregates"]["rows"]
    assert {row["category"]: (row["orders"], row["gmv"], row["gmvNet"]) for row in by_category} == {
        "beras": (2, 135_000, 56_803 + 67_500), "gula": (2, 36_000, 15_147 + 18_000),
        "minyak-goreng": (2, 32_000, 32_000)}


async def test_scorecards_give_gross_and_net_gmv_and_rank_by_net(api: Api) -> None:
    m = await _october(api)
    board = (await api.gql(BOARD, token=m.analyst.token))["shopLeaderboard"]["edges"]
    assert [(e["node"]["shop"]["id"], e["node"]["gmv"], e["node"]["gmvNet"]) for e in board] == [
        (m.klojen, 171_000, 71_950 + 85_500), (m.lowokwaru, 32_000, 32_000)]
