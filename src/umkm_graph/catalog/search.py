"""The storefront searched: a page of the listings matching what was typed (with the listing's filters and sorts, or
by relevance), its facets (counts by category, kecamatan and price band) and "did you mean". A fixed number of
statements whatever the page size: the vocabulary look-up, the page, its products; the facets and the count when asked."""

from __future__ import annotations

from dataclasses import dataclass

from umkm_graph.catalog.listing import ProductFilter, ProductSort, check_filter
from umkm_graph.catalog.models import Product
from umkm_graph.catalog.nearby import located, near_conditions, squared_km
from umkm_graph.catalog.search_query import Query, Sql, match_condition, relevance, understand
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.core.orm_compat import connection_of
from umkm_graph.core.paging import Page, Window
from umkm_graph.core.regions import canonical_kecamatan
from umkm_graph.core.wib import today_wib
from umkm_graph.shops.models import CertificateStatus, ShopStatus

# Upper bounds of the price bands (rupiah, exclusive); the last band is open.
PRICE_BANDS = (10_000, 25_000, 50_000, 100_000, 250_000)
_ORDER = {
    ProductSort.NEWEST: "p.created_at DESC, p.id DESC",
    ProductSort.PRICE_ASC: "p.price ASC, p.id ASC",
    ProductSort.PRICE_DESC: "p.price DESC, p.id ASC",
    ProductSort.RATING: "p.rating DESC, p.review_count DESC, p.id ASC",
    ProductSort.UNIT_PRICE_ASC: "p.unit_price ASC, p.id ASC",
    ProductSort.RELEVANCE: "relevance DESC, p.id ASC",
    ProductSort.DISTANCE: "distance ASC, p.id ASC",
}
_FROM = " FROM products p JOIN shops s ON s.id = p.shop_id JOIN product_search ps ON ps.product_id = p.id"


@dataclass(frozen=True)
class FacetCount:
    value: str  # a category slug, a kecamatan, or a price band's lower bound in rupiah
    count: int


@dataclass(frozen=True)
class Facets:
    categories: list[FacetCount]
    kecamatan: list[FacetCount]
    price_bands: list[FacetCount]  # value: the band's lowest price; each band ends below the next one's


def is_search(flt: ProductFilter) -> bool:
    """Whether this listing is this module's to answer: it has search text, or a point to be near."""
    return bool(flt.text and flt.text.strip()) or flt.near is not None


def _where(sql: Sql, flt: ProductFilter, query: Query, sort: ProductSort | None = None) -> str:
    """The storefront's conditions (catalog.listing's, as SQL) and the query's."""
    conditions = [f"p.is_active = {sql.param(True)}", f"s.status = {sql.param(ShopStatus.VERIFIED.value)}"]
    if flt.category is not None:
        conditions.append("p.category_id IN (SELECT c.id FROM categories c LEFT JOIN categories up ON up.id = c.parent_id"
                          f" WHERE c.slug = {sql.param(flt.category)} OR up.slug = {sql.param(flt.category)})")
    if flt.shop_id is not None:
        conditions.append(f"p.shop_id = {sql.param(flt.shop_id)}")
    if flt.kecamatan is not None:
        conditions.append(f"s.kecamatan = {sql.param(canonical_kecamatan(flt.kecamatan))}")
    for column, op, value in (("p.price", ">=", flt.min_price), ("p.price", "<=", flt.max_price),
                              ("p.unit_price", ">=", flt.min_unit_price), ("p.unit_price", "<=", flt.max_unit_price)):
        if value is not None:
            conditions.append(f"{column} {op} {sql.param(value)}")
    if flt.unit_price_per is not None:
        conditions.append(f"p.unit_price_per = {sql.param(flt.unit_price_per.value)}")
    if flt.in_stock is True:
        conditions.append("p.stock > 0")
    elif flt.in_stock is False:
        conditions.append("p.stock = 0")
    if sort is ProductSort.UNIT_PRICE_ASC or flt.min_unit_price is not None or flt.max_unit_price is not None:
        conditions.append("p.unit_price IS NOT NULL")
    if flt.near is not None:
        conditions += near_conditions(sql, flt.near)
    if flt.badge is not None:  # catalog.certificates.with_badge, as SQL
        conditions.append(
            "p.id IN (SELECT pc.product_id FROM product_certificates pc JOIN shop_certificates sc ON sc.id = "
            f"pc.certificate_id WHERE sc.kind = {sql.param(flt.badge.value)} AND sc.status = "
            f"{sql.param(CertificateStatus.VERIFIED.value)} AND (sc.valid_until IS NULL OR sc.valid_until >= "
            f"{sql.param(today_wib())}))")
    conditions += match_condition(sql, query)
    return " WHERE " + " AND ".join(conditions)


