"""The catalog: the category tree, products with their stock, and the storefront listing."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import islice
from typing import Any

from prometheus_client import Counter
from tortoise.expressions import F, Q, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from umkm_graph import changes
from umkm_graph.catalog.certificates import with_badge
from umkm_graph.catalog.models import Category, PriceChange, PriceUnit, Product, ProductUnit
from umkm_graph.changes import Entity
from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.orm_compat import connection_of, natively_typed_fields
from umkm_graph.core.keyset import Key, after_key, key_of, key_params
from umkm_graph.core.paging import Page, Window, page_of
from umkm_graph.core.regions import canonical_kecamatan
from umkm_graph.core.text import clean_text
from umkm_graph.core.urls import public_https_url_fault
from umkm_graph.people.access import is_city, require_role
from umkm_graph.people.models import Role, User
from umkm_graph.shops.access import can_see_shop
from umkm_graph.shops.models import CertificateKind, Shop, ShopStatus
from umkm_graph.shops.service import get_owned_shop

# (slug, name, parent slug)
CATEGORY_TREE: tuple[tuple[str, str, str | None], ...] = (
    ("sembako", "Sembako", None),
    ("beras", "Beras", "sembako"),
    ("minyak-goreng", "Minyak Goreng", "sembako"),
    ("telur", "Telur", "sembako"),
    ("gula", "Gula", "sembako"),
    ("kuliner", "Kuliner", None),
    ("kerajinan", "Kerajinan", None),
    ("fashion", "Fashion", None),
)
# ensure_categories creates exactly this tree, and nothing else creates categories.
CATEGORY_SLUGS = frozenset(slug for slug, _, _ in CATEGORY_TREE)
MAX_PRICE = 1_000_000_000
MAX_STOCK = 1_000_000


async def ensure_categories() -> None:
    """Create the category tree if it is missing; safe to run at every start, by several processes at once (a slug
    another process created first is fetched, not created twice)."""
    existing = {c.slug: c for c in await Category.all()}
    for slug, name, parent_slug in CATEGORY_TREE:
        if slug not in existing:
            parent = existing.get(parent_slug) if parent_slug else None
            existing[slug], _ = await Category.get_or_create(slug=slug, defaults={"name": name, "parent": parent})


@dataclass
class ProductDraft:
    """The editable fields of a product. On update, None means 'leave as it is'."""

    category: str | None = None
    name: str | None = None
    description: str | None = None
    unit: ProductUnit | None = None
    pack_size: Decimal | None = None
    net_weight_grams: int | None = None
    price: int | None = None
    stock: int | None = None
    is_active: bool | None = None
    image_urls: list[str] | None = None


REQUIRED_ON_CREATE = ("category", "name", "unit", "price")


async def _clean(draft: ProductDraft, creating: bool) -> dict[str, object]:
    check = Validator(["input"])
    given = {f.name: getattr(draft, f.name) for f in fields(draft) if getattr(draft, f.name) is not None}
    values: dict[str, object] = {}
    if creating:
        for name in REQUIRED_ON_CREATE:
            if name not in given:
                check.add(name, f"{name} is required", ErrorCode.REQUIRED)
    if "category" in given:
        category = await Category.get_or_none(slug=given["category"])
        if category is None:
            check.add("category", f"{given['category']!r} is not a category slug")
        else:
            values["category"] = category
    if "name" in given:
        values["name"] = clean_text(check, "name", given["name"], label="Name", max_length=160)
    if "description" in given:
        values["description"] = clean_text(check, "description", given["description"], label="Description",
                                           max_length=5000, required=False, multiline=True)
    if "unit" in given:
        values["unit"] = given["unit"]
    if "pack_size" in given:
        try:
            size = Decimal(str(given["pack_size"]))
            ok = size.is_finite() and Decimal("0.001") <= size <= Decimal(10_000)
        except InvalidOperation:
            ok = False
        check.check(ok, "packSize", "Pack size must be between 0.001 and 10000")
        if ok:
            values["pack_size"] = size.quantize(Decimal("0.001"))
    if "net_weight_grams" in given:
        check.check(1 <= given["net_weight_grams"] <= 1_000_000, "netWeightGrams", "Net weight must be 1 to 1000000 grams")
        values["net_weight_grams"] = given["net_weight_grams"]
    if "price" in given:
        check.check(1 <= given["price"] <= MAX_PRICE, "price", f"Price must be 1 to {MAX_PRICE} rupiah")
        values["price"] = given["price"]
    if "stock" in given:
        check.check(0 <= given["stock"] <= MAX_STOCK, "stock", f"Stock must be 0 to {MAX_STOCK}")
        values["stock"] = given["stock"]
    if "is_active" in given:
        values["is_active"] = given["is_active"]
    if "image_urls" in given:
        urls = given["image_urls"]
        check.check(len(urls) <= 10, "imageUrls", "At most 10 images")
        for url in urls:
            fault = public_https_url_fault(url)
            check.check(fault is None, "imageUrls", f"Image URL {url[:80]!r} {fault}")
        values["image_urls"] = list(urls)
    check.raise_if_any()
    return values


async def create_product(user: User | None, shop_id: int, draft: ProductDraft) -> Product:
    shop = await get_owned_shop(user, shop_id)
    values = await _clean(draft, creating=True)
    async with in_transaction():
        product = await Product.create(shop=shop, **values)
        await _record_price(product, user)
    await changes.changed(Entity.PRODUCT)
    return product


async def get_owned_product(user: User | None, product_id: int) -> Product:
    seller = require_role(user, Role.SELLER)
    product = await Product.get_or_none(id=product_id).select_related("shop")
    if product is None or product.shop.owner_id != seller.id:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.NOT_FOUND, "No product of yours has this id", "productId")
    return product


async def update_product(user: User | None, product_id: int, draft: ProductDraft) -> Product:
    product = await get_owned_product(user, product_id)
    values = await _clean(draft, creating=False)
    if values:
        before = _price_of(product)
        product.update_from_dict(values)
        async with in_transaction():
            await product.save()
            if _price_of(product) != before:
                await _record_price(product, user)
        await changes.changed(Entity.PRODUCT)
    return product


def _price_of(product: Product) -> tuple[int, tuple[int, str] | None]:
    return product.price, price_per_base_unit(product)


async def _record_price(product: Product, user: User | None) -> None:
    """Every price a product has, for the city's price watch (city/price_watch.py); in the caller's transaction."""
    per = price_per_base_unit(product)
    await PriceChange.create(product_id=product.id, price=product.price, unit_price=per[0] if per else None,
                             per=PriceUnit(per[1]) if per else None, changed_by_id=user.id if user else None)


async def set_stock(user: User | None, product_id: int, stock: int) -> Product:
    product = await get_owned_product(user, product_id)
    if not 0 <= stock <= MAX_STOCK:
        raise DomainError(ErrorCode.INVALID, f"Stock must be 0 to {MAX_STOCK}", "stock")
    await Product.filter(id=product.id).update(stock=stock)
    await changes.changed(Entity.PRODUCT)
    product.stock = stock
    return product


def price_per_base_unit(product: Product) -> tuple[int, str] | None:
    """Price per kg or per litre in whole rupiah, rounded half up (as the analytics SQL does), so packs of different
    sizes compare; None when unknowable."""
    if product.unit == ProductUnit.LITRE:
        return _half_up(Decimal(product.price) / Decimal(product.pack_size)), "LITRE"
    if product.unit == ProductUnit.KG:
        return _half_up(Decimal(product.price) / Decimal(product.pack_size)), "KG"
    if product.net_weight_grams:
        return _half_up(Decimal(product.price) * 1000 / product.net_weight_grams), "KG"
    return None


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def can_see_product(user: User | None, product: Product) -> bool:
    """Buyers see active products of verified shops; the owner and the city see every product."""
    shop = product.shop
    if is_city(user) or (user is not None and shop.owner_id == user.id):  # type: ignore[attr-defined]
        return True
    return product.is_active and shop.status == ShopStatus.VERIFIED and can_see_shop(user, shop)


class ProductSort(enum.Enum):
    NEWEST = "NEWEST"
    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"
    RATING = "RATING"


_ORDERING = {
    ProductSort.NEWEST: ("-created_at", "-id"),
    ProductSort.PRICE_ASC: ("price", "id"),
    ProductSort.PRICE_DESC: ("-price", "id"),
    ProductSort.RATING: ("-rating", "-review_count", "id"),
}


@dataclass
class ProductFilter:
    category: str | None = None
    shop_id: int | None = None
    kecamatan: str | None = None
    min_price: int | None = None
    max_price: int | None = None
    text: str | None = None
    in_stock: bool | None = None
    badge: CertificateKind | None = None  # only products showing this certificate's badge today


def _listing_query(flt: ProductFilter) -> QuerySet[Product]:
    """The storefront: active products of verified shops, filtered (the filter checked); _ORDERING gives its orders."""
    check = Validator(["filter"])
    query = Product.filter(is_active=True, shop__status=ShopStatus.VERIFIED)
    if flt.category is not None:
        if flt.category not in CATEGORY_SLUGS:
            check.add("category", f"{flt.category!r} is not a category slug")
        else:  # the category and its children, inside the listing's own statement
            tree = Category.filter(Q(slug=flt.category) | Q(parent__slug=flt.category)).values("id")
            query = query.filter(category_id__in=Subquery(tree))
    if flt.shop_id is not None:
        query = query.filter(shop_id=flt.shop_id)
    if flt.kecamatan is not None:
        kecamatan = canonical_kecamatan(flt.kecamatan)
        if kecamatan is None:
            check.add("kecamatan", f"{flt.kecamatan!r} is not a kecamatan of Kota Malang")
        query = query.filter(shop__kecamatan=kecamatan)
    if flt.min_price is not None:
        query = query.filter(price__gte=flt.min_price)
    if flt.max_price is not None:
        query = query.filter(price__lte=flt.max_price)
    if flt.min_price is not None and flt.max_price is not None and flt.min_price > flt.max_price:
        check.add("minPrice", "minPrice must not exceed maxPrice")
    if flt.text is not None:
        text = flt.text.strip()
        check.check(len(text) <= 100, "text", "Search text must have at most 100 characters")
        if text:
            query = query.filter(Q(name__icontains=text) | Q(description__icontains=text))
    if flt.in_stock is True:
        query = query.filter(stock__gt=0)
    elif flt.in_stock is False:
        query = query.filter(stock=0)
    if flt.badge is not None:
        query = with_badge(query, flt.badge)
    check.raise_if_any()
    return query


class ListingRow:
    """A listing row as plain attributes: only the columns asked for (and `shop`, a ListingRow of the shop's columns,
    when those were asked for). Reading a few columns into these costs a fraction of building whole models."""

    def __init__(self, values: dict[str, object]) -> None:
        self.__dict__ = values


async def product_page(flt: ProductFilter, sort: ProductSort, window: Window, *, columns: Sequence[str] | None = None,
                       shop_columns: Sequence[str] | None = None, with_shop: bool = False) -> Page[Any]:
    """A page of the storefront. Given columns, ListingRows of these product columns (and, given, these of its shop,
    as `row.shop`; see listing_rows); otherwise whole Products, each with its Shop as `product.shop` when with_shop."""
    order = _ORDERING[sort]
    if columns is None:
        return await page_of(_listing_query(flt), window, order, _with_shop if with_shop else None)
    if window.size == 0:
        _listing_query(flt)  # the filter is checked all the same
        rows: list[ListingRow] = []
    else:
        rows = await listing_rows(flt, sort, window, columns, shop_columns)
    kept = rows[:window.size]
    return Page(window=window, rows=kept, has_more=len(rows) > window.size,
                count_total=lambda: _listing_query(flt).count(), keys=[key_of(row, order) for row in kept])


async def _with_shop(query: QuerySet[Product], offset: int, limit: int) -> list[Product]:
    return await query.select_related("shop").offset(offset).limit(limit)


@dataclass(frozen=True)
class _Statement:
    sql: str
    convert: tuple[tuple[int, Callable[[Any], Any]], ...]  # the columns the driver does not already answer as Python wants


# A listing's SQL depends only on which filters are given (not on their values), the sort, the columns and the
# database; building it through the ORM costs more than running it, so each shape's text is kept once it is proven.
_statements: dict[tuple[object, ...], _Statement] = {}
LISTING_STATEMENTS = Counter("umkm_listing_statements_total",
                             "Storefront listing statements: reused (a proven shape's text) or built through the ORM",
                             ["outcome"])


async def listing_rows(flt: ProductFilter, sort: ProductSort, window: Window,
                       columns: Sequence[str], shop_columns: Sequence[str] | None = None) -> list[ListingRow]:
    """The window's rows (and one more, to tell whether another page follows) of the listing of this filter and sort,
    with these product columns (and the sort key's) and, given, these of its shop, read in the listing's one statement
    (its text kept per shape, the shape being the filter's, the sort's and the window's kind alone)."""
    order = _ORDERING[sort]
    query = _listing_query(flt).order_by(*order)
    if window.after is not None:
        query = query.filter(after_key(Product, order, window.after))
    offset, limit = (window.offset if window.after is None else 0), window.size + 1
    columns = [*columns, *(name for name in (field.lstrip("-") for field in order) if name not in columns)]
    names = [*columns, *(f"shop__{column}" for column in shop_columns or ())]
    db = connection_of(Product)
    params = _listing_params(flt, window.after, offset, limit)
    key = (db.capabilities.dialect, _filter_shape(flt), sort, offset > 0, window.after is not None, *names)
    statement = _statements.get(key) if params is not None else None
    LISTING_STATEMENTS.labels("built" if statement is None else "reused").inc()
    if statement is None:
        values = query.offset(offset).limit(limit).values_list(*names)
        statement = _Statement(values.sql(), tuple((i, values.resolve_to_python_value(Product, name))
                                                   for i, name in enumerate(names) if not _native(name)))
        built = list(values.query.get_parameterized_sql()[1])
        if params is not None and _typed(built) == _typed(params) and _distinct(flt, window.after, params):
            _statements[key] = statement  # each value landed where _listing_params puts it: the shape is proven
        params = built
    _, result = await db.execute_query(statement.sql, params)
    rows: Sequence[Sequence[Any]] = [_converted(row, statement.convert) for row in result] if statement.convert else result
    if shop_columns is None:
        return [ListingRow(dict(zip(columns, row))) for row in rows]
    count, listing = len(columns), []
    for row in rows:
        product = dict(zip(columns, row))  # zip stops at the product's columns; the shop's follow
        product["shop"] = ListingRow(dict(zip(shop_columns, islice(row, count, None))))
        listing.append(ListingRow(product))
    return listing


def _converted(row: Sequence[Any], convert: tuple[tuple[int, Callable[[Any], Any]], ...]) -> list[Any]:
    values = list(row)
    for i, to_python in convert:
        values[i] = to_python(values[i])
    return values


def _native(name: str) -> bool:
    """Whether the database driver already answers this listing column as the model's Python value."""
    model, field = (Shop, name.removeprefix("shop__")) if name.startswith("shop__") else (Product, name)
    return field in natively_typed_fields(model)


def _filter_shape(flt: ProductFilter) -> tuple[object, ...]:
    return tuple(getattr(flt, f.name) if f.name == "in_stock" else getattr(flt, f.name) is None for f in fields(flt))


def _listing_params(flt: ProductFilter, after: Key | None, offset: int, limit: int) -> list[object] | None:
    """The statement's parameters, in _listing_query's order; None for a search (its pattern is the ORM's to escape)
    and for a badge (its date moves)."""
    if flt.text is not None or flt.badge is not None:
        return None
    params: list[object] = [True, ShopStatus.VERIFIED.value]
    if flt.category is not None:
        params += [flt.category, flt.category]
    if flt.shop_id is not None:
        params.append(flt.shop_id)
    if flt.kecamatan is not None:
        params.append(canonical_kecamatan(flt.kecamatan))
    params += [value for value in (flt.min_price, flt.max_price) if value is not None]
    if flt.in_stock is not None:
        params.append(0)
    if after is not None:
        params += key_params(after)
    params.append(limit)
    if offset:
        params.append(offset)
    return params


def _typed(params: list[object]) -> list[tuple[type, object]]:
    return [(type(value), value) for value in params]  # so that 1 and True differ


def _distinct(flt: ProductFilter, after: Key | None, params: list[object]) -> bool:
    """Whether every parameter differs from the others (but for the category's two, and the sort key's repeats), so
    that matching the ORM's parameters proves where each one goes, for any values."""
    typed = _typed(params)
    if after is not None:  # key_params binds each key value once more in each later step: keep the step's new one
        bound = len(key_params(after))
        start = len(typed) - 1 - bound  # the key's values come last but for the limit (a keyset page has no offset)
        typed[start:start + bound] = [typed[start + i * (i + 1) // 2 + i] for i in range(len(after))]
    if flt.category is not None:
        del typed[2]
    return len(set(typed)) == len(typed)


async def return_stock(product_id: int, quantity: int) -> None:
    await Product.filter(id=product_id).update(stock=F("stock") + quantity)
