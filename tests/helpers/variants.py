"""Variants for tests: a seller adds one to a product, and the product read back with its variants."""

from __future__ import annotations

from typing import Any

from tests.helpers.api import Api
from tests.helpers.people import Person

ERRORS = "errors { code field message }"
VARIANT_FIELDS = "id label sku packSize price stock unitPrice unitPricePer isActive"
PRODUCT_WITH_VARIANTS = f"""id price stock priceRange {{ min max }} bestUnitPrice {{ price per }}
  variants {{ {VARIANT_FIELDS} }}"""
ADD_VARIANT = f"""mutation($product: ID!, $input: VariantInput!) {{
  addVariant(productId: $product, input: $input) {{ product {{ {PRODUCT_WITH_VARIANTS} }} {ERRORS} }} }}"""
UPDATE_VARIANT = f"""mutation($id: ID!, $input: VariantInput!) {{
  updateVariant(id: $id, input: $input) {{ product {{ {PRODUCT_WITH_VARIANTS} }} {ERRORS} }} }}"""
DEACTIVATE_VARIANT = f"""mutation($id: ID!) {{
  deactivateVariant(id: $id) {{ product {{ {PRODUCT_WITH_VARIANTS} }} {ERRORS} }} }}"""
PRODUCT = f"query($id: ID!) {{ product(id: $id) {{ {PRODUCT_WITH_VARIANTS} }} }}"


async def add_variant(api: Api, seller: Person, product: dict[str, Any], **values: Any) -> dict[str, Any]:
    """The product as it is after its seller added a variant of these values (label, price, packSize, stock, sku)."""
    return (await api.ok(ADD_VARIANT, {"product": product["id"], "input": values}, seller.token))["product"]


async def variants_of(api: Api, product: dict[str, Any], person: Person | None = None) -> dict[str, dict[str, Any]]:
    """The product's variants on sale, by label."""
    found = (await api.gql(PRODUCT, {"id": product["id"]}, person.token if person else None))["product"]
    return {v["label"]: v for v in found["variants"]}


async def rice_in_two_sacks(api: Api, seller: Person, product: dict[str, Any], *, bag_stock: int = 20,
                            sack_stock: int = 4) -> dict[str, dict[str, Any]]:
    """A 5 kg product given a 25 kg sack beside it: its variants by label ("5 kg", "25 kg")."""
    bag = (await variants_of(api, product, seller))[""]
    await api.ok(UPDATE_VARIANT, {"id": bag["id"], "input": {"label": "5 kg", "stock": bag_stock}}, seller.token)
    await add_variant(api, seller, product, label="25 kg", packSize=25, price=320_000, stock=sack_stock)
    return await variants_of(api, product, seller)
