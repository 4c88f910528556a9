"""A NIB or an NPWP belongs to one seller (hardening II, item 7): another seller's shop, or their change waiting for
the city, cannot take it; the owner may use it for several shops. On SQLite, and on PostgreSQL when
UMKM_TEST_DATABASE_URL is set, where ten sellers race for one NIB."""

from __future__ import annotations

import asyncio

from tests.helpers.api import Api
from tests.helpers.people import city_person, sign_up
from tests.helpers.shops import CREATE_SHOP, UPDATE_SHOP, shop_input, verified_shop

NIB, NPWP = "8123456789012", "0123456789012345"


async def test_a_second_seller_cannot_register_a_nib_or_npwp_in_use(api: Api) -> None:
    first, second = await sign_up(api, "SELLER"), await sign_up(api, "SELLER")
    await api.ok(CREATE_SHOP, {"input": shop_input(nib=NIB, npwp=NPWP)}, first.token)
    errors = await api.fails(CREATE_SHOP, {"input": shop_input(nib=NIB, npwp="0123.4567.8901-2345")}, second.token)
    assert sorted((e["code"], e["field"]) for e in errors) == [
        ("ALREADY_EXISTS", ["input", "nib"]), ("ALREADY_EXISTS", ["input", "npwp"])]
    assert "another seller" in errors[0]["message"]
    own = await api.fails(UPDATE_SHOP, {"id": (await api.ok(CREATE_SHOP, {"input": shop_input()}, second.token))[
        "shop"]["id"], "input": {"nib": NIB}}, second.token)
    assert [(e["code"], e["field"]) for e in own] == [("ALREADY_EXISTS", ["input", "nib"])]


async def test_one_seller_may_run_several_shops_under_one_nib_and_npwp(api: Api) -> None:
    seller = await sign_up(api, "SELLER")
    for _ in range(2):
        await api.ok(CREATE_SHOP, {"input": shop_input(nib=NIB, npwp=NPWP)}, seller.token)


async def test_a_nib_waiting_in_another_sellers_change_is_taken(api: Api) -> None:
    officer, first, second = await city_person(api), await sign_up(api, "SELLER"), await sign_up(api, "SELLER")
    shop = await verified_shop(api, first, officer)
    await api.ok(UPDATE_SHOP, {"id": shop["id"], "input": {"nib": NIB}}, first.token)  # waits for the city
    errors = await api.fails(CREATE_SHOP, {"input": shop_input(nib=NIB)}, second.token)
    assert [(e["code"], e["field"]) for e in errors] == [("ALREADY_EXISTS", ["input", "nib"])]
    other = await verified_shop(api, second, officer)
    errors = await api.fails(UPDATE_SHOP, {"id": other["id"], "input": {"nib": NIB}}, second.token)
    assert [(e["code"], e["field"]) for e in errors] == [("ALREADY_EXISTS", ["input", "nib"])]


async def test_ten_sellers_racing_for_one_nib_make_one_shop(api: Api) -> None:
    sellers = [await sign_up(api, "SELLER") for _ in range(10)]
    answers = await asyncio.gather(*(api.gql(CREATE_SHOP, {"input": shop_input(nib=NIB)}, s.token) for s in sellers))
    made = [a["createShop"]["shop"] for a in answers if a["createShop"]["shop"]]
    refused = [e["field"] for a in answers for e in a["createShop"]["errors"]]
    assert (len(made), refused) == (1, [["input", "nib"]] * 9)
