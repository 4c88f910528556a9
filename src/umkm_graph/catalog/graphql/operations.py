"""Categories and products: the storefront's queries and the sellers' mutations."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.types import Info

from umkm_graph.catalog import listing, nearby, photos, variants
from umkm_graph.catalog import service as catalog
from umkm_graph.catalog.graphql.search import ProductSearch, product_search
from umkm_graph.catalog.graphql.types import (CategoryType, PriceUnitEnum, ProductType, ProductUnitEnum, load_product,
                                              storefront_page)
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.graphql_common.pagination import Connection, asked_window
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.graphql_engine.response_cache import public_data
from umkm_graph.shops.graphql.certificates import BadgeEnum

ProductSortEnum = strawberry.enum(listing.ProductSort, name="ProductSort")


@strawberry.input(description="Product fields; on update, omitted fields stay as they are.")
class ProductInput:
    category: str | None = strawberry.field(default=None, description="Category slug, e.g. beras.")
    name: str | None = None
    description: str | None = None
    unit: ProductUnitEnum | None = None  # type: ignore[valid-type]
    pack_size: float | None = None
    net_weight_grams: int | None = None
    price: Rupiah | None = None
    stock: int | None = None
    is_active: bool | None = None
    image_urls: list[str] | None = None

    def draft(self) -> catalog.ProductDraft:
        return catalog.ProductDraft(
            category=self.category, name=self.name, description=self.description, unit=self.unit,
            pack_size=None if self.pack_size is None else Decimal(str(self.pack_size)),
            net_weight_grams=self.net_weight_grams, price=self.price, stock=self.stock, is_active=self.is_active,
            image_urls=self.image_urls,
        )


@strawberry.input(description="A variant's fields; on update, omitted fields stay as they are.")
class VariantInput:
    label: str | None = strawberry.field(default=None, description="e.g. 5 kg, 25 kg or premium; required on add.")
    sku: str | None = strawberry.field(default=None, description="Unique in your shop; an empty string removes it.")
    pack_size: float | None = strawberry.field(default=None, description="In the product's unit; the product's if "
                                               "left out on add.")
    net_weight_grams: int | None = None
    price: Rupiah | None = strawberry.field(default=None, description="Of one pack; required on add.")
    stock: int | None = None

    def draft(self) -> variants.VariantDraft:
        return variants.VariantDraft(
            label=self.label, sku=self.sku, pack_size=None if self.pack_size is None else Decimal(str(self.pack_size)),
            net_weight_grams=self.net_weight_grams, price=self.price, stock=self.stock)


@strawberry.input(description="Listings of shops near a point: coordinates (the phone's), or one of the signed-in "
                  "buyer's saved addresses.")
class NearInput:
    latitude: float | None = strawberry.field(default=None, description="With longitude, unless addressId is given.")
    longitude: float | None = None
    address_id: strawberry.ID | None = strawberry.field(default=None, description=(
        "One of your saved addresses (signed in; another's is NOT_FOUND): near its coordinates, delivering to its "
        "kecamatan unless deliverTo is given."))
    within_km: float = strawberry.field(default=5.0, description="At most 30 km.")
    deliver_to: str | None = strawberry.field(default=None, description=(
        "A kecamatan: only shops whose own delivery goes there, with its fee as deliveryFee."))

    def asked(self) -> nearby.NearAsked:
        address = None if self.address_id is None else parse_id(self.address_id, "filter.near.addressId")
        return nearby.NearAsked(self.latitude, self.longitude, address, self.within_km, self.deliver_to)


@strawberry.input
class ProductFilterInput:
    category: str | None = strawberry.field(default=None, description="Category slug; a parent includes its children.")
    shop_id: strawberry.ID | None = None
    kecamatan: str | None = None
    min_price: Rupiah | None = None
    max_price: Rupiah | None = None
    text: str | None = strawberry.field(default=None, description=(
        "Search: words in any order, prefixes, typos, Indonesian affixes, colloquial words (telor, migor) and sizes "
        "(5kg, 1 L). Sort by RELEVANCE for the best matches first."))
    in_stock: bool | None = None
    min_unit_price: Rupiah | None = strawberry.field(default=None, description="Rupiah per kg or litre, at least.")
    max_unit_price: Rupiah | None = strawberry.field(default=None, description="Rupiah per kg or litre, at most.")
    unit_price_per: PriceUnitEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only listings priced per this unit (KG or LITRE).")
    near: NearInput | None = strawberry.field(default=None, description="Sort by DISTANCE for the nearest first.")
    badge: BadgeEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only products showing this badge: covered by such a verified, unexpired certificate.")

    async def product_filter(self, info: Info[Context, None]) -> listing.ProductFilter:
        near = None if self.near is None else await nearby.near_point(await info.context.user(), self.near.asked())
        return self.with_near(near)

    def with_near(self, near: listing.Near | None) -> listing.ProductFilter:
        """The filter, with its point already found (a saved address needs the asker; the document compiler, which
        declines `near`, passes None)."""
        return listing.ProductFilter(
            category=self.category, shop_id=None if self.shop_id is None else parse_id(self.shop_id, "filter.shopId"),
            kecamatan=self.kecamatan, min_price=self.min_price, max_price=self.max_price, text=self.text,
            in_stock=self.in_stock, min_unit_price=self.min_unit_price, max_unit_price=self.max_unit_price,
            unit_price_per=self.unit_price_per,
            near=near,
            badge=self.badge,
        )


@strawberry.type
class ProductPayload:
    product: ProductType | None = None
    errors: list[UserError]


def _product(product: object) -> dict[str, object]:
    return {"product": ProductType.from_model(product)}  # type: ignore[arg-type]


# Two parts, so that the schema's Query lists product, products, then the shops' fields, then categories, as it always has.
@strawberry.type
class ProductsQuery:
    @strawberry.field(description="A product buyers can see (its owner and the city see any), or null.",
                      metadata=public_data())
    async def product(self, info: Info[Context, None], id: strawberry.ID) -> ProductType | None:
        return await load_product(info, parse_id(id, "id"))

    @strawberry.field(description="The storefront: active products of verified shops.", metadata=public_data())
    async def products(
        self,
        info: Info[Context, None],
        filter: ProductFilterInput | None = None,
        sort: ProductSortEnum = listing.ProductSort.NEWEST,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ProductType]:
        flt = await (filter or ProductFilterInput()).product_filter(info)
        return await storefront_page(info, flt, sort, asked_window(info, first, after))

    @strawberry.field(description="The storefront searched (as products with filter.text), with facets and 'did you mean'.",
                      metadata=public_data())
    async def product_search(
        self,
        info: Info[Context, None],
        text: str,
        filter: ProductFilterInput | None = None,
        sort: ProductSortEnum = listing.ProductSort.RELEVANCE,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
    ) -> ProductSearch:
        flt = await (filter or ProductFilterInput()).product_filter(info)
        flt.text = text
        return product_search(info, flt, sort, first, after)


@strawberry.type
class CategoriesQuery:
    @strawberry.field(description="The top-level categories; each lists its children.", metadata=public_data())
    async def categories(self, info: Info[Context, None]) -> list[CategoryType]:
        everything = await info.context.loaders.all_categories()
        return [CategoryType.from_model(c, everything) for c in everything if c.parent_id is None]  # type: ignore[attr-defined]


@strawberry.type
class CatalogMutation:
    @strawberry.mutation(description="The shop's owner lists a product.")
    async def create_product(self, info: Info[Context, None], shop_id: strawberry.ID, input: ProductInput) -> ProductPayload:
        return await mutate(info, ProductPayload, lambda user: catalog.create_product(
            user, parse_id(shop_id, "shopId"), input.draft(),
            follower_quiet_hours=info.context.settings.follower_message_hours), _product)

    @strawberry.mutation(description="The shop's owner edits a product.")
    async def update_product(self, info: Info[Context, None], id: strawberry.ID, input: ProductInput) -> ProductPayload:
        return await mutate(info, ProductPayload, lambda user: catalog.update_product(
            user, parse_id(id, "id"), input.draft(),
            follower_quiet_hours=info.context.settings.follower_message_hours), _product)

    @strawberry.mutation(description="The shop's owner sets a product's photos: their own uploads (POST /uploads), in "
                         "this order, at most 10; an empty list removes them all.")
    async def set_product_photos(self, info: Info[Context, None], product_id: strawberry.ID,
                                 upload_ids: list[strawberry.ID]) -> ProductPayload:
        ids = [parse_id(upload, f"uploadIds.{i}") for i, upload in enumerate(upload_ids)]
        return await mutate(info, ProductPayload,
                            lambda user: photos.set_product_photos(user, parse_id(product_id, "productId"), ids), _product)

    @strawberry.mutation(description="The shop's owner adds a variant to a product (a 25 kg sack beside the 5 kg).")
    async def add_variant(self, info: Info[Context, None], product_id: strawberry.ID,
                          input: VariantInput) -> ProductPayload:
        return await mutate(info, ProductPayload, lambda user: variants.add_variant(
            user, parse_id(product_id, "productId"), input.draft()), _product)

    @strawberry.mutation(description="The shop's owner edits a variant: its label, SKU, pack, price or stock.")
    async def update_variant(self, info: Info[Context, None], id: strawberry.ID, input: VariantInput) -> ProductPayload:
        return await mutate(info, ProductPayload, lambda user: variants.update_variant(
            user, parse_id(id, "id"), input.draft()), _product)

    @strawberry.mutation(description="The shop's owner takes a variant off sale (its orders keep it); a product keeps "
                         "at least one variant on sale.")
    async def deactivate_variant(self, info: Info[Context, None], id: strawberry.ID) -> ProductPayload:
        return await mutate(info, ProductPayload,
                            lambda user: variants.set_variant_active(user, parse_id(id, "id"), False), _product)

    @strawberry.mutation(description="The shop's owner puts a deactivated variant on sale again.")
    async def reactivate_variant(self, info: Info[Context, None], id: strawberry.ID) -> ProductPayload:
        return await mutate(info, ProductPayload,
                            lambda user: variants.set_variant_active(user, parse_id(id, "id"), True), _product)

    @strawberry.mutation(description="The shop's owner sets a product's stock after a count (a product with one "
                         "variant; for several, updateVariant).")
    async def set_stock(self, info: Info[Context, None], id: strawberry.ID, stock: int) -> ProductPayload:
        return await mutate(info, ProductPayload, lambda user: catalog.set_stock(
            user, parse_id(id, "id"), stock, follower_quiet_hours=info.context.settings.follower_message_hours),
            _product)

