"""The city's programmes as analysts and officers see them: each with what it reached, under k-anonymity."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from umkm_graph.city import programmes
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.promotions.graphql.operations import promotion_types
from umkm_graph.promotions.graphql.types import PromotionType


@strawberry.type(name="ProgrammeFigures", description=(
    "What a city programme reached, counting orders not cancelled. A programme used by 1 to k-1 buyers "
    "(UMKM_MIN_GROUP_SIZE) is suppressed: every figure null."))
class ProgrammeFiguresType:
    programme: PromotionType
    suppressed: bool
    spend: Rupiah | None = strawberry.field(description="Rupiah the city put into discounts.")
    orders: int | None = strawberry.field(description="Orders discounted.")
    buyers: int | None = strawberry.field(description="Distinct buyers.")
    umkm_reached: int | None = strawberry.field(description="Distinct shops that sold under the programme.")


@strawberry.type
class ProgrammesQuery:
    @strawberry.field(description="Every city programme, newest first, with its spend, orders, buyers and UMKM "
                                  "reached: for analysts and city officers.")
    async def city_programme_figures(self, info: Info[Context, None]) -> list[ProgrammeFiguresType]:
        figures = await programmes.programme_figures(await info.context.user(), info.context.settings.min_group_size)
        types = await promotion_types([f.programme for f in figures])
        return [ProgrammeFiguresType(programme=t, suppressed=f.suppressed,
                                     spend=None if f.spend is None else Rupiah(f.spend), orders=f.orders,
                                     buyers=f.buyers, umkm_reached=f.umkm_reached)
                for f, t in zip(figures, types, strict=True)]
