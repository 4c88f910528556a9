"""What is trending (issue 17, section 3), through GraphQL, with figures computed by hand.

Orders are made through GraphQL; their moments are then moved with model updates (GraphQL cannot back-date), and the
jobs' computation is run as the server's periodic task runs it, at a chosen moment."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from tests.helpers.api import Api, GraphQLErrors
from tests.helpers.city import Market, asn, market, move_order, purchase
from tests.helpers.people import sign_up
from umkm_graph.catalog.models import Product
from umkm_graph.growth import trending
from umkm_graph.growth.models import TrendingRun
from umkm_graph.orders.models import Order
from umkm_graph.settings import Settings

TRENDING = """
query($kecamatan: String, $category: String) {
  trendingProducts(kecamatan: $kecamatan, category: $category) { edges { node { recentBuyers score product { id } } } }
}
"""
MY_OPD = "{ popularInMyOpd { edges { node { recentBuyers product { id } } } } }"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, min_group_size=3, trending_min_buyers=3)


def _listed(data: dict[str, object], field: str = "trendingProducts") -> list[tuple[str, int, float]]:
    edges = data[field]["edges"]  # type: ignore[index]
    return [(e["node"]["product"]["id"], e["node"]["recentBuyers"], round(e["node"].get("score", 0), 4))
            for e in edges]


async def _bought(api: Api, m: Market, product: str, shop: str, ago: dt.timedelta, buyers: int = 1,
                  outcome: str = "COMPLETED", opd: str | None = None) -> list[str]:
    """Each of `buyers` new buyers (ASN of opd, if given) orders the product once, `ago` before now; the order ids."""
    seller = m.seller if shop == m.klojen else m.lowokwaru_seller
    ids = []
    for _ in range(buyers):
        buyer = await (asn(api, opd) if opd else sign_up(api))
        order_id = await purchase(api, buyer, seller, shop, [(product, 1)], outcome)
        await move_order(order_id, dt.datetime.now(dt.UTC) - ago)
        ids.append(order_id)
    return ids


async def test_trending_counts_distinct_recent_buyers_with_decay_against_the_usual_level(
        api: Api, settings: Settings) -> None:
    m = await market(api)
    hour, day = dt.timedelta(hours=1), dt.timedelta(days=1)
    await _bought(api, m, m.beras, m.klojen, hour, buyers=3)  # 3 buyers today: heat 3 x 1.0
    await _bought(api, m, m.beras, m.klojen, hour, outcome="CANCELLED_BY_BUYER")  # a cancelled order counts for none
    await _bought(api, m, m.minyak, m.lowokwaru, 3 * day + hour, buyers=3)  # 3 days ago: heat 3 x 0.5
    await _bought(api, m, m.minyak, m.lowokwaru, 10 * day, buyers=2)  # its usual level: 2 x 7/28 = 0.5 a week
    await _bought(api, m, m.minyak, m.lowokwaru, 40 * day, buyers=3)  # before the baseline: forgotten
    # Gula: one keen buyer's five orders, a second buyer, and the owner's own order count as two buyers: too few.
    keen = await sign_up(api)
    for _ in range(5):
        await purchase(api, keen, m.seller, m.klojen, [(m.gula, 1)])
    (owners,) = await _bought(api, m, m.gula, m.klojen, hour)
    await Order.filter(id=int(owners)).update(buyer_id=int(m.seller.id))  # checkout refuses sellers; as if it had not
    await _bought(api, m, m.gula, m.klojen, hour)

    await trending.refresh(trending.rules_of(settings))
    city = _listed(await api.gql(TRENDING))
    assert city == [(m.beras, 3, 3.0), (m.minyak, 3, 1.0)]  # minyak: 1.5 / (1 + 0.5)
    assert _listed(await api.gql(TRENDING, {"kecamatan": "klojen"})) == [(m.beras, 3, 3.0)]
    assert _listed(await api.gql(TRENDING, {"kecamatan": "Lowokwaru"})) == [(m.minyak, 3, 1.0)]
    assert _listed(await api.gql(TRENDING, {"category": "sembako"})) == city, "a parent includes its children"
    assert _listed(await api.gql(TRENDING, {"category": "minyak-goreng"})) == [(m.minyak, 3, 1.0)]
    assert _listed(await api.gql(TRENDING, {"category": "gula"})) == []

    await Product.filter(id=int(m.beras)).update(is_active=False)  # hidden since: gone before the next run
    assert _listed(await api.gql(TRENDING)) == [(m.minyak, 3, 1.0)]


async def test_an_opds_list_shows_only_what_k_of_its_asn_bought(api: Api, settings: Settings) -> None:
    m = await market(api)
    hour = dt.timedelta(hours=1)
    await _bought(api, m, m.gula, m.klojen, hour, buyers=3, opd="Diskominfo")
    await _bought(api, m, m.minyak, m.lowokwaru, hour, buyers=2, opd="Dinas Kesehatan")
    await _bought(api, m, m.minyak, m.lowokwaru, hour, buyers=1)  # three buyers in all: the city's list shows it
    await trending.refresh(trending.rules_of(settings))

    diskominfo, dinkes, resident = await asn(api, "Diskominfo"), await asn(api, "Dinas Kesehatan"), await sign_up(api)
    assert _listed(await api.gql(MY_OPD, token=diskominfo.token), "popularInMyOpd") == [(m.gula, 3, 0)]
    assert _listed(await api.gql(MY_OPD, token=dinkes.token), "popularInMyOpd") == [], "two ASN are fewer than k"
    assert {row[0] for row in _listed(await api.gql(TRENDING))} == {m.gula, m.minyak}
    for token, code in ((resident.token, "FORBIDDEN"), (None, "UNAUTHENTICATED")):
        with pytest.raises(GraphQLErrors) as refused:
            await api.gql(MY_OPD, token=token)
        assert refused.value.args[0][0]["extensions"]["code"] == code


async def test_the_jobs_refresh_when_due_and_keep_two_runs(api: Api, settings: Settings) -> None:
    m = await market(api)
    await _bought(api, m, m.beras, m.klojen, dt.timedelta(hours=1), buyers=3)
    assert _listed(await api.gql(TRENDING)) == [], "nothing before the first run"
    rules, now = trending.rules_of(dataclasses.replace(settings, trending_refresh_seconds=900)), dt.datetime.now(dt.UTC)
    assert await trending.refresh_when_due(rules, now) is not None
    assert await trending.refresh_when_due(rules, now + dt.timedelta(seconds=899)) is None
    assert await trending.refresh_when_due(rules, now + dt.timedelta(seconds=901)) is not None
    await trending.refresh_when_due(rules, now + dt.timedelta(seconds=1802))
    assert await TrendingRun.all().count() == 2
    # A week later the buyers have left the window: the list empties by itself at the next run.
    await trending.refresh(rules, now + dt.timedelta(days=7, hours=1))
    assert _listed(await api.gql(TRENDING)) == []


async def test_a_wrong_kecamatan_or_category_names_the_argument(api: Api) -> None:
    for variables, field in (({"kecamatan": "Batu"}, ["kecamatan"]), ({"category": "elektronik"}, ["category"])):
        with pytest.raises(GraphQLErrors) as refused:
            await api.gql(TRENDING, variables)
        (error,) = refused.value.args[0]
        assert (error["extensions"]["code"], error["extensions"]["field"]) == ("INVALID", field)
