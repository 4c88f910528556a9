"""Who may see the city monitoring: analysts read all of it and write nothing, city officers also set targets and
reference prices, a seller sees their own shop's scorecard, and everyone else is refused."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.api import Api
from tests.helpers.catalog import add_product
from tests.helpers.people import Person, city_person, sign_up
from tests.helpers.shops import verified_shop
from umkm_graph.people.models import Role

OCTOBER = {"month": "2026-10"}
READS: dict[str, tuple[str, dict[str, Any]]] = {
    "asnParticipation": ("query($p: PeriodInput!) { asnParticipation(period: $p) { city { suppressed } } }",
                         {"p": OCTOBER}),
    "spendTargets": ("{ spendTargets { month amount } }", {}),
    "shopLeaderboard": ("query($p: PeriodInput!) { shopLeaderboard(period: $p) { totalCount } }", {"p": OCTOBER}),
    "referencePrices": ("{ referencePrices { price } }", {}),
    "sembakoPrices": ("{ sembakoPrices { asOf } }", {}),
    "priceFlags": ("{ priceFlags { totalCount } }", {}),
    "priceHistory": ("query($id: ID!) { priceHistory(productId: $id) { totalCount } }", {"id": "PRODUCT"}),
    "commodityPriceSeries": (
        "query($p: PeriodInput!) { commodityPriceSeries(commodity: \"beras\", period: $p, interval: WEEK) { start } }",
        {"p": OCTOBER},
    ),
    "salesAggregates": ("query($p: PeriodInput!) { salesAggregates(period: $p, interval: MONTH) { rows { gmv } } }",
                        {"p": OCTOBER}),
}
SCORECARD = "query($id: ID!) { shopScorecard(shopId: $id, period: {month: \"2026-10\"}) { gmv shop { id } } }"
SET_TARGET = """
mutation { setSpendTarget(month: "2026-11", amount: 200000) { spendTarget { month amount } errors { code field } } }
"""
SET_REFERENCE = """
mutation { setReferencePrice(input: {commodity: "gula", unit: KG, price: 17500, effectiveFrom: "2025-08-01"}) {
  referencePrice { commodity price } errors { code field }
} }
"""


async def _people(api: Api) -> dict[str, Any]:
    officer = await city_person(api)
    seller = await sign_up(api, "SELLER")
    shop = await verified_shop(api, seller, officer)
    product = await add_product(api, seller, shop["id"])
    return {
        "officer": officer, "analyst": await city_person(api, Role.ANALYST), "seller": seller,
        "buyer": await sign_up(api), "shop": shop, "product": product,
    }


def _code(body: dict[str, Any]) -> str:
    (error,) = body["errors"]
    return str(error["extensions"]["code"])


async def _read(api: Api, name: str, who: Person | None, product_id: str) -> dict[str, Any]:
    query, variables = READS[name]
    variables = {key: product_id if value == "PRODUCT" else value for key, value in variables.items()}
    return await api.post(query, variables, who.token if who else None)


@pytest.mark.parametrize("name", sorted(READS))
async def test_analysts_and_officers_read_and_everyone_else_is_refused(api: Api, name: str) -> None:
    people = await _people(api)
    for role in ("analyst", "officer"):
        body = await _read(api, name, people[role], people["product"]["id"])
        assert "errors" not in body, (role, body)
    for role in ("seller", "buyer"):
        assert _code(await _read(api, name, people[role], people["product"]["id"])) == "FORBIDDEN", role
    assert _code(await _read(api, name, None, people["product"]["id"])) == "UNAUTHENTICATED"


async def test_a_seller_sees_their_own_scorecard_only(api: Api) -> None:
    people = await _people(api)
    other_seller = await sign_up(api, "SELLER")
    other = await verified_shop(api, other_seller, people["officer"])
    mine = await api.gql(SCORECARD, {"id": people["shop"]["id"]}, people["seller"].token)
    assert mine["shopScorecard"] == {"gmv": 0, "shop": {"id": people["shop"]["id"]}}
    for shop_id in (other["id"], "999999"):
        body = await api.post(SCORECARD, {"id": shop_id}, people["seller"].token)
        assert _code(body) == "FORBIDDEN", "whether another shop exists is none of a seller's business"
    assert _code(await api.post(SCORECARD, {"id": other["id"]}, people["buyer"].token)) == "FORBIDDEN"
    assert (await api.gql(SCORECARD, {"id": other["id"]}, people["analyst"].token))["shopScorecard"]["gmv"] == 0
    assert _code(await api.post(SCORECARD, {"id": "999999"}, people["analyst"].token)) == "NOT_FOUND"


@pytest.mark.parametrize("mutation", [SET_TARGET, SET_REFERENCE])
async def test_only_city_officers_set_targets_and_reference_prices(api: Api, mutation: str) -> None:
    people = await _people(api)
    for role in ("analyst", "seller", "buyer"):
        (error,) = await api.fails(mutation, token=people[role].token)
        assert error["code"] == "FORBIDDEN", role
    assert (await api.fails(mutation))[0]["code"] == "UNAUTHENTICATED"
    result = await api.ok(mutation, token=people["officer"].token)
    assert result.get("spendTarget") == {"month": "2026-11", "amount": 200000} or result["referencePrice"] == {
        "commodity": "gula", "price": 17500}
