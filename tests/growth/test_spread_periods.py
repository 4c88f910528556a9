"""citySpread by period (issue 17, section 2): the spread per WIB week or calendar month, each figure dated by its
own moment, over closed buckets only, with referred buyers (people) by month only."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.helpers.api import Api
from tests.helpers.checkout import CHECKOUT, cart, market
from tests.helpers.city import asn, move_order, wib
from tests.helpers.people import city_person, referred, sign_up
from umkm_graph.growth.models import ShareLink, ShareVisit
from umkm_graph.orders.models import Order
from umkm_graph.people.models import Role
from umkm_graph.settings import Settings

SHARE = "mutation($shop: ID) { createShareLink(shopId: $shop) { shareLink { token } errors { code field message } } }"
CHECKOUT_SHARED = """
mutation($input: CheckoutInput!, $share: String) {
  checkout(input: $input, shareToken: $share) { checkout { orders { id } } errors { code field message } }
}
"""
ROW = "key shares visits attributedOrders attributedRupiah referredBuyers"
SERIES = f"""
query($period: PeriodInput!, $interval: Interval!) {{
  citySpreadByPeriod(period: $period, interval: $interval) {{
    first last interval minGroupSize
    buckets {{ first last closed byKecamatan {{ {ROW} }} byOpd {{ {ROW} }} }}
  }}
}}
"""
OCTOBER_15 = wib(2026, 10, 15, 10, 0)  # a Thursday


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, min_group_size=2)


async def _october_spread(api: Api) -> None:
    """Two Diskominfo ASN share the Klojen shop, each link is opened, and two buyers buy through them (Rp67,500 each);
    each ASN's invited friend buys too. All on 15 October 2026."""
    m = await market(api)
    sharers = [await asn(api, "Diskominfo", name=name) for name in ("Bu Ani", "Pak Budi")]
    for sharer in sharers:
        token = (await api.ok(SHARE, {"shop": m.shop["id"]}, sharer.token))["shareLink"]["token"]
        assert (await api.client.get(f"/s/{token}")).status_code in (302, 303, 307)
        buyer = await sign_up(api)
        await api.ok(CHECKOUT_SHARED, {**cart([(m.beras, 1)], [(m.shop, "pickup")]), "share": token}, buyer.token)
        friend = await referred(api, sharer)
        await api.ok(CHECKOUT, cart([(m.beras, 1)], [(m.shop, "pickup")]), friend.token)
    await ShareLink.all().update(created_at=OCTOBER_15)
    await ShareVisit.all().update(visited_at=OCTOBER_15)
    for order_id in await Order.all().values_list("id", flat=True):
        await move_order(order_id, OCTOBER_15)


def _figures(rows: list[dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
    return {row["key"]: (row["shares"], row["visits"], row["attributedOrders"], row["attributedRupiah"],
                         row["referredBuyers"]) for row in rows}


async def test_the_spread_by_month_shows_closed_months_and_leaves_an_open_one_empty(api: Api) -> None:
    await _october_spread(api)
    analyst = await city_person(api, Role.ANALYST)
    series = (await api.gql(SERIES, {"period": {"from": "2026-10-10", "to": "2026-11-03"}, "interval": "MONTH"},
                            analyst.token))["citySpreadByPeriod"]
    assert (series["first"], series["last"], series["interval"], series["minGroupSize"]) == (
        "2026-10-01", "2026-11-30", "MONTH", 2)
    october, november = series["buckets"]
    assert (october["first"], october["last"], october["closed"]) == ("2026-10-01", "2026-10-31", True)
    # 2 links, 2 visits, 2 attributed orders of Rp67,500, and 2 referred buyers.
    assert _figures(october["byKecamatan"]) == {"Klojen": (2, 2, 2, 135_000, 2)}
    assert _figures(october["byOpd"]) == {"Diskominfo": (2, 2, 2, 135_000, 2)}
    # November settles on 7 December (UMKM_ANALYTICS_SETTLE_DAYS after its end): not shown yet.
    assert (november["first"], november["closed"], november["byKecamatan"], november["byOpd"]) == (
        "2026-11-01", False, [], [])


async def test_the_spread_by_week_counts_no_people_and_a_day_is_refused(api: Api) -> None:
    await _october_spread(api)
    officer = await city_person(api)
    series = (await api.gql(SERIES, {"period": {"from": "2026-10-14", "to": "2026-10-16"}, "interval": "WEEK"},
                            officer.token))["citySpreadByPeriod"]
    (week,) = series["buckets"]
    assert (week["first"], week["last"], week["closed"]) == ("2026-10-12", "2026-10-18", True)
    assert _figures(week["byKecamatan"]) == {"Klojen": (2, 2, 2, 135_000, None)}
    assert _figures(week["byOpd"]) == {"Diskominfo": (2, 2, 2, 135_000, None)}
    before = (await api.gql(SERIES, {"period": {"from": "2026-10-05", "to": "2026-10-11"}, "interval": "WEEK"},
                            officer.token))["citySpreadByPeriod"]["buckets"]
    assert [(b["first"], b["byKecamatan"], b["byOpd"]) for b in before] == [("2026-10-05", [], [])]

    day = await api.post(SERIES, {"period": {"month": "2026-10"}, "interval": "DAY"}, officer.token)
    assert day["errors"][0]["extensions"]["code"] == "INVALID"
    buyer = await sign_up(api)
    denied = await api.post(SERIES, {"period": {"month": "2026-10"}, "interval": "MONTH"}, buyer.token)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
