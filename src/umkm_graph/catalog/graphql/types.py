"""Categories and products, as buyers, sellers and the city see them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from umkm_graph.catalog import listing, search, variants
from umkm_graph.catalog import service as catalog
from umkm_graph.catalog.graphql.variant_types import PriceRange, VariantType
from umkm_graph.catalog.models import Category, PriceUnit, Product, ProductUnit
from umkm_graph.core.paging import Page, Window
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.later import later_class
from umkm_graph.graphql_common.loaders import load_visible
from umkm_graph.graphql_common.pagination import Connection, asked_window, connection
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.graphql_common.stored import StoredFields, reads, stored
from umkm_graph.graphql_engine.fast_fields import NOT_IN_MEMORY, in_memory
from umkm_graph.graphql_engine.response_cache import public_data
from umkm_graph.graphql_engine.selection import selected_names
from umkm_graph.reviews import service as reviews
from umkm_graph.shops.graphql.certificates import BadgeEnum
from umkm_graph.shops.graphql.types import SHOP_FIELDS, ShopType, average_rating, graphql_id
from umkm_graph.shops.models import Shop
from umkm_graph.uploads.graphql.types import PhotoType

if TYPE_CHECKING:
    from umkm_graph.reviews.graphql.types import ReviewType

# Reviews come after the catalog in the domains' order: their types are reached lazily.
_REVIEWS = "umkm_graph.reviews.graphql.types"

ProductUnitEnum = strawberry.enum(ProductUnit, name="ProductUnit")
PriceUnitEnum = strawberry.enum(PriceUnit, name="PriceUnit", description="What a normalised price is per.")


@strawberry.type(name="Category")
class CategoryType:
    id: strawberry.ID = strawberry.field(metadata=public_data())
    slug: str = strawberry.field(metadata=public_data())
    name: str = strawberry.field(metadata=public_data())
    parent_id: strawberry.Private[int | None]
    all_categories: strawberry.Private[list[Category]]

    @strawberry.field(metadata=public_data())
    def parent(self) -> CategoryType | None:
        for c in self.all_categories:
            if c.id == self.parent_id:
                return CategoryType.from_model(c, self.all_categories)
        return None

    @strawberry.field(metadata=public_data())
    def children(self) -> list[CategoryType]:
        return [CategoryType.from_model(c, self.all_categories) for c in self.all_categories if c.parent_id == int(self.id)]  # type: ignore[attr-defined]

    @classmethod
    def from_model(cls, category: Category, all_categories: list[Category]) -> CategoryType:
        return cls(id=strawberry.ID(str(category.id)), slug=category.slug, name=category.name,
                   parent_id=category.parent_id, all_categories=all_categories)  # type: ignore[attr-defined]


@strawberry.type(description="A price per kg or per litre, so listings sold in different pack sizes compare.")
class UnitPrice:
    price: Rupiah = strawberry.field(metadata=public_data())
    per: str = strawberry.field(description="KG or LITRE.", metadata=public_data())


def _unit_price(root: ProductType) -> UnitPrice | None:
    """Worked out only when asked for (Decimal arithmetic per product is not free)."""
    per = catalog.price_per_base_unit(root.model)
    return UnitPrice(price=Rupiah(per[0]), per=per[1]) if per else None


def _best_unit_price(product: Product | listing.ListingRow) -> UnitPrice | None:
    per = product.unit_price_per
    if product.unit_price is None or per is None:
        return None
    return UnitPrice(price=Rupiah(product.unit_price), per=getattr(per, "value", per))


def _fetched_shop(root: ProductType) -> ShopType:
    shop = getattr(root.model, "shop", None)
    if isinstance(shop, Shop):
        return ShopType.from_model(shop)
    return SHOP_FIELDS.from_row(shop) if isinstance(shop, listing.ListingRow) else NOT_IN_MEMORY  # type: ignore[no-any-return]


@strawberry.federation.type(keys=["id"], name="Product", description="Something a shop sells.")
class ProductType:
    id: strawberry.ID = stored("id", public=True, answer=graphql_id)
    name: str = stored("name", public=True)
    description: str = stored("description", public=True)
    unit: ProductUnitEnum = stored("unit", public=True)  # type: ignore[valid-type]
    pack_size: float = stored("pack_size", public=True, answer=lambda p: float(p.pack_size),
                              description="How many units one pack of the cheapest variant holds, e.g. 5 for a 5 kg "
                              "sack.", deprecation_reason="A product may have variants: use variants { packSize }.")
    net_weight_grams: int | None = stored(
        "net_weight_grams", public=True, deprecation_reason="A product may have variants: use variants { netWeightGrams }.")
    price: Rupiah = stored("price", public=True, answer=lambda p: Rupiah(p.price),
                           description="Price of one pack of the cheapest variant, in rupiah.",
                           deprecation_reason="A product may have variants: use priceRange, or variants { price }.")
    stock: int = stored("stock", public=True, description="All the variants' on sale together.",
                        deprecation_reason="A product may have variants: use variants { stock }.")
    price_range: PriceRange = stored(
        "price", "price_max", public=True, description="The cheapest and the dearest of its variants on sale.",
        answer=lambda p: PriceRange(min=Rupiah(p.price), max=Rupiah(p.price if p.price_max is None else p.price_max)))
    best_unit_price: UnitPrice | None = stored(
        "unit_price", "unit_price_per", public=True, answer=_best_unit_price,
        description="The best price per kg or per litre among its variants on sale (what sort UNIT_PRICE_ASC uses).")
    is_active: bool = stored("is_active", public=True)
    image_urls: list[str] = stored("image_urls", public=True, answer=lambda p: list(p.image_urls))
    rating: float | None = stored("rating_sum", "review_count", public=True, answer=average_rating,
                                  description="Average review rating, 1 to 5; null before the first review.")
    review_count: int = stored("review_count", public=True)
    unit_price: UnitPrice | None = strawberry.field(
        resolver=_unit_price, description="The cheapest variant's price per kg or per litre where the unit allows.",
        deprecation_reason="A product may have variants: use bestUnitPrice, or variants { unitPrice }.",
        metadata=reads("unit", "pack_size", "price", "net_weight_grams", public=True),
    )
    created_at: dt.datetime = stored("created_at", public=True)
    model: strawberry.Private[Product]

    @classmethod
    def from_model(cls, product: Product) -> ProductType:
        return PRODUCT_FIELDS.from_model(product)  # type: ignore[no-any-return]

    @classmethod
    def from_row(cls, row: listing.ListingRow) -> ProductType:
        """From a row holding some columns (PRODUCT_COLUMNS of the fields selected); the others stay None, unread."""
        return PRODUCT_FIELDS.from_row(row)  # type: ignore[no-any-return]

    @strawberry.field(metadata={**in_memory(_fetched_shop), **reads("shop_id", public=True)})
    def shop(self, info: Info[Context, None]) -> ShopType:
        """Read directly when the list fetched the shop with the product (no task per item); otherwise graphql-core
        awaits the loader's answer."""
        shop = _fetched_shop(self)
        return self._load_shop(info) if shop is NOT_IN_MEMORY else shop  # type: ignore[no-any-return]

    async def _load_shop(self, info: Info[Context, None]) -> ShopType:
        shop = await info.context.loaders.shop.load(self.model.shop_id)  # type: ignore[attr-defined]
        return ShopType.from_model(shop)

    @strawberry.field(description="Km from the point of filter.near to the shop (a flat-map estimate); null otherwise.",
                      metadata=reads(public=True))
    def distance_km(self) -> float | None:
        return getattr(self.model, "distance_km", None)

    @strawberry.field(description="The shop's own delivery fee to filter.near.deliverTo; null otherwise.",
                      metadata=reads(public=True))
    def delivery_fee(self) -> Rupiah | None:
        fee = getattr(self.model, "delivery_fee", None)
        return None if fee is None else Rupiah(fee)

    @strawberry.field(metadata=reads("category_id", public=True))
    async def category(self, info: Info[Context, None]) -> CategoryType:
        categories = await info.context.loaders.all_categories()
        own = next(c for c in categories if c.id == self.model.category_id)  # type: ignore[attr-defined]
        return CategoryType.from_model(own, categories)

    @strawberry.field(description="The badges of the verified, unexpired certificates that cover this product.",
                      metadata=reads("id", public=True))
    async def badges(self, info: Info[Context, None]) -> list[BadgeEnum]:  # type: ignore[valid-type]
        return await info.context.loaders.product_badges.load(self.model.id)  # type: ignore[no-any-return]

    @strawberry.field(description="What a buyer picks from, in the seller's order: the variants on sale (and, for "
                      "the product's owner and the city, with includeInactive, the deactivated ones too).",
                      metadata=reads("id", "shop_id", public=False))
    async def variants(self, info: Info[Context, None], include_inactive: bool = False) -> list[VariantType]:
        found = await info.context.loaders.product_variants.load(self.model.id)
        if include_inactive:
            shop = await info.context.loaders.shop.load(self.model.shop_id)  # type: ignore[attr-defined]
            include_inactive = variants.sees_inactive(await info.context.user(), shop)
        return [VariantType.from_model(v) for v in found if v.is_active or include_inactive]

    @strawberry.field(description="The seller's photos, in the seller's order (setProductPhotos).",
                      metadata=reads("id", public=True))
    async def photos(self, info: Info[Context, None]) -> list[PhotoType]:
        return [PhotoType.from_upload(u) for u in await info.context.loaders.product_photos.load(self.model.id)]

    @strawberry.field(description="Buyers' reviews of this product, newest first.", metadata=reads(public=True))
    async def reviews(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[ReviewType, strawberry.lazy(_REVIEWS)]]:
        page = await reviews.review_page(asked_window(info, first, after), product_id=self.model.id)
        return connection(page, later_class(_REVIEWS, "ReviewType").from_model)

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], id: strawberry.ID) -> ProductType | None:
        return await load_product(info, id)


