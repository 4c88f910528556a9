"""Shops, categories and products, as buyers, sellers and the city see them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info
from tortoise.queryset import QuerySet

from umkm_graph.catalog import service as catalog
from umkm_graph.catalog.models import Category, Product, ProductUnit
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.pagination import Connection, paginate
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.graphql_engine.fast_fields import NOT_IN_MEMORY, in_memory
from umkm_graph.graphql_engine.selection import selected_names
from umkm_graph.people.access import is_city
from umkm_graph.reviews.service import reviews_of
from umkm_graph.shops.access import can_see_shop
from umkm_graph.shops.models import Shop, ShopStatus

if TYPE_CHECKING:
    from umkm_graph.reviews.graphql.types import ReviewType

# The review types import this module, so these refer to them lazily.
_REVIEWS = "umkm_graph.reviews.graphql.types"

ShopStatusEnum = strawberry.enum(ShopStatus, name="ShopStatus")
ProductUnitEnum = strawberry.enum(ProductUnit, name="ProductUnit")


def _rating(total: int, count: int) -> float | None:
    return round(total / count, 2) if count else None


@strawberry.type(description="The shop's own delivery fee to one kecamatan.")
class DeliveryFee:
    kecamatan: str
    fee: Rupiah


def _delivery_fees(root: ShopType) -> list[DeliveryFee]:
    return [DeliveryFee(kecamatan=k, fee=Rupiah(v)) for k, v in sorted(root.model.delivery_fees.items())]


@strawberry.federation.type(keys=["id"], name="Shop", description="A UMKM shop in Kota Malang.")
class ShopType:
    id: strawberry.ID
    name: str
    slug: str
    description: str
    kecamatan: str
    kelurahan: str
    address: str
    latitude: float | None
    longitude: float | None
    phone: str
    nib: str = strawberry.field(description="Nomor Induk Berusaha: the 13-digit business licence from OSS.")
    status: ShopStatusEnum  # type: ignore[valid-type]
    status_reason: str | None
    offers_pickup: bool
    delivery_fees: list[DeliveryFee] = strawberry.field(resolver=_delivery_fees)
    rating: float | None = strawberry.field(description="Average review rating, 1 to 5; null before the first review.")
    review_count: int
    model: strawberry.Private[Shop]

    @classmethod
    def from_model(cls, shop: Shop) -> ShopType:
        return cls(
            id=strawberry.ID(str(shop.id)), name=shop.name, slug=shop.slug, description=shop.description,
            kecamatan=shop.kecamatan, kelurahan=shop.kelurahan, address=shop.address, latitude=shop.latitude,
            longitude=shop.longitude, phone=shop.phone, nib=shop.nib, status=shop.status,
            status_reason=shop.status_reason, offers_pickup=shop.offers_pickup,
            rating=_rating(shop.rating_sum, shop.review_count), review_count=shop.review_count, model=shop,
        )

    @classmethod
    def from_row(cls, row: catalog.ListingRow) -> ShopType:
        """From a row holding some columns (SHOP_COLUMNS of the fields selected); the others stay None, unread."""
        get = vars(row).get
        return cls(
            id=strawberry.ID(str(row.id)), name=get("name"), slug=get("slug"), description=get("description"),  # type: ignore[arg-type]
            kecamatan=get("kecamatan"), kelurahan=get("kelurahan"), address=get("address"),  # type: ignore[arg-type]
            latitude=get("latitude"), longitude=get("longitude"), phone=get("phone"), nib=get("nib"),  # type: ignore[arg-type]
            status=get("status"), status_reason=get("status_reason"), offers_pickup=get("offers_pickup"),  # type: ignore[arg-type]
            rating=_rating(get("rating_sum") or 0, get("review_count") or 0), review_count=get("review_count"),  # type: ignore[arg-type]
            model=row,  # type: ignore[arg-type]
        )

    @strawberry.field(description="Tax number (16 digits); only the owner and the city see it.")
    async def npwp(self, info: Info[Context, None]) -> str | None:
        user = await info.context.user()
        return self.model.npwp if user is not None and (is_city(user) or user.id == self.model.owner_id) else None  # type: ignore[attr-defined]

    @strawberry.field(description="The shop's products that buyers can see, newest first.")
    async def products(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[ProductType]:
        query = await catalog.product_listing(catalog.ProductFilter(shop_id=self.model.id), catalog.ProductSort.NEWEST)
        settings = info.context.settings
        return await paginate(query, first, after, ProductType.from_model,
                              default=settings.default_page_size, cap=settings.max_page_size)

    @strawberry.field(description="Buyers' reviews of all the shop's products, newest first.")
    async def reviews(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[ReviewType, strawberry.lazy(_REVIEWS)]]:
        from umkm_graph.reviews.graphql.types import review_page

        return await review_page(info, reviews_of(shop_id=self.model.id), first, after)

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], id: strawberry.ID) -> ShopType | None:
        return await load_shop(info, id)


async def load_shop(info: Info[Context, None], shop_id: int | str) -> ShopType | None:
    """A shop the asker may see, through the loader; None otherwise."""
    try:
        key = int(shop_id)
    except ValueError:
        return None
    shop = await info.context.loaders.shop.load(key)
    if shop is None or not can_see_shop(await info.context.user(), shop):
        return None
    return ShopType.from_model(shop)


@strawberry.type(name="Category")
class CategoryType:
    id: strawberry.ID
    slug: str
    name: str
    parent_id: strawberry.Private[int | None]
    all_categories: strawberry.Private[list[Category]]

    @strawberry.field
    def parent(self) -> CategoryType | None:
        for c in self.all_categories:
            if c.id == self.parent_id:
                return CategoryType.from_model(c, self.all_categories)
        return None

    @strawberry.field
    def children(self) -> list[CategoryType]:
        return [CategoryType.from_model(c, self.all_categories) for c in self.all_categories if c.parent_id == int(self.id)]  # type: ignore[attr-defined]

    @classmethod
    def from_model(cls, category: Category, all_categories: list[Category]) -> CategoryType:
        return cls(id=strawberry.ID(str(category.id)), slug=category.slug, name=category.name,
                   parent_id=category.parent_id, all_categories=all_categories)  # type: ignore[attr-defined]


@strawberry.type(description="A price per kg or per litre, so listings sold in different pack sizes compare.")
class UnitPrice:
    price: Rupiah
    per: str = strawberry.field(description="KG or LITRE.")


def _unit_price(root: ProductType) -> UnitPrice | None:
    """Worked out only when asked for (Decimal arithmetic per product is not free)."""
    per = catalog.price_per_base_unit(root.model)
    return UnitPrice(price=Rupiah(per[0]), per=per[1]) if per else None


def _fetched_shop(root: ProductType) -> ShopType:
    shop = getattr(root.model, "shop", None)
    if isinstance(shop, Shop):
        return ShopType.from_model(shop)
    return ShopType.from_row(shop) if isinstance(shop, catalog.ListingRow) else NOT_IN_MEMORY


@strawberry.federation.type(keys=["id"], name="Product", description="Something a shop sells.")
class ProductType:
    id: strawberry.ID
    name: str
    description: str
    unit: ProductUnitEnum  # type: ignore[valid-type]
    pack_size: float = strawberry.field(description="How many units one pack holds, e.g. 5 for a 5 kg sack.")
    net_weight_grams: int | None
    price: Rupiah = strawberry.field(description="Price of one pack, in rupiah.")
    stock: int
    is_active: bool
    image_urls: list[str]
    rating: float | None = strawberry.field(description="Average review rating, 1 to 5; null before the first review.")
    review_count: int
    unit_price: UnitPrice | None = strawberry.field(resolver=_unit_price,
                                                    description="Price per kg or per litre where the unit allows.")
    created_at: dt.datetime
    model: strawberry.Private[Product]

    @classmethod
    def from_model(cls, product: Product) -> ProductType:
        return cls(
            id=strawberry.ID(str(product.id)), name=product.name, description=product.description, unit=product.unit,
            pack_size=float(product.pack_size), net_weight_grams=product.net_weight_grams, price=Rupiah(product.price),
            stock=product.stock, is_active=product.is_active, image_urls=list(product.image_urls),
            rating=_rating(product.rating_sum, product.review_count), review_count=product.review_count,
            created_at=product.created_at, model=product,
        )

    @classmethod
    def from_row(cls, row: catalog.ListingRow) -> ProductType:
        """From a row holding some columns (PRODUCT_COLUMNS of the fields selected); the others stay None, unread."""
        get = vars(row).get
        pack_size, price, image_urls = get("pack_size"), get("price"), get("image_urls")
        return cls(
            id=strawberry.ID(str(row.id)), name=get("name"), description=get("description"), unit=get("unit"),  # type: ignore[arg-type]
            pack_size=None if pack_size is None else float(pack_size),  # type: ignore[arg-type]
            net_weight_grams=get("net_weight_grams"), price=None if price is None else Rupiah(price),  # type: ignore[arg-type]
            stock=get("stock"), is_active=get("is_active"),  # type: ignore[arg-type]
            image_urls=None if image_urls is None else list(image_urls),  # type: ignore[arg-type]
            rating=_rating(get("rating_sum") or 0, get("review_count") or 0), review_count=get("review_count"),  # type: ignore[arg-type]
            created_at=get("created_at"), model=row,  # type: ignore[arg-type]
        )

    @strawberry.field(metadata=in_memory(_fetched_shop))
    def shop(self, info: Info[Context, None]) -> ShopType:
        """Read directly when the list fetched the shop with the product (no task per item); otherwise graphql-core
        awaits the loader's answer."""
        shop = _fetched_shop(self)
        return self._load_shop(info) if shop is NOT_IN_MEMORY else shop  # type: ignore[no-any-return]

    async def _load_shop(self, info: Info[Context, None]) -> ShopType:
        shop = await info.context.loaders.shop.load(self.model.shop_id)  # type: ignore[attr-defined]
        return ShopType.from_model(shop)

    @strawberry.field
    async def category(self, info: Info[Context, None]) -> CategoryType:
        categories = await info.context.loaders.all_categories()
        own = next(c for c in categories if c.id == self.model.category_id)  # type: ignore[attr-defined]
        return CategoryType.from_model(own, categories)

    @strawberry.field(description="Buyers' reviews of this product, newest first.")
    async def reviews(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[ReviewType, strawberry.lazy(_REVIEWS)]]:
        from umkm_graph.reviews.graphql.types import review_page

        return await review_page(info, reviews_of(product_id=self.model.id), first, after)

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], id: strawberry.ID) -> ProductType | None:
        return await load_product(info, id)


