"""Shops: a seller registers one, the city verifies, rejects or suspends it, and only verified shops face buyers."""

from __future__ import annotations

from tests.helpers.api import Api
from tests.helpers.people import city_person, sign_up
from tests.helpers.shops import CREATE_SHOP, UPDATE_SHOP, VERIFY_SHOP, shop_input, verified_shop
from umkm_graph.people.models import Role

SHOP = "query($id: ID, $slug: String) { shop(id: $id, slug: $slug) { id name status npwp kelurahan deliveryFees { kecamatan fee } } }"
SHOPS = "query($f: ShopFilterInput) { shops(filter: $f) { totalCount edges { node { id name status } } } }"
REJECT = "mutation($id: ID!, $r: String!) { rejectShop(id: $id, reason: $r) { shop { status statusReason } errors { code field message } } }"
SUSPEND = "mutation($id: ID!, $r: String!) { suspendShop(id: $id, reason: $r) { shop { status } errors { code field message } } }"


async def test_new_shop_waits_for_the_city_and_is_hidden_from_buyers(api: Api) -> None:
    seller, buyer = await sign_up(api, "SELLER"), await sign_up(api)
    shop = (await api.ok(CREATE_SHOP, {"input": shop_input(name="Toko Bu Sri", npwp="0123 4567 8901 2345")}, seller.token))["shop"]
    assert shop["status"] == "PENDING" and shop["slug"] == "toko-bu-sri"
    assert (await api.gql(SHOP, {"id": shop["id"]}, buyer.token))["shop"] is None
    assert (await api.gql(SHOPS))["shops"]["totalCount"] == 0
    own = (await api.gql(SHOP, {"id": shop["id"]}, seller.token))["shop"]
    assert own["status"] == "PENDING" and own["npwp"] == "0123456789012345"


async def test_verified_shop_is_public_but_its_npwp_is_not(api: Api) -> None:
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    shop = await verified_shop(api, seller, officer, npwp="0123456789012345")
    public = (await api.gql(SHOP, {"slug": shop["slug"]}))["shop"]
    assert public["status"] == "VERIFIED" and public["npwp"] is None
    assert public["deliveryFees"] == [{"kecamatan": "Klojen", "fee": 5000}, {"kecamatan": "Lowokwaru", "fee": 10000}]
    assert (await api.gql(SHOP, {"id": shop["id"]}, seller.token))["shop"]["npwp"] == "0123456789012345"
    assert (await api.gql(SHOP, {"id": shop["id"]}, officer.token))["shop"]["npwp"] == "0123456789012345"


async def test_shop_must_be_in_a_real_kelurahan_of_its_kecamatan(api: Api) -> None:
    seller = await sign_up(api, "SELLER")
    errors = await api.fails(CREATE_SHOP, {"input": shop_input(kecamatan="Klojen", kelurahan="Dinoyo")}, seller.token)
    assert errors[0]["field"] == ["input", "kelurahan"] and "Klojen" in errors[0]["message"]
    errors = await api.fails(CREATE_SHOP, {"input": shop_input(kecamatan="Batu")}, seller.token)
    assert errors[0]["field"] == ["input", "kecamatan"]


async def test_kecamatan_and_kelurahan_are_stored_in_their_official_spelling(api: Api) -> None:
    seller = await sign_up(api, "SELLER")
    shop = (await api.ok(CREATE_SHOP, {"input": shop_input(kecamatan="lowokwaru", kelurahan="KETAWANGGEDE")}, seller.token))["shop"]
    assert (shop["kecamatan"], shop["kelurahan"]) == ("Lowokwaru", "Ketawanggede")


async def test_shop_registration_reports_every_bad_field(api: Api) -> None:
    seller = await sign_up(api, "SELLER")
    bad = shop_input(nib="12345", phone="call me", npwp="123", latitude=1.0, longitude=2.0,
                     deliveryFees=[{"kecamatan": "Surabaya", "fee": 5000}])
    errors = await api.fails(CREATE_SHOP, {"input": bad}, seller.token)
    assert {e["field"][-1] for e in errors} == {"nib", "phone", "npwp", "latitude", "longitude", "deliveryFees"}


async def test_missing_required_shop_fields_are_named(api: Api) -> None:
    seller = await sign_up(api, "SELLER")
    errors = await api.fails(CREATE_SHOP, {"input": {"name": "Toko"}}, seller.token)
    assert {e["field"][-1] for e in errors} == {"kecamatan", "kelurahan", "address", "phone", "nib"}
    assert all(e["code"] == "REQUIRED" for e in errors)


async def test_only_sellers_register_shops(api: Api) -> None:
    buyer = await sign_up(api)
    assert (await api.fails(CREATE_SHOP, {"input": shop_input()}, buyer.token))[0]["code"] == "FORBIDDEN"
    assert (await api.fails(CREATE_SHOP, {"input": shop_input()}))[0]["code"] == "UNAUTHENTICATED"


