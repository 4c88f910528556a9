"""The storefront listing: its filter and sorts, and its pages, read in one statement whose text is kept per shape."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from itertools import islice
from typing import Any

from prometheus_client import Counter
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from umkm_graph.catalog.certificates import with_badge
from umkm_graph.catalog.models import Category, PriceUnit, Product
from umkm_graph.catalog.service import CATEGORY_SLUGS, MAX_PRICE
from umkm_graph.core.errors import Validator
from umkm_graph.core.keyset import Key, after_key, key_of, key_params
from umkm_graph.core.orm_compat import connection_of, natively_typed_fields
from umkm_graph.core.paging import Page, Window, page_of
from umkm_graph.core.regions import canonical_kecamatan
from umkm_graph.shops.models import CertificateKind, Shop, ShopStatus


class ProductSort(enum.Enum):
    NEWEST = "NEWEST"
    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"
    RATING = "RATING"
    UNIT_PRICE_ASC = "UNIT_PRICE_ASC"  # the best value per kg or litre first; listings without a unit price left out
    RELEVANCE = "RELEVANCE"  # a search's best matches first; without search text, as NEWEST
    DISTANCE = "DISTANCE"  # the nearest shop first; needs filter.near


_ORDERING = {
    ProductSort.NEWEST: ("-created_at", "-id"),
    ProductSort.PRICE_ASC: ("price", "id"),
    ProductSort.PRICE_DESC: ("-price", "id"),
    ProductSort.RATING: ("-rating", "-review_count", "id"),
    ProductSort.UNIT_PRICE_ASC: ("unit_price", "id"),
    ProductSort.RELEVANCE: ("-created_at", "-id"),
    ProductSort.DISTANCE: ("-created_at", "-id"),  # never used: a DISTANCE listing is catalog.search's
}
MAX_NEAR_KM = 30.0  # Kota Malang is some 15 km across


@dataclass(frozen=True)
class Near:
    """Listings of shops within `within_km` of a point; given deliver_to (a kecamatan), only shops whose own delivery
    goes there, with their fee."""

    latitude: float
    longitude: float
    within_km: float = 5.0
    deliver_to: str | None = None


@dataclass
class ProductFilter:
    category: str | None = None
    shop_id: int | None = None
    kecamatan: str | None = None
    min_price: int | None = None
    max_price: int | None = None
    text: str | None = None
    in_stock: bool | None = None
    min_unit_price: int | None = None  # rupiah per kg or litre
    max_unit_price: int | None = None
    unit_price_per: PriceUnit | None = None
    near: Near | None = None
    badge: CertificateKind | None = None  # only products showing this certificate's badge today


def check_filter(flt: ProductFilter, sort: ProductSort | None = None) -> None:
    """Raise the filter's faults (DomainError naming each field), as a listing would."""
    _listing_query(flt, sort)


def _check_near(check: Validator, near: Near | None, sort: ProductSort | None) -> None:
    if near is None:
        check.check(sort is not ProductSort.DISTANCE, "near", "Sorting by DISTANCE needs a point: give filter.near")
        return
    check.check(-90 <= near.latitude <= 90, "near.latitude", "Latitude must be -90 to 90")
    check.check(-180 <= near.longitude <= 180, "near.longitude", "Longitude must be -180 to 180")
    check.check(0 < near.within_km <= MAX_NEAR_KM, "near.withinKm", f"withinKm must be above 0 and at most {MAX_NEAR_KM:g}")
    if near.deliver_to is not None and canonical_kecamatan(near.deliver_to) is None:
        check.add("near.deliverTo", f"{near.deliver_to!r} is not a kecamatan of Kota Malang")


def _listing_query(flt: ProductFilter, sort: ProductSort | None = None) -> QuerySet[Product]:
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
    if flt.text is not None:  # a search is catalog.search's; here it is only checked
        check.check(len(flt.text.strip()) <= 100, "text", "Search text must have at most 100 characters")
    if flt.in_stock is True:
        query = query.filter(stock__gt=0)
    elif flt.in_stock is False:
        query = query.filter(stock=0)
    for name, value in (("minUnitPrice", flt.min_unit_price), ("maxUnitPrice", flt.max_unit_price)):
        check.check(value is None or 0 <= value <= MAX_PRICE, name, f"{name} must be 0 to {MAX_PRICE} rupiah")
    if flt.min_unit_price is not None and flt.max_unit_price is not None and flt.min_unit_price > flt.max_unit_price:
        check.add("minUnitPrice", "minUnitPrice must not exceed maxUnitPrice")
    if flt.min_unit_price is not None:
        query = query.filter(unit_price__gte=flt.min_unit_price)
    if flt.max_unit_price is not None:
        query = query.filter(unit_price__lte=flt.max_unit_price)
    if flt.unit_price_per is not None:
        query = query.filter(unit_price_per=flt.unit_price_per)
    if sort is ProductSort.UNIT_PRICE_ASC:
        query = query.filter(unit_price__not_isnull=True)
    if flt.badge is not None:
        query = with_badge(query, flt.badge)
    _check_near(check, flt.near, sort)
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
        return await page_of(_listing_query(flt, sort), window, order, _with_shop if with_shop else None)
    if window.size == 0:
        _listing_query(flt, sort)  # the filter is checked all the same
        rows: list[ListingRow] = []
    else:
        rows = await listing_rows(flt, sort, window, columns, shop_columns)
    kept = rows[:window.size]
    return Page(window=window, rows=kept, has_more=len(rows) > window.size,
                count_total=lambda: _listing_query(flt, sort).count(), keys=[key_of(row, order) for row in kept])


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
    query = _listing_query(flt, sort).order_by(*order)
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
    """The statement's parameters, in _listing_query's order; None for a badge (its date moves: the ORM's each time)."""
    if flt.badge is not None:
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
    params += [value for value in (flt.min_unit_price, flt.max_unit_price) if value is not None]
    if flt.unit_price_per is not None:
        params.append(flt.unit_price_per.value)
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
