"""A shop's name, description and address: invisible characters stripped, text made only of them refused, direction
overrides refused, on createShop and updateShop (hardening II, item 19)."""

from __future__ import annotations

from tests.helpers.api import Api
from tests.helpers.people import sign_up
from tests.helpers.shops import CREATE_SHOP, UPDATE_SHOP, shop_input

SHOP = "query($id: ID!) { shop(id: $id) { name description address } }"


async def test_shop_text_made_only_of_invisible_characters_is_refused(api: Api) -> None:
    seller = await sign_up(api, "SELLER")
    bad = shop_input(name="\u200b\u200b", address="\u2060\ufeff", description="\u200b")
    errors = await api.fails(CREATE_SHOP, {"input": bad}, seller.token)
    assert {e["field"][-1] for e in errors} == {"name", "address", "description"}


async def test_shop_text_with_a_direction_override_is_refused(api: Api) -> None:
    seller = await sign_up(api, "SELLER")
    bad = shop_input(name="Toko \u202eAKNAM", description="Murah\u202d", address="Jl. Ijen\u2066 1")
    errors = await api.fails(CREATE_SHOP, {"input": bad}, seller.token)
    assert {e["field"][-1] for e in errors} == {"name", "address", "description"}
    shop = (await api.ok(CREATE_SHOP, {"input": shop_input()}, seller.token))["shop"]
    errors = await api.fails(UPDATE_SHOP, {"id": shop["id"], "input": {"name": "\u202eokoT"}}, seller.token)
    assert errors[0]["field"] == ["input", "name"]
    errors = await api.fails(UPDATE_SHOP, {"id": shop["id"], "input": {"name": "\u200b"}}, seller.token)
    assert errors[0]["field"] == ["input", "name"]


async def test_zero_width_characters_are_stripped_from_shop_text(api: Api) -> None:
    seller = await sign_up(api, "SELLER")
    given = shop_input(name="Toko\u200b Bu\u200bEndang", description="Sembako\u200b murah\n\nBuka pagi",
                       address="Jl. Kauman\ufeff No. 12")
    shop = (await api.ok(CREATE_SHOP, {"input": given}, seller.token))["shop"]
    found = (await api.gql(SHOP, {"id": shop["id"]}))["shop"] or (await api.gql(SHOP, {"id": shop["id"]}, seller.token))["shop"]
    assert found == {"name": "Toko BuEndang", "description": "Sembako murah\n\nBuka pagi", "address": "Jl. Kauman No. 12"}
