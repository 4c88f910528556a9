"""productSearch: the storefront searched, with its facets and "did you mean"; each part read only when selected, the
products and the facets from one search (catalog.search.search_results) shared by their resolvers."""

from __future__ import annotations

import asyncio

import strawberry
from strawberry.types import Info

from umkm_graph.catalog import listing, search
from umkm_graph.catalog.graphql.types import ProductType, product_connection
from umkm_graph.core.paging import Window
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.pagination import Connection, asked_window
from umkm_graph.graphql_engine.response_cache import public_data


@strawberry.type(description="How many listings of the search have this value.")
class FacetCount:
    value: str = strawberry.field(metadata=public_data(), description=(
        "A category slug, a kecamatan, or a price band's lowest price in rupiah (the band ends below the next one's)."))
    count: int = strawberry.field(metadata=public_data())


@strawberry.type(description="Counts over every listing the search matches, across all pages.")
class SearchFacets:
    categories: list[FacetCount] = strawberry.field(metadata=public_data())
    kecamatan: list[FacetCount] = strawberry.field(metadata=public_data())
    price_bands: list[FacetCount] = strawberry.field(metadata=public_data())


def _counts(counts: list[search.FacetCount]) -> list[FacetCount]:
    return [FacetCount(value=c.value, count=c.count) for c in counts]


@strawberry.type(description="A search of the storefront: its listings, their facets, and a suggestion when none match.")
class ProductSearch:
    flt: strawberry.Private[listing.ProductFilter]
    sort: strawberry.Private[listing.ProductSort]
    window: strawberry.Private[Window]
    candidates: strawberry.Private[int]
    searched: strawberry.Private[asyncio.Future[search.SearchResult] | None] = None

    async def _result(self) -> search.SearchResult:
        if self.searched is None:  # the first resolver to ask starts the search; the others await the same one
            self.searched = asyncio.ensure_future(search.search_results(self.flt, self.sort, self.window,
                                                                        self.candidates))
        return await self.searched

    @strawberry.field(metadata=public_data())
    async def products(self) -> Connection[ProductType]:
        return product_connection((await self._result()).page)

    @strawberry.field(metadata=public_data(), description="Counts over the listings the search ranks (see capped).")
    async def facets(self) -> SearchFacets:
        found = (await self._result()).facets
        return SearchFacets(categories=_counts(found.categories), kecamatan=_counts(found.kecamatan),
                            price_bands=_counts(found.price_bands))

    @strawberry.field(metadata=public_data(), description=(
        "Whether more listings match than a search ranks (500 unless the city sets UMKM_SEARCH_CANDIDATES: the "
        "newest that match; in another sort, the first in it): then products, totalCount and facets cover those only, and the counts are "
        "lower bounds. Narrow the search (more words, a category, a kecamatan) to see the rest."))
    async def capped(self) -> bool:
        return (await self._result()).capped

    @strawberry.field(metadata=public_data(), description="When nothing matches: the words listings use that were "
                      "likely meant (e.g. 'bers' -> 'beras'); otherwise null.")
    async def did_you_mean(self) -> str | None:
        return await search.did_you_mean(self.flt)


def product_search(info: Info[Context, None], flt: listing.ProductFilter, sort: listing.ProductSort,
                   first: int | None, after: str | None) -> ProductSearch:
    listing.check_filter(flt)
    return ProductSearch(flt=flt, sort=sort, window=asked_window(info, first, after),
                         candidates=info.context.settings.search_candidates)
