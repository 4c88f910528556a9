"""UMKM scorecards and leaderboards: how each shop sold and served in a period.

Counted are the shop's orders placed in the period that reached PLACED (a cashless order never paid was never the
shop's to serve). Of those:
- GMV: the goods (subtotal) of the COMPLETED ones, gross (at their prices) and net (less what vouchers took off the
  goods: the shop's promotions and city programmes); completed orders; distinct buyers of those; the share of those buyers
  who are ASN (it describes people, so it is given only for whole calendar months that have settled, over the orders
  completed before their month settled and the NIPs registered before the period ended, and withheld when those buyers
  are 1 to k-1 people: see buckets);
- decided orders: DELIVERED, COMPLETED or CANCELLED; the fulfilment rate is the delivered or completed share of them, the
  seller cancellation rate the share the shop's owner cancelled;
- the median time to accept: from the first PLACED to the first ACCEPTED step, in whole seconds, shown in minutes;
- reviews of the shop written in the period: their count and average rating.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from umkm_graph.catalog.models import Category
from umkm_graph.city import analytics_sql as sql
from umkm_graph.city.analytics import Period
from umkm_graph.city.buckets import DEFAULT_SETTLE_DAYS, is_settled, whole_months
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.core.regions import canonical_kecamatan
from umkm_graph.people.access import require_user
from umkm_graph.people.models import Role, User
from umkm_graph.shops.models import Shop


class ScorecardFigure(enum.Enum):
    """What a leaderboard ranks shops by."""

    GMV = "GMV"
    GMV_NET = "GMV_NET"
    ORDERS = "ORDERS"
    COMPLETED_ORDERS = "COMPLETED_ORDERS"
    BUYERS = "BUYERS"
    ASN_BUYER_SHARE = "ASN_BUYER_SHARE"
    FULFILMENT_RATE = "FULFILMENT_RATE"
    SELLER_CANCELLATION_RATE = "SELLER_CANCELLATION_RATE"
    MEDIAN_MINUTES_TO_ACCEPT = "MEDIAN_MINUTES_TO_ACCEPT"
    AVERAGE_RATING = "AVERAGE_RATING"
    REVIEW_COUNT = "REVIEW_COUNT"
    COMPLAINT_RATE = "COMPLAINT_RATE"


@dataclass(frozen=True)
class Scorecard:
    shop_id: int
    period: Period
    gmv: int  # gross: the completed orders' goods at their prices
    orders: int
    completed_orders: int
    buyers: int
    asn_buyer_share: float | None
    asn_buyer_share_suppressed: bool
    decided_orders: int
    fulfilled_orders: int
    seller_cancelled_orders: int
    median_seconds_to_accept: int | None
    review_count: int
    rating_sum: int
    complaints: int = 0  # on the period's orders
    complained_orders: int = 0
    escalated_complaints: int = 0  # taken to the city
    upheld_complaints: int = 0  # settled for the buyer: a refund or a replacement
    rank: int | None = None
    gmv_net: int = 0  # net: less what vouchers took off those goods

    @property
    def complaint_rate(self) -> float | None:
        """Share of the delivered orders with a complaint."""
        return self.complained_orders / self.fulfilled_orders if self.fulfilled_orders else None

    @property
    def fulfilment_rate(self) -> float | None:
        return self.fulfilled_orders / self.decided_orders if self.decided_orders else None

    @property
    def seller_cancellation_rate(self) -> float | None:
        return self.seller_cancelled_orders / self.decided_orders if self.decided_orders else None

    @property
    def median_minutes_to_accept(self) -> float | None:
        seconds = self.median_seconds_to_accept
        return None if seconds is None else round(seconds / 60, 1)

    @property
    def average_rating(self) -> float | None:
        return round(self.rating_sum / self.review_count, 2) if self.review_count else None


@dataclass(frozen=True)
class LeaderboardQuery:
    period: Period
    kecamatan: str | None = None
    category: str | None = None  # a slug; a parent category includes its children
    sort: ScorecardFigure = ScorecardFigure.GMV
    descending: bool = True


# No shop has this many buyers: the k that withholds the ASN share of every shop, in the leaderboard's SQL too.
_NEVER_SHOWN = 2**62


def share_k(period: Period, k: int, settle_days: int) -> int:
    """The smallest number of buyers whose ASN share may be shown: k over whole calendar months that have settled; over
    any other period none, so that two periods differing by one buyer do not tell whether that buyer is an ASN."""
    return k if whole_months(period) == period and is_settled(period, settle_days) else _NEVER_SHOWN


def _scorecard(row: dict[str, object], period: Period, k: int, settle_days: int, rank: int | None) -> Scorecard:
    n = {key: int(value) for key, value in row.items() if value is not None}  # type: ignore[call-overload]
    buyers, settled = n["buyers"], n["settled_buyers"]
    shown = settled >= share_k(period, k, settle_days)
    return Scorecard(
        shop_id=n["shop_id"], period=period, gmv=n["gmv"], orders=n["orders"], completed_orders=n["completed"],
        buyers=buyers, asn_buyer_share=n["asn_buyers"] / settled if shown else None,
        asn_buyer_share_suppressed=buyers > 0 and not shown, decided_orders=n["decided"], fulfilled_orders=n["fulfilled"],
        seller_cancelled_orders=n["seller_cancelled"], median_seconds_to_accept=n.get("median_accept_s"),
        review_count=n["reviews"], rating_sum=n["rating_sum"], complaints=n["complaints"],
        complained_orders=n["complained"], escalated_complaints=n["escalated"], upheld_complaints=n["upheld"], rank=rank,
        gmv_net=n["gmv_net"],
    )


async def shop_scorecard(user: User | None, shop_id: int, period: Period, k: int,
                         settle_days: int = DEFAULT_SETTLE_DAYS) -> Scorecard:
    """A shop's scorecard: analysts and city officers see any shop's, a seller only their own shop's."""
    viewer = require_user(user)
    shop = await Shop.get_or_none(id=shop_id)
    if viewer.has_role(Role.SELLER) and not viewer.has_role(Role.ANALYST, Role.CITY_OFFICER):
        if shop is None or shop.owner_id != viewer.id:  # type: ignore[attr-defined]
            raise DomainError(ErrorCode.FORBIDDEN, "A seller sees the scorecard of their own shops only", "shopId")
    elif not viewer.has_role(Role.ANALYST, Role.CITY_OFFICER):
        raise DomainError(ErrorCode.FORBIDDEN, "This needs the ANALYST, CITY_OFFICER or the shop's SELLER role")
    if shop is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No shop has this id", "shopId")
    return await scorecard_of(shop.id, period, k, settle_days)


