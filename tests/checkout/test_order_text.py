"""Text that the other party reads in an order or about a shop: the street a courier goes to, the buyer's note to the
seller, the reason an order was cancelled, and the reason the city rejected or suspended a shop. Invisible characters
are stripped, text made only of them is refused, and direction overrides are refused, naming the field (hardening
II, item 19)."""

from __future__ import annotations

import pytest

from tests.helpers.api import Api
from tests.helpers.checkout import ADDRESS, CHECKOUT, cart, check_out, market
from tests.helpers.orders import attempt, read
from tests.helpers.people import city_person, sign_up
from tests.helpers.shops import CREATE_SHOP, shop_input

SUSPEND = "mutation($id: ID!, $r: String!) { suspendShop(id: $id, reason: $r) { errors { code field message } } }"
REJECT = "mutation($id: ID!, $r: String!) { rejectShop(id: $id, reason: $r) { errors { code field message } } }"
HIDDEN = "\u200b\u2060"
OVERRIDE = "Jl. Ijen \u202e21 .oN"


@pytest.mark.parametrize("street", [HIDDEN, OVERRIDE])
async def test_a_street_a_courier_cannot_read_is_refused(api: Api, street: str) -> None:
    m = await market(api)
    variables = cart([(m.telur, 1)], [(m.other_shop, "shop_courier")], address={**ADDRESS, "street": street})
    errors = await api.fails(CHECKOUT, variables, m.buyer.token)
    assert errors[0]["field"] == ["input", "address", "street"]


async def test_invisible_characters_are_stripped_from_the_street_and_the_note(api: Api) -> None:
    m = await market(api)
    variables = cart([(m.telur, 1)], [(m.other_shop, "shop_courier")], address={**ADDRESS, "street": "Jl. MT\u200b Haryono 5"})
    variables["input"]["shops"][0]["note"] = "Titip\u200b di pos satpam"
    order = (await check_out(api, m.buyer, variables))["orders"][0]
    assert order["delivery"]["address"] == "Jl. MT Haryono 5" and order["note"] == "Titip di pos satpam"


@pytest.mark.parametrize("note", [HIDDEN, "Ambil \u202esore"])
async def test_a_note_to_the_seller_that_hides_or_turns_text_is_refused(api: Api, note: str) -> None:
    m = await market(api)
    variables = cart([(m.beras, 1)], [(m.shop, "pickup")])
    variables["input"]["shops"][0]["note"] = note
    errors = await api.fails(CHECKOUT, variables, m.buyer.token)
    assert errors[0]["field"] == ["input", "shops", "0", "note"]


@pytest.mark.parametrize("reason", [HIDDEN, "Salah \u202epesan"])
async def test_a_cancel_reason_that_hides_or_turns_text_is_refused_and_the_order_stays(api: Api, reason: str) -> None:
    m = await market(api)
    order = (await check_out(api, m.buyer, cart([(m.beras, 1)], [(m.shop, "pickup")])))["orders"][0]
    payload = await attempt(api, "cancelOrder", order, m.buyer, reason=reason)
    assert payload["errors"][0]["field"] == ["reason"] and payload["order"] is None
    assert (await read(api, order, m.buyer))["status"] == "PLACED"  # type: ignore[index]
    await attempt(api, "cancelOrder", order, m.buyer, reason="Salah\u200b pesan")
    assert (await read(api, order, m.buyer))["cancelReason"] == "Salah pesan"  # type: ignore[index]


async def test_the_citys_reason_for_a_shop_is_cleaned_too(api: Api) -> None:
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    shop = (await api.ok(CREATE_SHOP, {"input": shop_input()}, seller.token))["shop"]
    for document in (REJECT, SUSPEND):
        payload = (await api.gql(document, {"id": shop["id"], "r": "NIB \u202etidak cocok"}, officer.token))
        assert next(iter(payload.values()))["errors"][0]["field"] == ["reason"], document
    payload = await api.gql(REJECT, {"id": shop["id"], "r": HIDDEN}, officer.token)
    assert payload["rejectShop"]["errors"][0]["field"] == ["reason"]
