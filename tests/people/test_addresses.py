"""The address book through GraphQL: saved addresses in Kota Malang's real kecamatan/kelurahan pairs, one default, each
its owner's only; checkout takes a saved address's id; and a seller may buy (from other shops)."""

from __future__ import annotations

from typing import Any

from tests.helpers.api import Api
from tests.helpers.checkout import ERRORS, CHECKOUT, cart, check_out, market
from tests.helpers.people import Person, sign_up

FIELDS = "id label recipient phone kecamatan kelurahan street latitude longitude notes isDefault"
ADD = f"mutation($input: SavedAddressInput!) {{ addAddress(input: $input) {{ address {{ {FIELDS} }} {ERRORS} }} }}"
UPDATE = f"""mutation($id: ID!, $input: SavedAddressInput!) {{
  updateAddress(id: $id, input: $input) {{ address {{ {FIELDS} }} {ERRORS} }} }}"""
REMOVE = f"mutation($id: ID!) {{ removeAddress(id: $id) {{ address {{ id }} {ERRORS} }} }}"
MINE = f"{{ myAddresses {{ {FIELDS} }} }}"
HOME = {"label": "Rumah", "recipient": "Siti Aminah", "phone": "0812-3456-7890", "kecamatan": "lowokwaru",
        "kelurahan": "DINOYO", "street": "Jl. MT Haryono No. 5", "notes": "Pagar hijau"}
OFFICE = {"label": "Kantor", "recipient": "Siti Aminah", "phone": "+6281234567890", "kecamatan": "Klojen",
          "kelurahan": "Kauman", "street": "Jl. Tugu No. 1", "latitude": -7.977, "longitude": 112.634}


async def mine(api: Api, person: Person) -> list[dict[str, Any]]:
    return (await api.gql(MINE, token=person.token))["myAddresses"]


async def add(api: Api, person: Person, address: dict[str, Any]) -> dict[str, Any]:
    return (await api.ok(ADD, {"input": address}, person.token))["address"]


async def test_the_first_address_is_the_default_and_a_new_default_takes_over(api: Api) -> None:
    buyer = await sign_up(api)
    home = await add(api, buyer, HOME)
    assert (home["kecamatan"], home["kelurahan"], home["phone"], home["isDefault"]) == (
        "Lowokwaru", "Dinoyo", "081234567890", True)
    office = await add(api, buyer, {**OFFICE, "isDefault": True})
    assert [(a["label"], a["isDefault"]) for a in await mine(api, buyer)] == [("Kantor", True), ("Rumah", False)]

    await api.ok(UPDATE, {"id": home["id"], "input": {**HOME, "street": "Jl. Sumbersari 2", "isDefault": True}},
                 buyer.token)
    assert [(a["label"], a["street"], a["isDefault"]) for a in await mine(api, buyer)] == [
        ("Rumah", "Jl. Sumbersari 2", True), ("Kantor", "Jl. Tugu No. 1", False)]

    await api.ok(REMOVE, {"id": home["id"]}, buyer.token)
    assert [(a["id"], a["isDefault"]) for a in await mine(api, buyer)] == [(office["id"], True)]


async def test_every_wrong_field_is_named_and_nothing_is_saved(api: Api) -> None:
    buyer = await sign_up(api)
    wrong = {**HOME, "kecamatan": "Klojen", "kelurahan": "Dinoyo", "phone": "12", "label": " ", "latitude": -7.9}
    errors = await api.fails(ADD, {"input": wrong}, buyer.token)
    assert sorted((e["code"], tuple(e["field"])) for e in errors) == [
        ("INVALID", ("input", "kelurahan")), ("INVALID", ("input", "label")), ("INVALID", ("input", "latitude")),
        ("INVALID", ("input", "phone")),
    ]
    assert "not a kelurahan of Kecamatan Klojen" in next(e["message"] for e in errors if e["field"][-1] == "kelurahan")
    unknown = await api.fails(ADD, {"input": {**HOME, "kecamatan": "Batu"}}, buyer.token)
    assert [(e["code"], e["field"]) for e in unknown] == [("INVALID", ["input", "kecamatan"])]
    assert await mine(api, buyer) == []


async def test_an_address_is_its_owners_alone(api: Api) -> None:
    owner, other = await sign_up(api), await sign_up(api)
    home = await add(api, owner, HOME)
    for query, variables in ((UPDATE, {"id": home["id"], "input": OFFICE}), (REMOVE, {"id": home["id"]})):
        errors = await api.fails(query, variables, other.token)
        assert [(e["code"], e["field"]) for e in errors] == [("NOT_FOUND", ["id"])]
    assert await mine(api, other) == []
    assert [a["street"] for a in await mine(api, owner)] == [HOME["street"]]
    anonymous = await api.post(MINE)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_checkout_delivers_to_a_saved_address_by_its_id(api: Api) -> None:
    m = await market(api)
    office = await add(api, m.buyer, OFFICE)
    variables = cart([(m.beras, 1)], [(m.shop, "shop_courier")])
    variables["input"]["addressId"] = office["id"]
    (order,) = (await check_out(api, m.buyer, variables))["orders"]
    assert order["delivery"]["kecamatan"] == "Klojen" and order["delivery"]["kelurahan"] == "Kauman"
    assert order["delivery"]["address"] == "Jl. Tugu No. 1"

    stranger = await sign_up(api)
    theirs = await add(api, stranger, HOME)
    variables["input"]["addressId"] = theirs["id"]
    errors = await api.fails(CHECKOUT, variables, m.buyer.token)
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_FOUND", ["input", "addressId"])]
    variables["input"]["address"] = {"kecamatan": "Klojen", "kelurahan": "Kauman", "street": "Jl. Tugu"}
    variables["input"]["addressId"] = office["id"]
    errors = await api.fails(CHECKOUT, variables, m.buyer.token)
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID", ["input", "addressId"])]


async def test_a_seller_buys_from_other_shops_but_not_their_own(api: Api) -> None:
    m = await market(api)
    (order,) = (await check_out(api, m.seller, cart([(m.telur, 1)], [(m.other_shop, "pickup")])))["orders"]
    assert order["status"] == "PLACED"
    errors = await api.fails(CHECKOUT, cart([(m.beras, 1)], [(m.shop, "pickup")]), m.seller.token)
    assert [(e["code"], e["field"]) for e in errors] == [("FORBIDDEN", ["input", "lines", "0", "productId"])]
