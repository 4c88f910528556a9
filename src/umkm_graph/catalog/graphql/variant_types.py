"""A product's variants and its price range, as buyers and sellers see them."""

from __future__ import annotations

import strawberry

from umkm_graph.catalog.models import ProductVariant
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.graphql_engine.response_cache import public_data


@strawberry.type(name="ProductVariant", description="One pack of a product a buyer picks (5 kg, 25 kg; medium, "
                 "premium): its own price, stock and SKU. Checkout and the cart take its variantId.")
class VariantType:
    id: strawberry.ID
    label: str = strawberry.field(description="e.g. 5 kg or premium; empty for a product's only variant.")
    sku: str | None = strawberry.field(description="The shop's own stock-keeping code, unique in the shop.")
    pack_size: float = strawberry.field(description="How many of the product's unit one pack holds, e.g. 25 (kg).")
    net_weight_grams: int | None
    price: Rupiah = strawberry.field(description="Price of one pack, in rupiah.")
    stock: int
    unit_price: Rupiah | None = strawberry.field(description="Rupiah per kg or litre, where the unit allows.")
    unit_price_per: str | None = strawberry.field(description="KG or LITRE.")
    is_active: bool = strawberry.field(description="False once its seller deactivated it: no longer on sale.")

    @classmethod
    def from_model(cls, variant: ProductVariant) -> VariantType:
        per = variant.unit_price_per
        return cls(id=strawberry.ID(str(variant.id)), label=variant.label, sku=variant.sku,
                   pack_size=float(variant.pack_size), net_weight_grams=variant.net_weight_grams,
                   price=Rupiah(variant.price), stock=variant.stock,
                   unit_price=None if variant.unit_price is None else Rupiah(variant.unit_price),
                   unit_price_per=None if per is None else per.value, is_active=variant.is_active)


@strawberry.type(description="The cheapest and the dearest of a product's variants on sale.")
class PriceRange:
    min: Rupiah = strawberry.field(metadata=public_data())
    max: Rupiah = strawberry.field(metadata=public_data())
