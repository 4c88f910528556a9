"""Old duplicates (hardening II, item 7): a database from before the rule that a NIB or NPWP belongs to one seller may
hold two sellers' shops under one number. The city lists them to look into; nobody else may."""

from __future__ import annotations

from tests.helpers.api import Api, error_codes
from tests.helpers.people import city_person, sign_up
from tests.helpers.shops import verified_shop
from umkm_graph.shops.models import Shop

SHARED = "{ sharedShopNumbers { kind number sellers shops { id name } } }"


async def test_the_city_lists_numbers_that_shops_of_two_sellers_hold_from_before_the_rule(api: Api) -> None:
    officer, first, second = await city_person(api), await sign_up(api, "SELLER"), await sign_up(api, "SELLER")
    old = await verified_shop(api, first, officer, name="Toko Lama", nib="1234567890123")
    other = await verified_shop(api, second, officer, name="Toko Tetangga", nib="9876543210987",
                                kecamatan="Lowokwaru", kelurahan="Dinoyo", address="Jl. MT Haryono 5")
    second_outlet = await verified_shop(api, first, officer, name="Toko Lama Cabang", nib="1234567890123",
                                        kecamatan="Blimbing", kelurahan="Purwodadi", address="Jl. A. Yani 9")
    assert (await api.gql(SHARED, token=officer.token))["sharedShopNumbers"] == []  # one seller's outlets share it
    await Shop.filter(id=int(other["id"])).update(nib="1234567890123")  # as a database from before the rule holds it

    listed = (await api.gql(SHARED, token=officer.token))["sharedShopNumbers"]
    assert listed == [{"kind": "NIB", "number": "1234567890123", "sellers": 2, "shops": [
        {"id": old["id"], "name": "Toko Lama"}, {"id": other["id"], "name": "Toko Tetangga"},
        {"id": second_outlet["id"], "name": "Toko Lama Cabang"}]}]
    for person in (first, await sign_up(api)):
        assert error_codes(await api.post(SHARED, token=person.token)) == ["FORBIDDEN"]
