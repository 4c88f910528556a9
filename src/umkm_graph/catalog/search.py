"""The storefront searched: a page of the listings matching what was typed (with the listing's filters and sorts, or
by relevance), its facets (counts by category, kecamatan and price band) and "did you mean".

A search ranks at most SEARCH_CANDIDATES listings, read in one statement: in the sort's order, or for RELEVANCE the
newest that match, in the index's own order (SQLite's FTS5 rowids, PostgreSQL's primary key), so that the index stops
after them instead of scoring every match (a word such as "beras" matches a fifth of a city's catalogue). Each
candidate comes with its relevance (search_query.relevance), category, kecamatan and price band; the page, the
count and the facets are worked out over these few hundred rows, and the page's products and shops are read in a
second statement. When more match, SearchResult.capped says so: the counts then cover the candidates only.
Both databases take the same candidates, so they rank alike even then. Three statements whatever the page size: the
vocabulary look-up, the candidates, the page's products."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from umkm_graph.catalog.listing import ProductFilter, ProductSort, check_filter
from umkm_graph.catalog.models import Product
from umkm_graph.catalog.nearby import located, near_conditions, squared_km
from umkm_graph.catalog.search_query import Query, Sql, fts_drives, match_condition, relevance, understand
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.core.orm_compat import attach_related, connection_of, from_row, loaded_columns
from umkm_graph.core.paging import Page, Window
from umkm_graph.core.regions import canonical_kecamatan
from umkm_graph.core.wib import today_wib
from umkm_graph.shops.models import CertificateStatus, Shop, ShopStatus

SEARCH_CANDIDATES = 500  # listings a search ranks at most unless told (Settings.search_candidates; pages of 20: 25)
# Upper bounds of the price bands (rupiah, exclusive); the last band is open.
PRICE_BANDS = (10_000, 25_000, 50_000, 100_000, 250_000)
_ORDER = {
    ProductSort.NEWEST: "p.created_at DESC, p.id DESC",
    ProductSort.PRICE_ASC: "p.price ASC, p.id ASC",
    ProductSort.PRICE_DESC: "p.price DESC, p.id ASC",
    ProductSort.RATING: "p.rating DESC, p.review_count DESC, p.id ASC",
    ProductSort.UNIT_PRICE_ASC: "p.unit_price ASC, p.id ASC",
    ProductSort.DISTANCE: "distance ASC, p.id ASC",
}
_JOINS = (" JOIN shops s ON s.id = p.shop_id JOIN product_search ps ON ps.product_id = p.id"
          " JOIN categories c ON c.id = p.category_id")
_FROM = " FROM products p" + _JOINS
_FROM_FTS = " FROM product_search_fts JOIN products p ON p.id = product_search_fts.rowid" + _JOINS


def _from(sql: Sql, query: Query) -> str:
    return _FROM_FTS if fts_drives(sql, query) else _FROM


def _candidate_order(sql: Sql, query: Query, sort: ProductSort) -> str:
    """The sort's order; for RELEVANCE the index's own, newest first (relevance is then worked out over these)."""
    if sort is not ProductSort.RELEVANCE:
        return _ORDER[sort]
    return "product_search_fts.rowid DESC" if fts_drives(sql, query) else "p.id DESC"


@dataclass(frozen=True)
class FacetCount:
    value: str  # a category slug, a kecamatan, or a price band's lower bound in rupiah
    count: int


@dataclass(frozen=True)
class Facets:
    categories: list[FacetCount]
    kecamatan: list[FacetCount]
    price_bands: list[FacetCount]  # value: the band's lowest price; each band ends below the next one's


@dataclass(frozen=True)
class SearchResult:
    page: Page[Product]
    facets: Facets
    capped: bool  # more than SEARCH_CANDIDATES matched: the page, the count and the facets cover these only


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


# A candidate: (id, relevance, category slug, kecamatan, price band); plain tuples, as hundreds are read per search.
_Candidate = tuple[int, int, str, str, int]


async def _candidates(sql: Sql, flt: ProductFilter, query: Query, sort: ProductSort, cap: int) -> list[_Candidate]:
    """One more than `cap` at most, in the sort's order (RELEVANCE: the relevance's among the first `cap`, ties by
    id)."""
    score = relevance(sql, query)  # its parameters come first, as the expressions do in the statement
    distance = "" if flt.near is None else f", {squared_km(sql, flt.near)} AS distance"  # DISTANCE sorts by it
    band = "CASE " + " ".join(f"WHEN p.price < {upper} THEN {lower}"  # constants of ours, written in the text
                              for lower, upper in zip((0, *PRICE_BANDS), PRICE_BANDS)) + f" ELSE {PRICE_BANDS[-1]} END"
    statement = (f"SELECT p.id, {score} AS relevance, c.slug, s.kecamatan, {band}{distance}{_from(sql, query)}"
                 f"{_where(sql, flt, query, sort)} ORDER BY {_candidate_order(sql, query, sort)}"
                 f" LIMIT {sql.param(cap + 1)}")
    _, rows = await connection_of(Product).execute_query(statement, sql.params)
    found: list[_Candidate] = [tuple(row)[:5] for row in rows]  # type: ignore[misc]
    if sort is ProductSort.RELEVANCE and query.terms:
        return sorted(found[:cap], key=lambda c: (-c[1], c[0])) + found[cap:]
    if sort is ProductSort.RELEVANCE:  # no words to weigh (a category word, a size): every relevance is 0
        return sorted(found[:cap]) + found[cap:]
    return found


def _facets(candidates: Sequence[_Candidate]) -> Facets:
    def by_count(counts: Counter[str]) -> list[FacetCount]:
        return sorted((FacetCount(value, n) for value, n in counts.items()), key=lambda f: (-f.count, f.value))
    bands = Counter(c[4] for c in candidates)
    return Facets(by_count(Counter(c[2] for c in candidates)), by_count(Counter(c[3] for c in candidates)),
                  [FacetCount(str(band), bands[band]) for band in sorted(bands)])


async def _products(ids: Sequence[int]) -> list[Product]:
    """These products, each with its shop loaded, in this order: one statement."""
    if not ids:
        return []
    client = connection_of(Product)
    sql, products, shops = Sql(client), loaded_columns(Product), loaded_columns(Shop)
    columns = ", ".join([f'p."{c}"' for c in products] + [f's."{c}" AS "shop.{c}"' for c in shops])
    # PostgreSQL: one array parameter, so that every page size shares one prepared statement
    wanted = f"= ANY({sql.param(list(ids))}::int[])" if sql.postgres else f"IN ({', '.join(sql.param(i) for i in ids)})"
    rows = await client.execute_query_dict(
        f"SELECT {columns} FROM products p JOIN shops s ON s.id = p.shop_id WHERE p.id {wanted}", sql.params)
    found = {}
    for row in rows:
        product = from_row(Product, {c: row[c] for c in products})
        attach_related(product, "shop", from_row(Shop, {c: row[f"shop.{c}"] for c in shops}))
        found[product.id] = product
    return [found[i] for i in ids if i in found]


async def search_results(flt: ProductFilter, sort: ProductSort, window: Window,
                         candidates: int = SEARCH_CANDIDATES) -> SearchResult:
    """The page of the listings matching flt.text (or near flt.near), each with its shop, in `sort` (RELEVANCE: the
    best match first, ties by id), and the facets, over the search's candidates. Paged by offset: a relevance is no
    column a keyset cursor could hold. `candidates`: how many it ranks at most."""
    if window.after is not None:
        raise DomainError(ErrorCode.INVALID, "This cursor belongs to a listing without search text", "after")
    sql, query = await _understood(flt, sort)
    found = [] if query.empty and flt.near is None else await _candidates(sql, flt, query, sort, candidates)
    capped, ranked = len(found) > candidates, found[:candidates]
    shown = ranked[window.offset:window.offset + window.size]
    products = await _products([c[0] for c in shown])
    if flt.near is not None:
        for product in products:
            located(product, flt.near)

    async def count() -> int:
        return len(ranked)
    page = Page(window=window, rows=products, has_more=len(ranked) > window.offset + window.size,
                count_total=count, keys=None)
    return SearchResult(page, _facets(ranked), capped)


async def search_page(flt: ProductFilter, sort: ProductSort, window: Window,
                      candidates: int = SEARCH_CANDIDATES) -> Page[Product]:
    """search_results' page."""
    return (await search_results(flt, sort, window, candidates)).page


async def search_facets(flt: ProductFilter, candidates: int = SEARCH_CANDIDATES) -> Facets:
    """Counts over the search's candidates (every match unless capped): by category, the shop's kecamatan, price band."""
    return (await search_results(flt, ProductSort.RELEVANCE, Window(offset=0, size=0), candidates)).facets


async def did_you_mean(flt: ProductFilter) -> str | None:
    """When the search finds nothing, the query with its unknown words replaced by the likeliest listed ones."""
    sql, query = await _understood(flt)
    if query.empty:
        return None
    suggestion = query.suggestion()
    if suggestion is None:
        return None
    _, rows = await connection_of(Product).execute_query(f"SELECT 1{_from(sql, query)}{_where(sql, flt, query)} LIMIT 1",
                                                         sql.params)
    return None if rows else suggestion
