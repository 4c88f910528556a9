"""Shops, categories and products: storefront queries and seller/city mutations."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.types import Info

from umkm_graph.catalog import service as catalog
from umkm_graph.catalog.graphql.types import (
    CategoryType,
    ProductType,
    ProductUnitEnum,
    ShopStatusEnum,
    ShopType,
    load_product,
    load_shop,
    product_from_listing,
    product_page_reader,
)
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.graphql_common.pagination import Connection, paginate
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.shops import service as shops
from umkm_graph.shops.models import ShopStatus

ProductSortEnum = strawberry.enum(catalog.ProductSort, name="ProductSort")


@strawberry.input(description="The shop's own delivery fee to one kecamatan.")
class DeliveryFeeInput:
    kecamatan: str
    fee: Rupiah


@strawberry.input(description="Shop fields; on update, omitted fields stay as they are.")
class ShopInput:
    name: str | None = None
    slug: str | None = None
    description: str | None = None
    kecamatan: str | None = None
    kelurahan: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    phone: str | None = None
    nib: str | None = None
    npwp: str | None = None
    offers_pickup: bool | None = None
    delivery_fees: list[DeliveryFeeInput] | None = None

    def draft(self) -> shops.ShopDraft:
        fees = None if self.delivery_fees is None else {f.kecamatan: int(f.fee) for f in self.delivery_fees}
        return shops.ShopDraft(
            name=self.name, slug=self.slug, description=self.description, kecamatan=self.kecamatan,
            kelurahan=self.kelurahan, address=self.address, latitude=self.latitude, longitude=self.longitude,
            phone=self.phone, nib=self.nib, npwp=self.npwp, offers_pickup=self.offers_pickup, delivery_fees=fees,
        )


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


@strawberry.input
class ProductFilterInput:
    category: str | None = strawberry.field(default=None, description="Category slug; a parent includes its children.")
    shop_id: strawberry.ID | None = None
    kecamatan: str | None = None
    min_price: Rupiah | None = None
    max_price: Rupiah | None = None
    text: str | None = None
    in_stock: bool | None = None


@strawberry.input
class ShopFilterInput:
    kecamatan: str | None = None
    text: str | None = None
    status: ShopStatusEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Other than VERIFIED: city officers and analysts only."
    )
    mine: bool = strawberry.field(default=False, description="Only the signed-in seller's own shops, any status.")


@strawberry.type
class ShopPayload:
    shop: ShopType | None = None
    errors: list[UserError]


@strawberry.type
class ProductPayload:
    product: ProductType | None = None
    errors: list[UserError]


def _shop(shop: object) -> dict[str, object]:
    return {"shop": ShopType.from_model(shop)}  # type: ignore[arg-type]


def _product(product: object) -> dict[str, object]:
    return {"product": ProductType.from_model(product)}  # type: ignore[arg-type]


@strawberry.type
class CatalogQuery:
    @strawberry.field(description="A product buyers can see (its owner and the city see any), or null.")
    async def product(self, info: Info[Context, None], id: strawberry.ID) -> ProductType | None:
        return await load_product(info, parse_id(id, "id"))

    @strawberry.field(description="The storefront: active products of verified shops.")
    async def products(
        self,
        info: Info[Context, None],
        filter: ProductFilterInput | None = None,
        sort: ProductSortEnum = catalog.ProductSort.NEWEST,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ProductType]:
        f = filter or ProductFilterInput()
        flt = catalog.ProductFilter(
            category=f.category, shop_id=None if f.shop_id is None else parse_id(f.shop_id, "filter.shopId"),
            kecamatan=f.kecamatan, min_price=f.min_price, max_price=f.max_price, text=f.text, in_stock=f.in_stock,
        )
        query = await catalog.product_listing(flt, sort)
        settings = info.context.settings
        return await paginate(query, first, after, product_from_listing, fetch=product_page_reader(info, flt, sort),
                              default=settings.default_page_size, cap=settings.max_page_size)

    @strawberry.field(description="A shop by id or by slug; null when it does not exist or is not visible to you.")
    async def shop(self, info: Info[Context, None], id: strawberry.ID | None = None, slug: str | None = None) -> ShopType | None:
        if (id is None) == (slug is None):
            raise DomainError(ErrorCode.INVALID, "Give exactly one of id or slug", "id")
        if id is not None:
            return await load_shop(info, parse_id(id, "id"))
        shop_id = await shops.shop_id_for_slug(slug or "")
        return await load_shop(info, shop_id) if shop_id else None

    @strawberry.field(description="Verified shops (or, for the city, shops of a given status), by name.")
    async def shops(
        self, info: Info[Context, None], filter: ShopFilterInput | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[ShopType]:
        f = filter or ShopFilterInput()
        query = await shops.shop_listing(
            await info.context.user(), shops.ShopFilter(kecamatan=f.kecamatan, text=f.text, status=f.status, mine=f.mine)
        )
        settings = info.context.settings
        return await paginate(query, first, after, ShopType.from_model,
                              default=settings.default_page_size, cap=settings.max_page_size)

    @strawberry.field(description="The top-level categories; each lists its children.")
    async def categories(self, info: Info[Context, None]) -> list[CategoryType]:
        everything = await info.context.loaders.all_categories()
        return [CategoryType.from_model(c, everything) for c in everything if c.parent_id is None]  # type: ignore[attr-defined]


@strawberry.type
class CatalogMutation:
    @strawberry.mutation(description="A seller registers a shop; it stays PENDING until the city verifies it.")
    async def create_shop(self, info: Info[Context, None], input: ShopInput) -> ShopPayload:
        return await mutate(info, ShopPayload, lambda user: shops.create_shop(user, input.draft()), _shop)

    @strawberry.mutation(description="The owner edits a shop.")
    async def update_shop(self, info: Info[Context, None], id: strawberry.ID, input: ShopInput) -> ShopPayload:
        return await mutate(info, ShopPayload, lambda user: shops.update_shop(user, parse_id(id, "id"), input.draft()), _shop)

    @strawberry.mutation(description="A city officer verifies a pending, rejected or suspended shop.")
    async def verify_shop(self, info: Info[Context, None], id: strawberry.ID) -> ShopPayload:
        return await _set_status(info, id, ShopStatus.VERIFIED, None)

    @strawberry.mutation(description="A city officer rejects a pending shop, with a reason.")
    async def reject_shop(self, info: Info[Context, None], id: strawberry.ID, reason: str) -> ShopPayload:
        return await _set_status(info, id, ShopStatus.REJECTED, reason)

    @strawberry.mutation(description="A city officer suspends a verified shop, with a reason.")
    async def suspend_shop(self, info: Info[Context, None], id: strawberry.ID, reason: str) -> ShopPayload:
        return await _set_status(info, id, ShopStatus.SUSPENDED, reason)

    @strawberry.mutation(description="The shop's owner lists a product.")
    async def create_product(self, info: Info[Context, None], shop_id: strawberry.ID, input: ProductInput) -> ProductPayload:
        return await mutate(info, ProductPayload, lambda user: catalog.create_product(user, parse_id(shop_id, "shopId"), input.draft()), _product)

    @strawberry.mutation(description="The shop's owner edits a product.")
    async def update_product(self, info: Info[Context, None], id: strawberry.ID, input: ProductInput) -> ProductPayload:
        return await mutate(info, ProductPayload, lambda user: catalog.update_product(user, parse_id(id, "id"), input.draft()), _product)

    @strawberry.mutation(description="The shop's owner sets a product's stock after a count.")
    async def set_stock(self, info: Info[Context, None], id: strawberry.ID, stock: int) -> ProductPayload:
        return await mutate(info, ProductPayload, lambda user: catalog.set_stock(user, parse_id(id, "id"), stock), _product)


async def _set_status(info: Info[Context, None], id: strawberry.ID, status: ShopStatus, reason: str | None) -> ShopPayload:
    return await mutate(info, ShopPayload, lambda user: shops.set_shop_status(user, parse_id(id, "id"), status, reason), _shop)
