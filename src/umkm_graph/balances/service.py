"""Reading what the platform owes: a shop's balance, statement and payouts, for its seller and city officers; and the
city's totals per shop and per kecamatan, for city officers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from tortoise.functions import Sum

from umkm_graph.balances.ledger import balance_of
from umkm_graph.balances.models import BalanceEntry, EntryKind, Payout, PayoutAccount
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.core.paging import Page, Window, page_of
from umkm_graph.people.access import require_user
from umkm_graph.people.models import Role, User
from umkm_graph.shops.models import Shop

NEWEST_FIRST = ("-id",)  # entries and payouts are appended in time order, so the id orders them


async def readable_shop(user: User | None, shop_id: int) -> Shop:
    """The shop, for its own seller or a city officer; NOT_FOUND for anyone else (as if it had no balance to show)."""
    reader = require_user(user)
    shop = await Shop.get_or_none(id=shop_id)
    if shop is None or not (reader.role == Role.CITY_OFFICER or shop.owner_id == reader.id):  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.NOT_FOUND, "No shop of yours has this id", "shopId")
    return shop


async def balance(shop: Shop) -> int:
    return await balance_of(shop.id)


async def statement(shop: Shop, window: Window) -> Page[BalanceEntry]:
    return await page_of(BalanceEntry.filter(shop_id=shop.id), window, NEWEST_FIRST)


async def payouts(shop: Shop, window: Window) -> Page[Payout]:
    return await page_of(Payout.filter(shop_id=shop.id), window, NEWEST_FIRST)


async def payout_account(shop: Shop) -> PayoutAccount | None:
    return await PayoutAccount.get_or_none(shop_id=shop.id)


@dataclass
class Totals:
    """What a shop, or every shop of a kecamatan, has on the ledger, by kind; balance is their sum."""

    kecamatan: str
    shop_id: int | None = None
    shop_name: str | None = None
    sales: int = 0
    fees: int = 0  # net of the fees returned on refunds; negative
    refunds: int = 0  # negative
    payouts: int = 0  # net of payouts returned; negative
    balance: int = 0

    def add(self, kind: EntryKind, amount: int) -> None:
        if kind == EntryKind.SALE:
            self.sales += amount
        elif kind in (EntryKind.FEE, EntryKind.FEE_RETURNED):
            self.fees += amount
        elif kind == EntryKind.REFUND:
            self.refunds += amount
        else:
            self.payouts += amount
        self.balance += amount


@dataclass(frozen=True)
class CityBalances:
    by_shop: list[Totals]  # largest balance first
    by_kecamatan: list[Totals]  # in name order
    total: Totals  # every shop: what the platform holds for shops in all


async def city_balances(user: User | None) -> CityBalances:
    """Totals of the ledger per shop and per kecamatan, for city officers."""
    reader = require_user(user)
    if reader.role != Role.CITY_OFFICER:
        raise DomainError(ErrorCode.FORBIDDEN, "This needs the CITY_OFFICER role")
    rows = await BalanceEntry.annotate(total=Sum("amount")).group_by("shop_id", "kind").values(
        "shop_id", "kind", "total")
    shops = {s["id"]: s for s in await Shop.filter(id__in={row["shop_id"] for row in rows}).values(
        "id", "name", "kecamatan")}
    by_shop: dict[int, Totals] = {}
    by_kecamatan: dict[str, Totals] = defaultdict(lambda: Totals(kecamatan=""))
    total = Totals(kecamatan="")
    for row in rows:
        shop = shops[row["shop_id"]]
        kind, amount = EntryKind(row["kind"]), int(row["total"] or 0)
        by_shop.setdefault(shop["id"], Totals(shop["kecamatan"], shop["id"], shop["name"])).add(kind, amount)
        by_kecamatan[shop["kecamatan"]].kecamatan = shop["kecamatan"]
        by_kecamatan[shop["kecamatan"]].add(kind, amount)
        total.add(kind, amount)
    return CityBalances(
        by_shop=sorted(by_shop.values(), key=lambda t: (-t.balance, t.shop_id or 0)),
        by_kecamatan=sorted(by_kecamatan.values(), key=lambda t: t.kecamatan), total=total,
    )