async def test_slugs_stay_unique(api: Api) -> None:
    seller = await sign_up(api, "SELLER")
    first = (await api.ok(CREATE_SHOP, {"input": shop_input(name="Toko Makmur")}, seller.token))["shop"]
    second = (await api.ok(CREATE_SHOP, {"input": shop_input(name="Toko Makmur")}, seller.token))["shop"]
    assert (first["slug"], second["slug"]) == ("toko-makmur", "toko-makmur-2")
    errors = await api.fails(CREATE_SHOP, {"input": shop_input(slug="toko-makmur")}, seller.token)
    assert errors[0]["code"] == "ALREADY_EXISTS"


async def test_only_the_owner_updates_a_shop(api: Api) -> None:
    owner, other = await sign_up(api, "SELLER"), await sign_up(api, "SELLER")
    shop = (await api.ok(CREATE_SHOP, {"input": shop_input()}, owner.token))["shop"]
    updated = await api.ok(UPDATE_SHOP, {"id": shop["id"], "input": {"kelurahan": "Kasin", "phone": "0341-123456"}}, owner.token)
    assert updated["shop"]["kelurahan"] == "Kasin" and updated["shop"]["phone"] == "0341123456"
    errors = await api.fails(UPDATE_SHOP, {"id": shop["id"], "input": {"name": "Mine now"}}, other.token)
    assert errors[0]["code"] == "NOT_FOUND"


async def test_changing_only_the_kecamatan_checks_the_kept_kelurahan(api: Api) -> None:
    owner = await sign_up(api, "SELLER")
    shop = (await api.ok(CREATE_SHOP, {"input": shop_input()}, owner.token))["shop"]
    errors = await api.fails(UPDATE_SHOP, {"id": shop["id"], "input": {"kecamatan": "Sukun"}}, owner.token)
    assert errors[0]["field"] == ["input", "kelurahan"]


async def test_only_city_officers_verify_reject_or_suspend(api: Api) -> None:
    seller, analyst = await sign_up(api, "SELLER"), await city_person(api, Role.ANALYST)
    shop = (await api.ok(CREATE_SHOP, {"input": shop_input()}, seller.token))["shop"]
    for person in (seller, analyst):
        assert (await api.fails(VERIFY_SHOP, {"id": shop["id"]}, person.token))[0]["code"] == "FORBIDDEN"


async def test_rejection_needs_a_reason_and_a_rejected_shop_stays_hidden(api: Api) -> None:
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    shop = (await api.ok(CREATE_SHOP, {"input": shop_input()}, seller.token))["shop"]
    assert (await api.fails(REJECT, {"id": shop["id"], "r": "  "}, officer.token))[0]["field"] == ["reason"]
    rejected = await api.ok(REJECT, {"id": shop["id"], "r": "NIB tidak cocok"}, officer.token)
    assert rejected["shop"] == {"status": "REJECTED", "statusReason": "NIB tidak cocok"}
    assert (await api.gql(SHOP, {"id": shop["id"]}))["shop"] is None


async def test_suspension_hides_a_verified_shop_and_only_verified_shops_can_be_suspended(api: Api) -> None:
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    pending = (await api.ok(CREATE_SHOP, {"input": shop_input()}, seller.token))["shop"]
    assert (await api.fails(SUSPEND, {"id": pending["id"], "r": "x"}, officer.token))[0]["code"] == "INVALID_TRANSITION"
    shop = await verified_shop(api, seller, officer)
    await api.ok(SUSPEND, {"id": shop["id"], "r": "Harga di atas HET"}, officer.token)
    assert (await api.gql(SHOP, {"id": shop["id"]}))["shop"] is None
    reinstated = await api.ok(VERIFY_SHOP, {"id": shop["id"]}, officer.token)
    assert reinstated["shop"]["status"] == "VERIFIED"


async def test_city_lists_pending_shops_and_sellers_list_their_own(api: Api) -> None:
    seller, officer, buyer = await sign_up(api, "SELLER"), await city_person(api), await sign_up(api)
    pending = (await api.ok(CREATE_SHOP, {"input": shop_input()}, seller.token))["shop"]
    await verified_shop(api, seller, officer)
    queue = (await api.gql(SHOPS, {"f": {"status": "PENDING"}}, officer.token))["shops"]
    assert [e["node"]["id"] for e in queue["edges"]] == [pending["id"]]
    assert (await api.gql(SHOPS, {"f": {"mine": True}}, seller.token))["shops"]["totalCount"] == 2
    body = await api.post(SHOPS, {"f": {"status": "PENDING"}}, buyer.token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_unknown_shop_is_null_and_a_malformed_id_is_a_clear_error(api: Api) -> None:
    assert (await api.gql(SHOP, {"id": "999"}))["shop"] is None
    assert (await api.gql(SHOP, {"slug": "no-such-shop"}))["shop"] is None
    body = await api.post(SHOP, {"id": "abc"})
    assert body["errors"][0]["extensions"] == {"code": "INVALID", "field": ["id"]}
