"""A shop's NIB and NPWP are normalised to ASCII digits before they are checked and stored (hardening II, item 6)."""

from __future__ import annotations

from tests.helpers.api import Api
from tests.helpers.people import sign_up
from tests.helpers.shops import CREATE_SHOP, UPDATE_SHOP, shop_input

NIB, NPWP = "1234567890123", "0123456789012345"
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
SHOP = "query($id: ID!) { shop(id: $id) { nib npwp phone } }"


async def test_nib_npwp_and_phone_in_other_digits_are_stored_in_ascii(api: Api) -> None:
    seller = await sign_up(api, "SELLER")
    given = shop_input(nib=NIB.translate(FULLWIDTH), npwp="0123.4567.8901-2345".translate(ARABIC_INDIC),
                       phone="０８１２３４５６７８９０")
    shop = (await api.ok(CREATE_SHOP, {"input": given}, seller.token))["shop"]
    assert (await api.gql(SHOP, {"id": shop["id"]}, seller.token))["shop"] == {
        "nib": NIB, "npwp": NPWP, "phone": "081234567890"}


async def test_update_shop_stores_nib_and_npwp_in_ascii(api: Api) -> None:
    seller = await sign_up(api, "SELLER")
    shop = (await api.ok(CREATE_SHOP, {"input": shop_input()}, seller.token))["shop"]
    await api.ok(UPDATE_SHOP, {"id": shop["id"], "input": {"nib": "9876543210987".translate(ARABIC_INDIC),
                                                           "npwp": NPWP.translate(FULLWIDTH)}}, seller.token)
    found = (await api.gql(SHOP, {"id": shop["id"]}, seller.token))["shop"]
    assert found["nib"] == "9876543210987" and found["npwp"] == NPWP


async def test_nib_and_npwp_with_non_digits_are_refused(api: Api) -> None:
    seller = await sign_up(api, "SELLER")
    errors = await api.fails(CREATE_SHOP, {"input": shop_input(nib="123456789012Ⅲ", npwp="012345678901234x")},
                             seller.token)
    assert {e["field"][-1] for e in errors} == {"nib", "npwp"}
    shop = (await api.ok(CREATE_SHOP, {"input": shop_input()}, seller.token))["shop"]
    errors = await api.fails(UPDATE_SHOP, {"id": shop["id"], "input": {"nib": "12345\u200b67890123"}}, seller.token)
    assert errors[0]["field"][-1] == "nib"
