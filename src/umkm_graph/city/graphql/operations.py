"""City monitoring: ASN participation, UMKM scorecards and leaderboards, the sembako price watch and sales aggregates.

Analysts and city officers read all of it; city officers also set spend targets and reference prices; a seller reads
their own shop's scorecard; everyone else is refused (FORBIDDEN).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Protocol, TypeVar

import strawberry
from strawberry.types import Info

from umkm_graph.catalog.models import PriceUnit
from umkm_graph.city import participation, price_watch, sales, scorecards
from umkm_graph.city.analytics import Period, period_from, require_officer, require_reader
from umkm_graph.city.graphql.types import (
    AsnParticipationType,
    IntervalEnum,
    PriceChangeType,
    PriceFlagType,
    PricePointType,
    PriceUnitEnum,
    ReferencePriceType,
    SalesDimensionEnum,
    SalesReportType,
    ScorecardFigureEnum,
    SembakoPricesType,
    ShopScorecardType,
    SpendTargetType,
)
from umkm_graph.city.scorecards import ScorecardFigure
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.graphql_common.pagination import Connection, asked_window, build_connection, connection, page_window
from umkm_graph.graphql_common.scalars import Rupiah

T = TypeVar("T")


@strawberry.input(description=(
    "A calendar month (YYYY-MM), or from and to dates (both included); days are WIB. Figures about people (ASN "
    "participation, the ASN buyer share, sales) cover whole buckets only: from and to snap out to the whole months "
    "(for sales, the interval's buckets) they touch, and a bucket that has not ended shows nothing about people."
))
class PeriodInput:
    month: str | None = None
    from_: dt.date | None = strawberry.field(default=None, name="from")
    to: dt.date | None = None

    def period(self, field: str = "period") -> Period:
        return period_from(self.month, self.from_, self.to, [field])


@strawberry.input(description="A ceiling for a sembako commodity and unit, from a date on.")
class ReferencePriceInput:
    commodity: str = strawberry.field(description="A category slug under sembako: beras, minyak-goreng, telur, gula.")
    unit: PriceUnitEnum  # type: ignore[valid-type]
    price: Rupiah = strawberry.field(description="Rupiah per kg or per litre.")
    effective_from: dt.date
    variant: str = strawberry.field(default="", description=(
        "A word in a listing's name that selects this ceiling (premium, MinyaKita); empty for the general ceiling."
    ))
    note: str = strawberry.field(default="", description="Where the price comes from, e.g. a regulation.")

    def draft(self) -> price_watch.ReferencePriceDraft:
        return price_watch.ReferencePriceDraft(
            commodity=self.commodity.strip(), unit=PriceUnit(self.unit), price=self.price,
            effective_from=self.effective_from, variant=self.variant, note=self.note,
        )


@strawberry.type
class SpendTargetPayload:
    spend_target: SpendTargetType | None = None
    errors: list[UserError]


@strawberry.type
class ReferencePricePayload:
    reference_price: ReferencePriceType | None = None
    errors: list[UserError]


class _Pages(Protocol):
    """What a leaderboard and the price flags offer: one page at a time, and how many in all."""

    async def page(self, offset: int, limit: int) -> list[Any]: ...
    async def count(self) -> int: ...


async def _connection(
    info: Info[Context, None], pages: _Pages, first: int | None, after: str | None, convert: Callable[[Any], T]
) -> Connection[T]:
    settings = info.context.settings
    offset, size = page_window(first, after, default=settings.default_page_size, cap=settings.max_page_size)
    items = await pages.page(offset, size + 1) if size else []
    return build_connection(items, offset, size, convert, pages.count)


async def _reader(info: Info[Context, None]) -> int:
    """Refuse anyone but analysts and city officers; answer k, the smallest group a figure may describe."""
    require_reader(await info.context.user())
    return info.context.settings.min_group_size


@strawberry.type
class AnalyticsQuery:
    @strawberry.field(description="ASN participation per OPD and for the city: who bought from UMKM, how much, where "
                                  "and what, and against the month's spend target. Aggregates only.")
    async def asn_participation(self, info: Info[Context, None], period: PeriodInput) -> AsnParticipationType:
        k = await _reader(info)
        settle = info.context.settings.analytics_settle_days
        return AsnParticipationType.from_participation(await participation.participation(period.period(), k, settle))

    @strawberry.field(description="The monthly spend targets set so far, newest first.")
    async def spend_targets(self, info: Info[Context, None]) -> list[SpendTargetType]:
        await _reader(info)
        return [SpendTargetType.from_model(t) for t in await participation.spend_targets()]

    @strawberry.field(description="A shop's scorecard; a seller may ask for their own shop's only.")
    async def shop_scorecard(
        self, info: Info[Context, None], shop_id: strawberry.ID, period: PeriodInput
    ) -> ShopScorecardType:
        card = await scorecards.shop_scorecard(
            await info.context.user(), parse_id(shop_id, "shopId"), period.period(), info.context.settings.min_group_size,
            info.context.settings.analytics_settle_days,
        )
        return ShopScorecardType.from_scorecard(card)

    @strawberry.field(description="Shops ranked by a scorecard figure (those without it last), optionally in one "
                                  "kecamatan or among shops selling in a category.")
    async def shop_leaderboard(
        self,
        info: Info[Context, None],
        period: PeriodInput,
        kecamatan: str | None = None,
        category: Annotated[str | None, strawberry.argument(
            description="A category slug; a parent includes its children."
        )] = None,
        sort: ScorecardFigureEnum = ScorecardFigure.GMV,  # type: ignore[valid-type]
        descending: bool = True,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ShopScorecardType]:
        k = await _reader(info)
        query = scorecards.LeaderboardQuery(period.period(), kecamatan, category, sort, descending)
        board = await scorecards.leaderboard(query, k, info.context.settings.analytics_settle_days)
        return await _connection(info, board, first, after, ShopScorecardType.from_scorecard)

    @strawberry.field(description="Reference prices (ceilings), all of them or those in effect on a day.")
    async def reference_prices(
        self, info: Info[Context, None], commodity: str | None = None, in_effect_on: dt.date | None = None
    ) -> list[ReferencePriceType]:
        await _reader(info)
        found = await price_watch.reference_prices(commodity, in_effect_on)
        return [ReferencePriceType.from_model(r) for r in found]

    @strawberry.field(description="Minimum, median and maximum price per kg or litre of active sembako listings, in "
                                  "the city and per kecamatan, with how many are above their ceiling.")
    async def sembako_prices(
        self, info: Info[Context, None], commodity: str | None = None, kecamatan: str | None = None
    ) -> SembakoPricesType:
        await _reader(info)
        prices = await price_watch.sembako_prices(price_watch.PriceFilter(commodity, kecamatan))
        return SembakoPricesType.from_prices(prices)

    @strawberry.field(description="Active sembako listings above their ceiling, the most excessive first.")
    async def price_flags(
        self, info: Info[Context, None], commodity: str | None = None, kecamatan: str | None = None,
        first: int | None = None, after: str | None = None,
    ) -> Connection[PriceFlagType]:
        await _reader(info)
        flags = await price_watch.price_flags(price_watch.PriceFilter(commodity, kecamatan))
        return await _connection(info, flags, first, after, PriceFlagType.from_flag)

    @strawberry.field(description="Every price a product has had, newest first.")
    async def price_history(
        self, info: Info[Context, None], product_id: strawberry.ID, first: int | None = None, after: str | None = None
    ) -> Connection[PriceChangeType]:
        await _reader(info)
        history = await price_watch.product_history(parse_id(product_id, "productId"), asked_window(info, first, after))
        return connection(history, PriceChangeType.from_model)

    @strawberry.field(description="A commodity's prices per kg or litre at the end of each day, week or month, from "
                                  "the price history; for the city, or one kecamatan.")
    async def commodity_price_series(
        self, info: Info[Context, None], commodity: str, period: PeriodInput, interval: IntervalEnum,  # type: ignore[valid-type]
        kecamatan: str | None = None,
    ) -> list[PricePointType]:
        await _reader(info)
        points = await price_watch.price_series(period.period(), interval, price_watch.PriceFilter(commodity, kecamatan))
        return [PricePointType.from_point(p) for p in points]

    @strawberry.field(description="GMV, orders and buyers of completed orders per day, week or month, crossed with "
                                  "the dimensions asked for. People are counted by MONTH only: per DAY or WEEK, "
                                  "buyers are null (peopleWithheld) and the BUYER_TYPE dimension is refused.")
    async def sales_aggregates(
        self, info: Info[Context, None], period: PeriodInput, interval: IntervalEnum,  # type: ignore[valid-type]
        by: list[SalesDimensionEnum] | None = None,  # type: ignore[valid-type]
    ) -> SalesReportType:
        k = await _reader(info)
        options = info.context.providers.payment_options.values()
        cash = {option.method.code for option in options if option.method.cash_on_delivery}
        report = await sales.sales(period.period(), interval, by or [], k, cash,
                                   info.context.settings.analytics_settle_days)
        return SalesReportType.from_report(report)


@strawberry.type
class AnalyticsMutation:
    @strawberry.mutation(description=(
        "A city officer sets the monthly spend target for each ASN, from a month on; with a grade, for the ASN the "
        "BKPSDM roster lists at that grade (the others keep the target of every grade)."))
    async def set_spend_target(self, info: Info[Context, None], month: str, amount: Rupiah,
                               grade: str | None = None) -> SpendTargetPayload:
        return await mutate(
            info, SpendTargetPayload,
            lambda user: participation.set_spend_target(require_officer(user), month, amount, grade),
            lambda target: {"spend_target": SpendTargetType.from_model(target)},
        )

    @strawberry.mutation(description="A city officer sets a reference price (ceiling) for a commodity, from a date on.")
    async def set_reference_price(self, info: Info[Context, None], input: ReferencePriceInput) -> ReferencePricePayload:
        return await mutate(
            info, ReferencePricePayload,
            lambda user: price_watch.set_reference_price(require_officer(user), input.draft()),
            lambda price: {"reference_price": ReferencePriceType.from_model(price)},
        )
