"""Cash on delivery as the city sees it: the cash still outstanding per shop and per kecamatan, the share of
handed-over cash-on-delivery orders whose cash was never confirmed, the cash couriers collected and still owe shops,
and the remittances that did not match what was owed. For city officers and analysts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from tortoise.expressions import Subquery
from tortoise.functions import Count, Sum

from umkm_graph.orders.models import OrderStatus
from umkm_graph.payments.models import CashCollection, CashCollector, CashRemittance, Payment, PaymentStatus
from umkm_graph.people.access import require_role
from umkm_graph.people.models import Role, User
from umkm_graph.plugin_host import Providers

HANDED_OVER = (OrderStatus.DELIVERED, OrderStatus.COMPLETED)


@dataclass(frozen=True)
class CashOutstanding:
    """Outstanding cash of one shop or one kecamatan: the cash-on-delivery orders not cancelled and not collected."""

    shop_id: int | None
    shop_name: str | None
    kecamatan: str
    orders: int
    rupiah: int


@dataclass(frozen=True)
class CityCash:
    by_shop: list[CashOutstanding]  # most outstanding first
    by_kecamatan: list[CashOutstanding]
    handed_over: int  # cash-on-delivery orders delivered or completed
    handed_over_unconfirmed: int  # ...whose cash nobody confirmed
    owed_by_courier: list[CashOutstanding]  # per shop, most first: collected by a courier, not remitted yet
    remittance_discrepancies: list[CashOutstanding]  # per shop: remitted minus owed, where they differ (short < 0)

    @property
    def unconfirmed_share(self) -> float:
        return self.handed_over_unconfirmed / self.handed_over if self.handed_over else 0.0


async def city_cash(user: User | None, providers: Providers) -> CityCash:
    require_role(user, Role.CITY_OFFICER, Role.ANALYST)
    cash_methods = [code for code, option in providers.payment_options.items() if option.method.cash_on_delivery]
    cod = Payment.filter(method__in=cash_methods)
    rows = await cod.filter(status=PaymentStatus.PENDING).exclude(order__status=OrderStatus.CANCELLED).annotate(
        orders=Count("id"), rupiah=Sum("amount"),
    ).group_by("order__shop_id", "order__shop__name", "order__shop__kecamatan").values(
        "order__shop_id", "order__shop__name", "order__shop__kecamatan", "orders", "rupiah")
    shops = (CashOutstanding(shop_id=r["order__shop_id"], shop_name=r["order__shop__name"],
                             kecamatan=r["order__shop__kecamatan"], orders=r["orders"], rupiah=int(r["rupiah"]))
             for r in rows)
    by_shop = sorted(shops, key=lambda s: (-s.rupiah, s.shop_id or 0))
    kecamatan: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for shop in by_shop:
        kecamatan[shop.kecamatan][0] += shop.orders
        kecamatan[shop.kecamatan][1] += shop.rupiah
    by_kecamatan = [CashOutstanding(None, None, name, orders, rupiah)
                    for name, (orders, rupiah) in sorted(kecamatan.items())]
    handed = cod.filter(order__status__in=HANDED_OVER)
    return CityCash(by_shop=by_shop, by_kecamatan=by_kecamatan, handed_over=await handed.count(),
                    handed_over_unconfirmed=await handed.filter(status=PaymentStatus.PENDING).count(),
                    owed_by_courier=await _owed_by_courier(), remittance_discrepancies=await _remittance_discrepancies())


async def _owed_by_courier() -> list[CashOutstanding]:
    remitted = Subquery(CashRemittance.all().values("payment_id"))
    rows = await CashCollection.filter(collector=CashCollector.COURIER).exclude(payment_id__in=remitted).annotate(
        orders=Count("id"), rupiah=Sum("collected"),
    ).group_by("shop_id", "shop__name", "shop__kecamatan").values("shop_id", "shop__name", "shop__kecamatan", "orders",
                                                                  "rupiah")
    return sorted((CashOutstanding(r["shop_id"], r["shop__name"], r["shop__kecamatan"], r["orders"], int(r["rupiah"]))
                   for r in rows), key=lambda s: (-s.rupiah, s.shop_id or 0))


async def _remittance_discrepancies() -> list[CashOutstanding]:
    totals: dict[tuple[int, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in await CashRemittance.filter().values("shop_id", "shop__name", "shop__kecamatan", "owed", "remitted"):
        if row["remitted"] != row["owed"]:
            total = totals[(row["shop_id"], row["shop__name"], row["shop__kecamatan"])]
            total[0] += 1
            total[1] += row["remitted"] - row["owed"]
    return [CashOutstanding(shop, name, kecamatan, orders, rupiah)
            for (shop, name, kecamatan), (orders, rupiah) in sorted(totals.items(), key=lambda t: (t[1][1], t[0][0]))]