# The columns each field reads, in from_row and in its resolver, so a list reads only those of the fields selected. A
# field missing here (a new one) makes the list read whole models, which is always right.
PRODUCT_COLUMNS: dict[str, tuple[str, ...]] = {
    "__typename": (), "id": ("id",), "name": ("name",), "description": ("description",), "unit": ("unit",),
    "packSize": ("pack_size",), "netWeightGrams": ("net_weight_grams",), "price": ("price",), "stock": ("stock",),
    "isActive": ("is_active",), "imageUrls": ("image_urls",), "rating": ("rating_sum", "review_count"),
    "reviewCount": ("review_count",), "unitPrice": ("unit", "pack_size", "price", "net_weight_grams"),
    "createdAt": ("created_at",), "shop": ("shop_id",), "category": ("category_id",), "reviews": (),
}
SHOP_COLUMNS: dict[str, tuple[str, ...]] = {
    "__typename": (), "id": ("id",), "name": ("name",), "slug": ("slug",), "description": ("description",),
    "kecamatan": ("kecamatan",), "kelurahan": ("kelurahan",), "address": ("address",), "latitude": ("latitude",),
    "longitude": ("longitude",), "phone": ("phone",), "nib": ("nib",), "status": ("status",),
    "statusReason": ("status_reason",), "offersPickup": ("offers_pickup",), "deliveryFees": ("delivery_fees",),
    "rating": ("rating_sum", "review_count"), "reviewCount": ("review_count",), "npwp": ("npwp", "owner_id"),
    "products": (), "reviews": (),
}