async def scorecard_of(shop_id: int, period: Period, k: int, settle_days: int = DEFAULT_SETTLE_DAYS) -> Scorecard:
    d = sql.dialect()
    statement = sql.scorecards(d, sql.shop_filter(one_shop=True, kecamatan=False, category=False),
                               "shop_id", one_shop=True)
    (row,) = await sql.fetch(statement, start=period.start, end=period.end, shop_id=shop_id, limit=1, offset=0,
                             settle_seconds=settle_days * 86_400)
    return _scorecard(row, period, k, settle_days, None)


@dataclass(frozen=True)
class Leaderboard:
    query: LeaderboardQuery
    k: int
    where: str
    params: dict[str, object]
    settle_days: int = DEFAULT_SETTLE_DAYS

    async def page(self, offset: int, limit: int) -> list[Scorecard]:
        statement = sql.scorecards(
            sql.dialect(), self.where, sql.ScorecardSort.order_by(self.query.sort.value, self.query.descending)
        )
        rows = await sql.fetch(statement, **self.params, limit=limit, offset=offset,
                               k=share_k(self.query.period, self.k, self.settle_days),
                               settle_seconds=self.settle_days * 86_400)
        return [_scorecard(row, self.query.period, self.k, self.settle_days, offset + i + 1)
                for i, row in enumerate(rows)]

    async def count(self) -> int:
        params = {key: value for key, value in self.params.items() if key in ("kecamatan", "categories")}
        (row,) = await sql.fetch(sql.shop_count(self.where), **params)
        return int(row["n"])


async def leaderboard(query: LeaderboardQuery, k: int, settle_days: int = DEFAULT_SETTLE_DAYS) -> Leaderboard:
    """Shops ranked by one figure, those without it last, ties by shop id; page through it with Leaderboard.page."""
    params: dict[str, object] = {"start": query.period.start, "end": query.period.end}
    if query.kecamatan is not None:
        kecamatan = canonical_kecamatan(query.kecamatan)
        if kecamatan is None:
            raise DomainError(ErrorCode.INVALID, f"{query.kecamatan!r} is not a kecamatan of Kota Malang", "kecamatan")
        params["kecamatan"] = kecamatan
    if query.category is not None:
        params["categories"] = await category_ids(query.category, "category")
    where = sql.shop_filter(one_shop=False, kecamatan="kecamatan" in params, category="categories" in params)
    return Leaderboard(query, k, where, params, settle_days)


async def category_ids(slug: str, field: str) -> list[int]:
    """The category and its children, by slug."""
    category = await Category.get_or_none(slug=slug)
    if category is None:
        raise DomainError(ErrorCode.INVALID, f"{slug!r} is not a category slug", field)
    children = await Category.filter(parent_id=category.id).values_list("id", flat=True)
    return [category.id, *children]
