"""Products for tests: the input of a sack of beras, and a product added by its seller."""

from __future__ import annotations

from typing import Any

from tests.helpers.api import Api
from tests.helpers.people import Person

CREATE_PRODUCT = """
mutation($shopId: ID!, $input: ProductInput!) {
  createProduct(shopId: $shopId, input: $input) { product { id name price stock } errors { code field message } }
}
"""


def product_input(**overrides: Any) -> dict[str, Any]:
    values = {"category": "beras", "name": "Beras Medium 5 kg", "unit": "KG", "packSize": 5, "price": 67500, "stock": 20}
    values.update(overrides)
    return values


async def add_product(api: Api, seller: Person, shop_id: str, **overrides: Any) -> dict[str, Any]:
    return (await api.ok(CREATE_PRODUCT, {"shopId": shop_id, "input": product_input(**overrides)}, seller.token))["product"]
