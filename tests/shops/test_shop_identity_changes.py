"""A verified shop's identity changes only when the city approves (hardening II, item 7), through GraphQL.

The attack: `updateShop` changed a verified shop's name, NIB, NPWP, kecamatan and kelurahan, and it stayed VERIFIED.
Now those changes wait for a city officer, while buyers keep seeing the identity the city verified.
"""

from __future__ import annotations

from typing import Any

from tests.helpers.api import Api
from tests.helpers.people import Person, city_person, sign_up
from tests.helpers.shops import CREATE_SHOP, shop_input, verified_shop

IDENTITY = "name nib npwp kecamatan kelurahan"
UPDATE = f"""
mutation($id: ID!, $input: ShopInput!) {{
  updateShop(id: $id, input: $input) {{ shop {{ status phone {IDENTITY} }} errors {{ code field message }} }}
}}
"""
SHOP = f"""
query($id: ID!) {{
  shop(id: $id) {{ status {IDENTITY} identityChange {{ status {IDENTITY} reason decidedAt }} }}
}}
"""
APPROVE = f"""
mutation($id: ID!) {{
  approveShopIdentityChange(shopId: $id) {{ shop {{ status {IDENTITY} }} errors {{ code field message }} }}
}}
"""
REJECT = f"""
mutation($id: ID!, $reason: String!) {{
  rejectShopIdentityChange(shopId: $id, reason: $reason) {{ shop {{ status {IDENTITY} }} errors {{ code field }} }}
}}
"""
WAITING = "{ shops(filter: {identityChangePending: true}) { edges { node { id } } } }"
NEW_IDENTITY = {"name": "Toko Lain Sama Sekali", "nib": "8123456789012", "npwp": "0123456789012345",
                "kecamatan": "Lowokwaru", "kelurahan": "Dinoyo"}


async def _verified(api: Api) -> tuple[Person, Person, dict[str, Any]]:
    officer, seller = await city_person(api), await sign_up(api, "SELLER")
    shop = await verified_shop(api, seller, officer)
    return officer, seller, (await api.gql(SHOP, {"id": shop["id"]}, seller.token))["shop"] | {"id": shop["id"]}


def _identity(shop: dict[str, Any]) -> dict[str, Any]:
    return {key: shop[key] for key in NEW_IDENTITY}


async def test_a_verified_shops_new_identity_waits_for_the_city_while_the_shop_keeps_selling(api: Api) -> None:
    officer, seller, shop = await _verified(api)
    verified = _identity(shop)
    changed = (await api.ok(UPDATE, {"id": shop["id"], "input": NEW_IDENTITY | {"phone": "0341999888"}},
                            seller.token))["shop"]
    assert changed["status"] == "VERIFIED" and _identity(changed) == verified, "the identity the city verified"
    assert changed["phone"] == "0341999888", "what the city did not verify changes at once"

    buyer = await sign_up(api)
    for viewer in (None, buyer.token):
        seen = (await api.gql(SHOP, {"id": shop["id"]}, viewer))["shop"]
        assert _identity(seen) == verified and seen["identityChange"] is None
    own = (await api.gql(SHOP, {"id": shop["id"]}, seller.token))["shop"]
    assert own["identityChange"] == {"status": "PENDING", **NEW_IDENTITY, "reason": None, "decidedAt": None}
    assert (await api.gql(WAITING, None, officer.token))["shops"]["edges"] == [{"node": {"id": shop["id"]}}]

    approved = (await api.ok(APPROVE, {"id": shop["id"]}, officer.token))["shop"]
    assert approved == {"status": "VERIFIED", **NEW_IDENTITY}
    after = (await api.gql(SHOP, {"id": shop["id"]}, seller.token))["shop"]
    assert after["identityChange"]["status"] == "APPROVED" and after["identityChange"]["decidedAt"] is not None
    assert (await api.gql(WAITING, None, officer.token))["shops"]["edges"] == []
    public = (await api.gql(SHOP, {"id": shop["id"]}))["shop"]
    assert _identity(public) == NEW_IDENTITY | {"npwp": None}, "buyers never see the NPWP"


async def test_a_rejected_change_leaves_the_verified_identity_and_the_seller_sees_why(api: Api) -> None:
    officer, seller, shop = await _verified(api)
    await api.ok(UPDATE, {"id": shop["id"], "input": {"nib": NEW_IDENTITY["nib"]}}, seller.token)
    errors = await api.fails(REJECT, {"id": shop["id"], "reason": "  "}, officer.token)
    assert [(e["code"], e["field"]) for e in errors] == [("REQUIRED", ["reason"])]
    errors = await api.fails(APPROVE, {"id": shop["id"]}, seller.token)
    assert errors[0]["code"] == "FORBIDDEN"

    rejected = (await api.ok(REJECT, {"id": shop["id"], "reason": "NIB tidak cocok dengan OSS"}, officer.token))
    assert _identity(rejected["shop"]) == _identity(shop)
    own = (await api.gql(SHOP, {"id": shop["id"]}, seller.token))["shop"]
    assert (own["identityChange"]["status"], own["identityChange"]["reason"]) == ("REJECTED", "NIB tidak cocok dengan OSS")
    errors = await api.fails(APPROVE, {"id": shop["id"]}, officer.token)
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_FOUND", ["shopId"])]


async def test_a_second_edit_builds_on_the_waiting_change_and_undoing_it_withdraws_it(api: Api) -> None:
    officer, seller, shop = await _verified(api)
    await api.ok(UPDATE, {"id": shop["id"], "input": {"kecamatan": "Lowokwaru", "kelurahan": "Dinoyo"}}, seller.token)
    # Tlogomas lies in Lowokwaru, not in the verified Klojen: it is checked against the change that waits.
    await api.ok(UPDATE, {"id": shop["id"], "input": {"kelurahan": "Tlogomas", "name": "Toko Baru"}}, seller.token)
    waiting = (await api.gql(SHOP, {"id": shop["id"]}, seller.token))["shop"]["identityChange"]
    assert (waiting["kecamatan"], waiting["kelurahan"], waiting["name"]) == ("Lowokwaru", "Tlogomas", "Toko Baru")
    back = {"name": shop["name"], "kecamatan": shop["kecamatan"], "kelurahan": shop["kelurahan"]}
    await api.ok(UPDATE, {"id": shop["id"], "input": back}, seller.token)
    assert (await api.gql(SHOP, {"id": shop["id"]}, seller.token))["shop"]["identityChange"] is None
    assert (await api.gql(WAITING, None, officer.token))["shops"]["edges"] == []


async def test_an_unverified_shops_identity_changes_at_once(api: Api) -> None:
    seller = await sign_up(api, "SELLER")
    shop = (await api.ok(CREATE_SHOP, {"input": shop_input()}, seller.token))["shop"]
    changed = (await api.ok(UPDATE, {"id": shop["id"], "input": NEW_IDENTITY}, seller.token))["shop"]
    assert changed["status"] == "PENDING" and _identity(changed) == NEW_IDENTITY
    assert (await api.gql(SHOP, {"id": shop["id"]}, seller.token))["shop"]["identityChange"] is None


async def test_only_the_city_lists_the_shops_whose_change_waits(api: Api) -> None:
    seller = await sign_up(api, "SELLER")
    errors = (await api.post(WAITING, None, seller.token))["errors"]
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
