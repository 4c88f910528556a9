"""What is trending, as buyers see it: in the city, a kecamatan or a category, and among the ASN of their own OPD."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from umkm_graph.catalog.graphql.types import ProductType, load_product
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.pagination import Connection, asked_window, connection
from umkm_graph.graphql_engine.response_cache import public_data
from umkm_graph.growth import trending
from umkm_graph.growth.models import TrendingProduct


@strawberry.type(name="TrendingProduct", description=(
    "A product trending in the latest computation (the jobs refresh it every UMKM_TRENDING_REFRESH_SECONDS): its "
    "distinct recent buyers, weighted by how recent, against its usual level. Each buyer counts once; the shop's "
    "owner never does."))
class TrendingProductType:
    recent_buyers: int = strawberry.field(metadata=public_data(), description=(
        "Distinct buyers in the last UMKM_TRENDING_WINDOW_DAYS (at least UMKM_TRENDING_MIN_BUYERS)."))
    score: float = strawberry.field(metadata=public_data(), description="Higher is hotter; the list's order.")
    product_id: strawberry.Private[int]

    @strawberry.field(metadata=public_data())
    async def product(self, info: Info[Context, None]) -> ProductType | None:
        """Null if it can no longer be seen (rare: the list already leaves out products hidden since)."""
        return await load_product(info, self.product_id)

    @classmethod
    def from_model(cls, row: TrendingProduct) -> TrendingProductType:
        return cls(recent_buyers=row.buyers, score=row.score, product_id=row.product_id)  # type: ignore[attr-defined]


@strawberry.type
class TrendingQuery:
    @strawberry.field(metadata=public_data(), description=(
        "What is trending now, hottest first: in the whole city, or among the shops of one kecamatan, or in one "
        "category (a parent category includes its children)."))
    async def trending_products(
        self, info: Info[Context, None], kecamatan: str | None = None, category: str | None = None,
        first: int | None = None, after: str | None = None,
    ) -> Connection[TrendingProductType]:
        page = await trending.trending_page(asked_window(info, first, after), kecamatan, category)
        return connection(page, TrendingProductType.from_model)

    @strawberry.field(description=(
        "What the ASN of your own OPD buy, hottest first: for a signed-in ASN only, and only products that at least "
        "UMKM_MIN_GROUP_SIZE of them bought recently."))
    async def popular_in_my_opd(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None,
    ) -> Connection[TrendingProductType]:
        opd = trending.opd_of(await info.context.user())
        page = await trending.trending_page(asked_window(info, first, after), opd=opd)
        return connection(page, TrendingProductType.from_model)