async def _understood(flt: ProductFilter, sort: ProductSort | None = None) -> tuple[Sql, Query]:
    check_filter(flt, sort)
    client = connection_of(Product)
    return Sql(client), await understand(client, (flt.text or "").strip())


async def search_page(flt: ProductFilter, sort: ProductSort, window: Window) -> Page[Product]:
    """A page of the listings matching flt.text, each with its shop, in `sort` (RELEVANCE: the best match first, ties
    by id). Paged by offset: a relevance is no column a keyset cursor could hold."""
    if window.after is not None:
        raise DomainError(ErrorCode.INVALID, "This cursor belongs to a listing without search text", "after")
    sql, query = await _understood(flt, sort)
    client = connection_of(Product)

    async def count() -> int:
        counting = Sql(client)
        _, rows = await client.execute_query(f"SELECT COUNT(*){_FROM}{_where(counting, flt, query)}", counting.params)
        return int(tuple(rows[0])[0])

    if window.size == 0 or (query.empty and flt.near is None):
        return Page(window=window, rows=[], has_more=False, count_total=count, keys=None)
    score = relevance(sql, query)  # its parameters come first, as the expressions do in the statement
    distance = "0" if flt.near is None else squared_km(sql, flt.near)
    where = _where(sql, flt, query, sort)
    statement = (f"SELECT p.id, {score} AS relevance, {distance} AS distance{_FROM}{where} ORDER BY {_ORDER[sort]}"
                 f" LIMIT {sql.param(window.size + 1)} OFFSET {sql.param(window.offset)}")
    _, rows = await client.execute_query(statement, sql.params)
    ids = [tuple(row)[0] for row in rows]
    found = {p.id: p for p in await Product.filter(id__in=ids[:window.size]).select_related("shop")}
    products = [found[i] for i in ids[:window.size] if i in found]
    if flt.near is not None:
        for product in products:
            located(product, flt.near)
    return Page(window=window, rows=products, has_more=len(ids) > window.size, count_total=count, keys=None)


async def search_facets(flt: ProductFilter) -> Facets:
    """Counts over every listing the search matches (all pages): by category, by the shop's kecamatan, by price band;
    one statement."""
    sql, query = await _understood(flt)
    if query.empty and flt.near is None:
        return Facets([], [], [])
    band = "CASE " + " ".join(f"WHEN p.price < {upper} THEN {lower}"  # constants of ours, written in the text
                              for lower, upper in zip((0, *PRICE_BANDS), PRICE_BANDS)) + f" ELSE {PRICE_BANDS[-1]} END"
    hits = f"SELECT c.slug AS category, s.kecamatan AS kecamatan, {band} AS band{_FROM}" \
           f" JOIN categories c ON c.id = p.category_id{_where(sql, flt, query)}"
    statement = (f"WITH hits AS ({hits})"
                 " SELECT 'category', category, COUNT(*) FROM hits GROUP BY category"
                 " UNION ALL SELECT 'kecamatan', kecamatan, COUNT(*) FROM hits GROUP BY kecamatan"
                 " UNION ALL SELECT 'band', CAST(band AS TEXT), COUNT(*) FROM hits GROUP BY band")
    _, rows = await connection_of(Product).execute_query(statement, sql.params)
    found: dict[str, list[FacetCount]] = {"category": [], "kecamatan": [], "band": []}
    for kind, value, count in (tuple(row) for row in rows):
        found[kind].append(FacetCount(str(value), int(count)))
    by_count = lambda counts: sorted(counts, key=lambda c: (-c.count, c.value))  # noqa: E731
    return Facets(by_count(found["category"]), by_count(found["kecamatan"]),
                  sorted(found["band"], key=lambda c: int(c.value)))


async def did_you_mean(flt: ProductFilter) -> str | None:
    """When the search finds nothing, the query with its unknown words replaced by the likeliest listed ones."""
    sql, query = await _understood(flt)
    if query.empty:
        return None
    suggestion = query.suggestion()
    if suggestion is None:
        return None
    _, rows = await connection_of(Product).execute_query(f"SELECT 1{_FROM}{_where(sql, flt, query)} LIMIT 1", sql.params)
    return None if rows else suggestion
