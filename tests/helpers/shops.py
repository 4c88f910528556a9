"""Shops for tests: the input of a shop in Klojen, and a shop verified by a city officer."""

from __future__ import annotations

from typing import Any

from tests.helpers.api import Api
from tests.helpers.people import Person, serial

CREATE_SHOP = """
mutation($input: ShopInput!) {
  createShop(input: $input) { shop { id slug status kecamatan kelurahan } errors { code field message } }
}
"""
VERIFY_SHOP = "mutation($id: ID!) { verifyShop(id: $id) { shop { id status } errors { code field message } } }"


def shop_input(**overrides: Any) -> dict[str, Any]:
    values = {
        "name": f"Toko Sembako {next(serial)}",
        "kecamatan": "Klojen",
        "kelurahan": "Kauman",
        "address": "Jl. Kauman No. 12",
        "phone": "081234567890",
        "nib": f"9{next(serial):012d}",  # each shop its own: a NIB belongs to one seller
        "deliveryFees": [{"kecamatan": "Klojen", "fee": 5000}, {"kecamatan": "Lowokwaru", "fee": 10000}],
    }
    values.update(overrides)
    return values


async def verified_shop(api: Api, seller: Person, officer: Person, **overrides: Any) -> dict[str, Any]:
    shop = (await api.ok(CREATE_SHOP, {"input": shop_input(**overrides)}, seller.token))["shop"]
    await api.ok(VERIFY_SHOP, {"id": shop["id"]}, officer.token)
    return shop


UPDATE_SHOP = """
mutation($id: ID!, $input: ShopInput!) { updateShop(id: $id, input: $input) { shop { id name kelurahan phone } errors { code field message } } }
"""