def _columns(selected: set[str], known: dict[str, tuple[str, ...]], always: tuple[str, ...]) -> list[str] | None:
    if not selected <= known.keys():
        return None
    return list(dict.fromkeys([*always, *(column for name in selected for column in known[name])]))


def product_page_reader(info: Info[Context, None], flt: catalog.ProductFilter, sort: catalog.ProductSort
                        ) -> Callable[[QuerySet[Product], int, int], Awaitable[Sequence[Any]]]:
    """How the listing of this filter and sort reads its page for this selection (edges.node, and its shop): the
    selected fields' columns (the shop's in the same statement) into rows for ProductType.from_row, or, when a selected
    field is not in PRODUCT_COLUMNS or SHOP_COLUMNS, whole models for ProductType.from_model."""
    product = _columns(selected_names(info, "edges", "node") or set(), PRODUCT_COLUMNS, ("id", "shop_id"))
    shop_selection = selected_names(info, "edges", "node", "shop")
    shop = None if shop_selection is None else _columns(shop_selection, SHOP_COLUMNS, ("id",))
    if product is None or (shop_selection is not None and shop is None):
        with_shop = shop_selection is not None

        async def models(query: QuerySet[Product], offset: int, limit: int) -> Sequence[Any]:
            return await catalog.listing_models(query, offset, limit, with_shop=with_shop)

        return models

    async def rows(query: QuerySet[Product], offset: int, limit: int) -> Sequence[Any]:
        return await catalog.listing_rows(flt, sort, query, offset, limit, product, shop)

    return rows


def product_from_listing(item: Product | catalog.ListingRow) -> ProductType:
    return ProductType.from_row(item) if isinstance(item, catalog.ListingRow) else ProductType.from_model(item)


async def load_product(info: Info[Context, None], product_id: int | str) -> ProductType | None:
    """A product the asker may see, through the loaders; None otherwise."""
    try:
        key = int(product_id)
    except ValueError:
        return None
    product = await info.context.loaders.product.load(key)
    if product is None:
        return None
    product.shop = await info.context.loaders.shop.load(product.shop_id)
    if not catalog.can_see_product(await info.context.user(), product):
        return None
    return ProductType.from_model(product)
