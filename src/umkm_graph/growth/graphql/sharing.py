"""Share links and referrals: createShareLink, myReferralCode, and how demand spreads as the city sees it (citySpread)."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from umkm_graph.city.analytics import Interval
from umkm_graph.city.graphql.operations import PeriodInput
from umkm_graph.city.graphql.types import IntervalEnum
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.growth import referrals, sharing, spread, spread_periods
from umkm_graph.growth.models import ShareLink


@strawberry.type(name="ShareLink", description=(
    "A link to share a product or a shop. Opening it (GET /s/<token>) is counted and leads to the product's page "
    "(/products/<id>) or the shop's (/shops/<slug>) with ?share=<token>; pass that token to checkout or checkoutCart "
    "as shareToken, and orders placed within UMKM_SHARE_ATTRIBUTION_DAYS of a visit are attributed to the link. The "
    "token names no person: only a random share id and its signature."))
class ShareLinkType:
    token: str
    path: str = strawberry.field(description="/s/<token>, on this server.")
    url: str = strawberry.field(description="The whole link, on the address this request came to.")

    @classmethod
    def of(cls, info: Info[Context, None], link: ShareLink) -> ShareLinkType:
        signer = sharing.signer_of(info.context.settings)
        path = sharing.share_path(signer, link)
        request = info.context.request
        base = str(request.base_url).rstrip("/") if request is not None else ""
        return cls(token=signer.token(link.share_id), path=path, url=base + path)


@strawberry.type
class ShareLinkPayload:
    share_link: ShareLinkType | None = None
    errors: list[UserError]


@strawberry.type(name="SpreadRow", description="One kecamatan's or OPD's figures; a null figure is withheld "
                 "(fewer than UMKM_MIN_GROUP_SIZE people behind it, or needed to protect such a cell).")
class SpreadRowType:
    key: str = strawberry.field(description="The kecamatan, or the OPD.")
    shares: int | None = strawberry.field(description="Share links made (people behind it: the sharers).")
    visits: int | None = strawberry.field(description="Counted visits of those links (once per address, link, day).")
    attributed_orders: int | None = strawberry.field(description=(
        "Orders attributed to a share link, placed and not cancelled (people behind it: their buyers)."))
    attributed_rupiah: Rupiah | None = strawberry.field(description="Those orders' total, in rupiah.")
    referred_buyers: int | None = strawberry.field(description=(
        "Accounts registered with a referral code that went on to buy (per kecamatan: from its shops; per OPD: "
        "invited by its ASN)."))

    @classmethod
    def of(cls, row: spread.SpreadRow) -> SpreadRowType:
        return cls(key=row.key, shares=row.shares, visits=row.visits, attributed_orders=row.attributed_orders,
                   attributed_rupiah=Rupiah(row.attributed_rupiah) if row.attributed_rupiah is not None else None,
                   referred_buyers=row.referred_buyers)


@strawberry.type(name="CitySpread", description=(
    "How demand spreads by share links and referrals, since the start: per kecamatan of the shops, and per OPD of "
    "the ASN who shared or invited."))
class CitySpreadType:
    by_kecamatan: list[SpreadRowType]
    by_opd: list[SpreadRowType]
    min_group_size: int = strawberry.field(description="k: no figure describes fewer people (UMKM_MIN_GROUP_SIZE).")


@strawberry.type(name="SpreadBucket", description=(
    "One WIB week (Monday to Sunday) or calendar month of the spread. An open bucket (not ended; a month: not yet "
    "settled) has no rows. Per WEEK, referredBuyers is null in every row: people are counted by month only."))
class SpreadBucketType:
    first: dt.date = strawberry.field(description="Its first day, WIB.")
    last: dt.date = strawberry.field(description="Its last day, inclusive.")
    closed: bool
    by_kecamatan: list[SpreadRowType]
    by_opd: list[SpreadRowType]


@strawberry.type(name="CitySpreadSeries", description=(
    "How demand spreads per week or month of a period (snapped outward to whole weeks or months): shares by when "
    "the link was made, visits by when counted, attributed orders by when placed, and referred buyers who placed a "
    "counted order in the bucket."))
class CitySpreadSeriesType:
    first: dt.date = strawberry.field(description="The period's first day, after snapping to whole buckets.")
    last: dt.date
    interval: IntervalEnum  # type: ignore[valid-type]
    buckets: list[SpreadBucketType]
    min_group_size: int = strawberry.field(description="k: no figure describes fewer people (UMKM_MIN_GROUP_SIZE).")


@strawberry.type
class SharingQuery:
    @strawberry.field(description=(
        "Your referral code (buyers and sellers), made on the first ask: a new account registers with it as "
        "register(input: {referralCode})."))
    async def my_referral_code(self, info: Info[Context, None]) -> str:
        return (await referrals.my_referral_code(await info.context.user())).code

    @strawberry.field(description="How demand spreads (share links, visits, attributed orders, referred buyers), for "
                      "city officers and analysts.")
    async def city_spread(self, info: Info[Context, None]) -> CitySpreadType:
        found = await spread.city_spread(await info.context.user(), info.context.settings.min_group_size)
        return CitySpreadType(by_kecamatan=[SpreadRowType.of(row) for row in found.by_kecamatan],
                              by_opd=[SpreadRowType.of(row) for row in found.by_opd], min_group_size=found.k)

    @strawberry.field(description="citySpread per WEEK or MONTH of a period, for city officers and analysts.")
    async def city_spread_by_period(self, info: Info[Context, None], period: PeriodInput,
                                    interval: IntervalEnum) -> CitySpreadSeriesType:  # type: ignore[valid-type]
        settings = info.context.settings
        found = await spread_periods.city_spread_by_period(
            await info.context.user(), period.period(), Interval(interval), settings.min_group_size,
            settings.analytics_settle_days)
        buckets = [SpreadBucketType(first=b.first, last=b.last, closed=b.closed,
                                    by_kecamatan=[SpreadRowType.of(row) for row in b.by_kecamatan],
                                    by_opd=[SpreadRowType.of(row) for row in b.by_opd]) for b in found.buckets]
        return CitySpreadSeriesType(first=found.period.first, last=found.period.last, interval=found.interval,
                                    buckets=buckets, min_group_size=found.k)


@strawberry.type
class SharingMutation:
    @strawberry.mutation(description=(
        "Your link to share a product or a shop buyers can see (give one of productId and shopId); asked again, the "
        "same link."))
    async def create_share_link(self, info: Info[Context, None], product_id: strawberry.ID | None = None,
                                shop_id: strawberry.ID | None = None) -> ShareLinkPayload:
        return await mutate(
            info, ShareLinkPayload,
            lambda user: sharing.create_share_link(
                user, None if product_id is None else parse_id(product_id, "productId"),
                None if shop_id is None else parse_id(shop_id, "shopId")),
            lambda link: {"share_link": ShareLinkType.of(info, link)},
        )