PRODUCT_FIELDS = StoredFields(ProductType)
# The columns each field reads, so a list reads only those of the fields selected.
PRODUCT_COLUMNS = PRODUCT_FIELDS.columns


def _product(item: Product | listing.ListingRow) -> ProductType:
    return PRODUCT_FIELDS.from_row(item) if isinstance(item, listing.ListingRow) else ProductType.from_model(item)  # type: ignore[no-any-return]


def product_connection(page: Page[Product]) -> Connection[ProductType]:
    return connection(page, _product)


async def storefront_page(info: Info[Context, None], flt: listing.ProductFilter, sort: listing.ProductSort,
                          window: Window) -> Connection[ProductType]:
    """A page of the storefront, read for this selection (edges.node, and its shop): the selected fields' columns (the
    shop's in the same statement) into rows, or, when a selected field has no declared columns, whole models."""
    product = PRODUCT_FIELDS.columns_for(selected_names(info, "edges", "node") or (), ("id", "shop_id"))
    if search.is_search(flt):  # matched and ranked by catalog.search, as whole products with their shops
        page = await search.search_page(flt, sort, window, info.context.settings.search_candidates)
        return product_connection(page)
    shop_selection = selected_names(info, "edges", "node", "shop")
    shop = None if shop_selection is None else SHOP_FIELDS.columns_for(shop_selection, ("id",))
    if product is None or (shop_selection is not None and shop is None):
        page = await listing.product_page(flt, sort, window, with_shop=shop_selection is not None)
    else:
        page = await listing.product_page(flt, sort, window, columns=product, shop_columns=shop)
    return connection(page, _product)


async def load_product(info: Info[Context, None], product_id: int | str) -> ProductType | None:
    """A product the asker may see, through the loaders; None otherwise."""
    loaders = info.context.loaders

    async def visible(product: Product) -> bool:
        product.shop = await loaders.shop.load(product.shop_id)  # type: ignore[attr-defined]
        return catalog.can_see_product(await info.context.user(), product)

    product = await load_visible(loaders.product, product_id, visible)
    return None if product is None else ProductType.from_model(product)
