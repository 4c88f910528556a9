"""City monitoring as analysts and city officers see it: aggregates only, with withheld figures null and flagged."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from umkm_graph.catalog.graphql.types import PriceUnitEnum, ProductType, load_product
from umkm_graph.catalog.models import PriceChange, PriceUnit
from umkm_graph.city.analytics import Interval, Period, month_key
from umkm_graph.city.buckets import is_closed
from umkm_graph.city.models import ReferencePrice, SpendTarget
from umkm_graph.city.participation import AsnProgress, OpdParticipation, Participation
from umkm_graph.city.price_watch import PriceDistribution, PriceFlag, PricePoint, SembakoPrices
from umkm_graph.city.sales import SalesDimension, SalesReport, SalesRow
from umkm_graph.city.scorecards import Scorecard, ScorecardFigure
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.shops import certificates
from umkm_graph.shops.graphql.certificates import BadgeEnum
from umkm_graph.shops.graphql.types import ShopType, load_shop

IntervalEnum = strawberry.enum(Interval, name="Interval", description="Days, weeks (Monday to Sunday) or months, in WIB.")
ScorecardFigureEnum = strawberry.enum(ScorecardFigure, name="ScorecardFigure",
                                      description="A scorecard figure a leaderboard ranks by.")
SalesDimensionEnum = strawberry.enum(SalesDimension, name="SalesDimension", description=(
    "What sales are crossed with: the shop's KECAMATAN, the product's CATEGORY, the PAYMENT_METHOD code, the "
    "PAYMENT_KIND (COD or CASHLESS) or the BUYER_TYPE (ASN or RESIDENT; alone, with no other dimension)."
))


def _rupiah(value: int | None) -> Rupiah | None:
    return None if value is None else Rupiah(value)


@strawberry.type(name="Period", description="The days a figure covers, in WIB (UTC+7), both ends included.")
class PeriodType:
    first: dt.date
    last: dt.date
    month: str | None = strawberry.field(description="YYYY-MM when the period is exactly one calendar month.")
    closed: bool = strawberry.field(description="True once the last day has ended; for figures about people by month "
                                                "(asnParticipation, salesAggregates by MONTH), once the month has "
                                                "settled: UMKM_ANALYTICS_SETTLE_DAYS after its end, so that an order "
                                                "completed late cannot change it. Until then they are withheld.")

    @classmethod
    def from_period(cls, period: Period, closed: bool | None = None) -> PeriodType:
        return cls(first=period.first, last=period.last, month=period.month,
                   closed=is_closed(period) if closed is None else closed)


# --- participation ---------------------------------------------------------------------------------------------------


@strawberry.type(name="SpendCell", description="ASN spend in one kecamatan (the shop's) or one product category.")
class SpendCellType:
    key: str = strawberry.field(description="The kecamatan, or the category slug.")
    suppressed: bool = strawberry.field(description="True when the figures are withheld: fewer than k ASN, or the "
                                                    "complement of such a cell.")
    buying_asn: int | None
    spend: Rupiah | None



_NO_BREAKDOWNS = ("Always empty: ASN spend by kecamatan or category, against salesAggregates of the same kecamatan or "
                  "category, revealed the few residents who bought there (docs/security.md, item 5).")


@strawberry.type(name="OpdParticipation", description=(
    "How an OPD's ASN (or, with opd null, all ASN) bought from UMKM. Figures about fewer than k people are null, "
    "and suppressed says so."
))
class OpdParticipationType:
    opd: str | None
    suppressed: bool = strawberry.field(description="True when any figure of this row is withheld.")
    registered_asn: int | None = strawberry.field(description=(
        "The ASN counted: with a rosterMonth, those the BKPSDM roster lists in the OPD, with or without an account; "
        "without one, ASN accounts made before the period ended."))
    buying_asn: int | None = strawberry.field(description="Of them, those with a completed order in the period.")
    buying_share: float | None = strawberry.field(description="buyingAsn / registeredAsn, 0 to 1.")
    total_spend: Rupiah | None = strawberry.field(description="Goods of their completed orders (no delivery fees).")
    median_spend: Rupiah | None = strawberry.field(description="Median spend per buying ASN, rounded half up.")
    compliant_asn: int | None = strawberry.field(description="ASN whose spend reached the month's target.")
    compliance_share: float | None = strawberry.field(description="compliantAsn / registeredAsn, 0 to 1.")
    spend_by_kecamatan: list[SpendCellType] = strawberry.field(deprecation_reason=_NO_BREAKDOWNS)
    spend_by_category: list[SpendCellType] = strawberry.field(deprecation_reason=_NO_BREAKDOWNS)

    @classmethod
    def from_row(cls, row: OpdParticipation) -> OpdParticipationType:
        return cls(
            opd=row.opd, suppressed=row.suppressed,
            registered_asn=row.registered, buying_asn=row.buyers, buying_share=row.buying_share,
            total_spend=_rupiah(row.spend), median_spend=_rupiah(row.median_spend), compliant_asn=row.compliant,
            compliance_share=row.compliance_share, spend_by_kecamatan=[], spend_by_category=[],
        )


@strawberry.type(name="AsnParticipation")
class AsnParticipationType:
    period: PeriodType
    min_group_size: int = strawberry.field(description="k: no figure describes fewer people (UMKM_MIN_GROUP_SIZE).")
    target: Rupiah | None = strawberry.field(description="The month's spend target; null for a date range or none set.")
    city: OpdParticipationType = strawberry.field(description="All ASN together.")
    opds: list[OpdParticipationType] = strawberry.field(description="One row per OPD, by name.")
    roster_month: str | None = strawberry.field(description=(
        "YYYY-MM of the BKPSDM roster whose ASN are counted (the one in force in the period's last month); null when "
        "the city has imported none, and the ASN are the registered accounts."))

    @classmethod
    def from_participation(cls, p: Participation) -> AsnParticipationType:
        return cls(period=PeriodType.from_period(p.period, p.closed), min_group_size=p.min_group_size,
                   roster_month=p.roster_month,
                   target=_rupiah(p.target), city=OpdParticipationType.from_row(p.city),
                   opds=[OpdParticipationType.from_row(row) for row in p.opds])


@strawberry.type(name="SpendTarget", description="The monthly spend asked of each ASN, from a month on.")
class SpendTargetType:
    month: str = strawberry.field(description="YYYY-MM: the first month it applies to.")
    amount: Rupiah
    grade: str | None = strawberry.field(description="The roster grade it is asked of (III/a, IX, ...); null for "
                                                     "every grade without a target of its own.")

    @classmethod
    def from_model(cls, target: SpendTarget) -> SpendTargetType:
        return cls(month=month_key(target.effective_from), amount=Rupiah(target.amount), grade=target.grade or None)


@strawberry.type(name="AsnProgress", description="An ASN's own spend at UMKM in one month against the city's target.")
class AsnProgressType:
    month: str
    target: Rupiah | None
    spent: Rupiah = strawberry.field(description="Goods of the completed orders placed this month.")
    completed_orders: int
    pending: Rupiah = strawberry.field(description="Goods of orders placed this month and still on their way; they "
                                                   "count once completed.")
    reached: bool | None
    remaining: Rupiah | None

    @classmethod
    def from_progress(cls, p: AsnProgress) -> AsnProgressType:
        return cls(month=p.month, target=_rupiah(p.target), spent=Rupiah(p.spent), completed_orders=p.completed_orders,
                   pending=Rupiah(p.pending), reached=p.reached, remaining=_rupiah(p.remaining))


# --- scorecards ------------------------------------------------------------------------------------------------------


@strawberry.type(name="ShopScorecard", description="How a shop sold and served, for orders placed in the period.")
class ShopScorecardType:
    rank: int | None = strawberry.field(description="The place on the leaderboard it came from; null alone.")
    period: PeriodType
    gmv: Rupiah = strawberry.field(description="GMV gross: goods of the completed orders at their prices, before any "
                                   "voucher, in rupiah.")
    gmv_net: Rupiah = strawberry.field(description=(
        "GMV net: gmv less what vouchers (the shop's promotions and city programmes) took off those goods, i.e. what "
        "buyers paid for them. A city programme's discount is still paid to the shop (its balance's CITY_SUBSIDY)."))
    orders: int = strawberry.field(description="Orders placed (cashless ones once paid).")
    completed_orders: int
    buyers: int = strawberry.field(description="Distinct buyers of the completed orders.")
    asn_buyer_share: float | None = strawberry.field(description=(
        "Share of those buyers who are ASN, 0 to 1; only for whole calendar months that have settled "
        "(UMKM_ANALYTICS_SETTLE_DAYS after they end), over the orders completed by then and the NIPs registered "
        "before the period ended, so that it never changes once shown."
    ))
    asn_buyer_share_suppressed: bool = strawberry.field(description=(
        "True when the share is withheld: 1 to k-1 buyers, or a period that is not whole months that have ended."
    ))
    decided_orders: int = strawberry.field(description="Orders now delivered, completed or cancelled.")
    fulfilment_rate: float | None = strawberry.field(description="Delivered or completed / decided orders.")
    seller_cancellation_rate: float | None = strawberry.field(description="Cancelled by the seller / decided orders.")
    median_minutes_to_accept: float | None = strawberry.field(description="From placed to accepted, median.")
    average_rating: float | None = strawberry.field(description="Of the reviews written in the period, 1 to 5.")
    review_count: int
    complaints: int = strawberry.field(description="Buyers' complaints about the period's orders.")
    complaint_rate: float | None = strawberry.field(description="Delivered or completed orders with a complaint / "
                                                    "delivered or completed orders.")
    escalated_complaints: int = strawberry.field(description="Of the complaints, those the buyer took to the city.")
    upheld_complaints: int = strawberry.field(description="Of the complaints, those settled for the buyer: a refund or "
                                              "a replacement, by the seller or the city.")
    shop_id: strawberry.Private[int]

    @classmethod
    def from_scorecard(cls, s: Scorecard) -> ShopScorecardType:
        return cls(
            rank=s.rank, period=PeriodType.from_period(s.period), gmv=Rupiah(s.gmv), gmv_net=Rupiah(s.gmv_net),
            orders=s.orders,
            completed_orders=s.completed_orders, buyers=s.buyers, asn_buyer_share=s.asn_buyer_share,
            asn_buyer_share_suppressed=s.asn_buyer_share_suppressed, decided_orders=s.decided_orders,
            fulfilment_rate=s.fulfilment_rate, seller_cancellation_rate=s.seller_cancellation_rate,
            median_minutes_to_accept=s.median_minutes_to_accept, average_rating=s.average_rating,
            review_count=s.review_count, complaints=s.complaints, complaint_rate=s.complaint_rate,
            escalated_complaints=s.escalated_complaints, upheld_complaints=s.upheld_complaints, shop_id=s.shop_id,
        )

    @strawberry.field
    async def shop(self, info: Info[Context, None]) -> ShopType | None:
        return await load_shop(info, self.shop_id)

    @strawberry.field(description="The shop's badges today (not in the period): its verified, unexpired certificates.")
    async def badges(self, info: Info[Context, None]) -> list[BadgeEnum]:  # type: ignore[valid-type]
        return certificates.badges(await info.context.loaders.shop_certificates.load(self.shop_id))


# --- sembako prices --------------------------------------------------------------------------------------------------


@strawberry.type(name="ReferencePrice", description="A ceiling (HET) the city set for a commodity, from a date on.")
class ReferencePriceType:
    id: strawberry.ID
    commodity: str = strawberry.field(description="A sembako category slug, e.g. beras.")
    unit: PriceUnitEnum  # type: ignore[valid-type]
    variant: str = strawberry.field(description="A word that selects the listings it applies to (e.g. premium); "
                                                "empty for the commodity's general ceiling.")
    price: Rupiah = strawberry.field(description="Rupiah per kg or per litre.")
    effective_from: dt.date
    note: str

    @classmethod
    def from_model(cls, r: ReferencePrice) -> ReferencePriceType:
        return cls(id=strawberry.ID(str(r.id)), commodity=r.commodity, unit=r.unit, variant=r.variant,
                   price=Rupiah(r.price), effective_from=r.effective_from, note=r.note)


@strawberry.type(name="PriceDistribution", description="Prices per kg or litre of the active listings of a commodity.")
class PriceDistributionType:
    commodity: str
    per: PriceUnitEnum  # type: ignore[valid-type]
    kecamatan: str | None = strawberry.field(description="Null: the whole city.")
    listings: int
    min_price: Rupiah
    median_price: Rupiah
    max_price: Rupiah
    ceiling: Rupiah | None = strawberry.field(description="The commodity's general ceiling in effect today.")
    above_ceiling: int = strawberry.field(description="Listings above the ceiling that applies to each.")

    @classmethod
    def from_row(cls, r: PriceDistribution) -> PriceDistributionType:
        return cls(commodity=r.commodity, per=r.per, kecamatan=r.kecamatan, listings=r.listings,
                   min_price=Rupiah(r.min_price), median_price=Rupiah(r.median_price), max_price=Rupiah(r.max_price),
                   ceiling=_rupiah(r.ceiling), above_ceiling=r.above_ceiling)


@strawberry.type(name="SembakoPrices")
class SembakoPricesType:
    as_of: dt.date
    city: list[PriceDistributionType]
    by_kecamatan: list[PriceDistributionType]

    @classmethod
    def from_prices(cls, p: SembakoPrices) -> SembakoPricesType:
        return cls(as_of=p.as_of, city=[PriceDistributionType.from_row(r) for r in p.city],
                   by_kecamatan=[PriceDistributionType.from_row(r) for r in p.by_kecamatan])


@strawberry.type(name="PriceFlag", description="An active listing priced above the ceiling that applies to it.")
class PriceFlagType:
    commodity: str
    kecamatan: str
    unit_price: Rupiah
    per: PriceUnitEnum  # type: ignore[valid-type]
    ceiling: Rupiah
    ceiling_variant: str
    excess: Rupiah = strawberry.field(description="unitPrice - ceiling.")
    excess_percent: float
    product_id: strawberry.Private[int]

    @classmethod
    def from_flag(cls, f: PriceFlag) -> PriceFlagType:
        return cls(commodity=f.commodity, kecamatan=f.kecamatan, unit_price=Rupiah(f.unit_price), per=f.per,
                   ceiling=Rupiah(f.ceiling), ceiling_variant=f.ceiling_variant, excess=Rupiah(f.excess),
                   excess_percent=f.excess_percent, product_id=f.product_id)

    @strawberry.field
    async def product(self, info: Info[Context, None]) -> ProductType | None:
        return await load_product(info, self.product_id)


@strawberry.type(name="PriceChange", description="A price a listing had from a moment on.")
class PriceChangeType:
    price: Rupiah = strawberry.field(description="Of one pack.")
    unit_price: Rupiah | None
    per: PriceUnitEnum | None  # type: ignore[valid-type]
    changed_at: dt.datetime
    variant_id: strawberry.ID | None = strawberry.field(description="The variant whose price this was.")

    @classmethod
    def from_model(cls, c: PriceChange) -> PriceChangeType:
        variant = c.variant_id  # type: ignore[attr-defined]
        return cls(price=Rupiah(c.price), unit_price=_rupiah(c.unit_price), per=c.per, changed_at=c.changed_at,
                   variant_id=None if variant is None else strawberry.ID(str(variant)))


@strawberry.type(name="PricePoint", description="Prices per kg or litre that listings had at the end of a bucket.")
class PricePointType:
    start: dt.date = strawberry.field(description="The bucket's first day.")
    commodity: str
    per: PriceUnitEnum  # type: ignore[valid-type]
    kecamatan: str | None
    listings: int
    min_price: Rupiah
    median_price: Rupiah
    max_price: Rupiah

    @classmethod
    def from_point(cls, p: PricePoint) -> PricePointType:
        return cls(start=p.start, commodity=p.commodity, per=p.per, kecamatan=p.kecamatan, listings=p.listings,
                   min_price=Rupiah(p.min_price), median_price=Rupiah(p.median_price), max_price=Rupiah(p.max_price))


# --- sales -----------------------------------------------------------------------------------------------------------


@strawberry.type(name="SalesRow", description=(
    "Completed orders of one bucket and one value of each dimension asked for (the others are null). Rows of fewer than "
    "k buyers, and their complements within the bucket, are withheld: suppressed, with null figures."
))
class SalesRowType:
    start: dt.date
    kecamatan: str | None
    category: str | None
    payment_method: str | None
    payment_kind: str | None = strawberry.field(description="COD or CASHLESS.")
    buyer_type: str | None = strawberry.field(description="ASN or RESIDENT, by MONTH only: ASN when the NIP was "
                                                          "registered before the month ended.")
    suppressed: bool
    orders: int | None
    gmv: Rupiah | None = strawberry.field(description=(
        "GMV gross: the goods of the completed orders at their prices, before any voucher, in rupiah."))
    gmv_net: Rupiah | None = strawberry.field(description=(
        "GMV net: gmv less what vouchers took off the goods (shop promotions and city programmes; free delivery is "
        "not goods), i.e. what buyers paid for them. A city programme's discount is still paid to the shop."))
    buyers: int | None = strawberry.field(description="Distinct buyers, by MONTH only: null per DAY or WEEK "
                                                      "(the report's peopleWithheld), so that a week minus its days "
                                                      "cannot reveal a day's withheld row.")

    @classmethod
    def from_row(cls, r: SalesRow) -> SalesRowType:
        keys = r.keys
        return cls(start=r.start, kecamatan=keys.get("kecamatan"), category=keys.get("category"),
                   payment_method=keys.get("payment_method"), payment_kind=keys.get("payment_kind"),
                   buyer_type=keys.get("buyer_type"), suppressed=r.suppressed, orders=r.orders, gmv=_rupiah(r.gmv),
                   gmv_net=_rupiah(r.gmv_net), buyers=r.buyers)


@strawberry.type(name="SalesReport")
class SalesReportType:
    period: PeriodType
    interval: IntervalEnum  # type: ignore[valid-type]
    by: list[SalesDimensionEnum]  # type: ignore[valid-type]
    min_group_size: int
    rows: list[SalesRowType] = strawberry.field(description="By bucket, then by the dimensions' values.")
    people_withheld: bool = strawberry.field(description=(
        "True per DAY and WEEK: figures about people (buyers, the buyer type) are given by MONTH only, so rows carry "
        "orders and GMV and null buyers."))

    @classmethod
    def from_report(cls, r: SalesReport) -> SalesReportType:
        return cls(period=PeriodType.from_period(r.period, r.closed), interval=r.interval, by=list(r.dimensions),
                   min_group_size=r.min_group_size, rows=[SalesRowType.from_row(row) for row in r.rows],
                   people_withheld=r.people_withheld)
