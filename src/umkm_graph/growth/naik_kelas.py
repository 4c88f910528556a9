"""Naik kelas (issue 17, section 5): the size class of a shop by PP 7/2021's annual sales thresholds, and which shops
moved up a class.

- Micro up to Rp2 billion of annual sales, small over Rp2 up to Rp15 billion, medium over Rp15 up to Rp50 billion
  (PP 7/2021, domain.md); above that is a large business, no longer UMKM.
- The sales a class is read from: the larger of what the seller last declared (declareAnnualSales; kept with its
  history, so a past class can be told) and the platform sales of the 12 months before, a lower bound: the goods of
  COMPLETED orders placed then (no delivery fees), as the city's sales figures count them. A shop that never declared
  is classed by its platform sales alone.
- The declared figure and the class are the seller's business: the owner and the city see them.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.core.wib import WIB, today_wib
from umkm_graph.growth.models import Mentoring, SalesDeclaration
from umkm_graph.orders.models import Order, OrderStatus
from umkm_graph.people.access import is_city, require_role, require_user
from umkm_graph.people.models import Role, User
from umkm_graph.shops.models import Shop
from umkm_graph.shops.service import get_owned_shop

YEAR = dt.timedelta(days=365)
MOST_DECLARED = 10**15  # rupiah: beyond any business, and the Rupiah scalar's bound


class SizeClass(str, enum.Enum):
    MICRO = "MICRO"
    SMALL = "SMALL"
    MEDIUM = "MEDIUM"
    LARGE = "LARGE"  # above the medium threshold: no longer UMKM


RANK = {size: rank for rank, size in enumerate(SizeClass)}
# The upper bound, in rupiah of annual sales, of each class but the last (PP 7/2021 art. 35(5)).
THRESHOLDS = ((SizeClass.MICRO, 2_000_000_000), (SizeClass.SMALL, 15_000_000_000), (SizeClass.MEDIUM, 50_000_000_000))


def wib_start(day: dt.date) -> dt.datetime:
    """The moment a WIB day begins, in UTC."""
    return dt.datetime.combine(day, dt.time(), WIB).astimezone(dt.UTC)


def size_class(annual_sales: int) -> SizeClass:
    for size, most in THRESHOLDS:
        if annual_sales <= most:
            return size
    return SizeClass.LARGE


@dataclass(frozen=True)
class ShopClass:
    shop_id: int
    declared_annual_sales: int | None  # the latest declaration by then; None when the seller never declared
    declared_at: dt.datetime | None
    platform_sales: int  # the 12 months before
    at: dt.datetime

    @property
    def basis(self) -> int:
        return max(self.declared_annual_sales or 0, self.platform_sales)

    @property
    def size(self) -> SizeClass:
        return size_class(self.basis)


async def _platform_sales(shop_ids: Iterable[int], at: dt.datetime) -> dict[int, int]:
    rows = await Order.filter(shop_id__in=list(shop_ids), status=OrderStatus.COMPLETED, created_at__gte=at - YEAR,
                              created_at__lt=at).annotate(goods=Sum("subtotal")).group_by("shop_id") \
        .values("shop_id", "goods")
    return {row["shop_id"]: int(row["goods"] or 0) for row in rows}


async def _declarations(shop_ids: Iterable[int], at: dt.datetime) -> dict[int, SalesDeclaration]:
    """The latest declaration of each shop made by `at`."""
    latest: dict[int, SalesDeclaration] = {}
    rows = await SalesDeclaration.filter(shop_id__in=list(shop_ids), declared_at__lte=at).order_by("declared_at", "id")
    for row in rows:
        latest[row.shop_id] = row  # type: ignore[attr-defined]
    return latest


async def classes_at(shop_ids: list[int], at: dt.datetime) -> dict[int, ShopClass]:
    sales, declared = await _platform_sales(shop_ids, at), await _declarations(shop_ids, at)
    return {shop_id: ShopClass(shop_id=shop_id,
                               declared_annual_sales=declared[shop_id].annual_sales if shop_id in declared else None,
                               declared_at=declared[shop_id].declared_at if shop_id in declared else None,
                               platform_sales=sales.get(shop_id, 0), at=at)
            for shop_id in shop_ids}


async def _readable_shop(user: User | None, shop_id: int) -> Shop:
    """A shop whose class this person may read: their own, or any for the city."""
    person = require_user(user)
    shop = await Shop.get_or_none(id=shop_id)
    if shop is None or not (is_city(person) or shop.owner_id == person.id):  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.NOT_FOUND, "No shop of yours has this id", "shopId")
    return shop


async def shop_class(user: User | None, shop_id: int, now: dt.datetime | None = None) -> ShopClass:
    shop = await _readable_shop(user, shop_id)
    return (await classes_at([shop.id], now or dt.datetime.now(dt.UTC)))[shop.id]


async def declare_annual_sales(user: User | None, shop_id: int, annual_sales: int) -> ShopClass:
    """The owner declares the shop's annual sales (rupiah, 0 up to 10^15); the shop's class follows."""
    shop = await get_owned_shop(user, shop_id)
    if not 0 <= annual_sales <= MOST_DECLARED:
        raise DomainError(ErrorCode.INVALID, f"Annual sales are 0 to {MOST_DECLARED} rupiah", "annualSales")
    now = dt.datetime.now(dt.UTC)
    async with in_transaction():
        await Shop.filter(id=shop.id).update(declared_annual_sales=annual_sales)
        await SalesDeclaration.create(shop_id=shop.id, annual_sales=annual_sales, declared_at=now,
                                      declared_by_id=user.id)  # type: ignore[union-attr]
    return (await classes_at([shop.id], now))[shop.id]


@dataclass(frozen=True)
class ClassMove:
    shop_id: int
    shop_name: str
    kecamatan: str
    before: ShopClass
    now: ShopClass
    mentored: bool  # the city recorded mentoring for it between then and now


async def moved_up(user: User | None, since: dt.date, now: dt.datetime | None = None) -> list[ClassMove]:
    """The shops whose class now is above their class at the start of `since` (WIB), for the city; biggest move
    first, then by shop."""
    require_role(user, Role.CITY_OFFICER, Role.ANALYST)
    now = now or dt.datetime.now(dt.UTC)
    start = wib_start(since)
    if start >= now:
        raise DomainError(ErrorCode.INVALID, "since must be a day before today", "since")
    shops = {shop.id: shop for shop in await Shop.all()}
    before, after = await classes_at(list(shops), start), await classes_at(list(shops), now)
    mentored = set(await Mentoring.filter(mentored_on__gte=since, mentored_on__lte=today_wib(now))
                   .values_list("shop_id", flat=True))
    moves = [ClassMove(shop_id=i, shop_name=shops[i].name, kecamatan=shops[i].kecamatan, before=before[i],
                       now=after[i], mentored=i in mentored)
             for i in shops if RANK[after[i].size] > RANK[before[i].size]]
    return sorted(moves, key=lambda m: (RANK[m.before.size] - RANK[m.now.size], m.shop_id))
