"""What one buyer may hold unpaid (hardening II, item 9): stock taken by orders that are open and not paid yet (cash on
delivery until the cash is collected, cashless until it settles) is stock no one else can buy. So a buyer's open,
unpaid orders may hold at most so many units of each product, so many orders, and so many rupiah in all.

Checked inside the transaction that writes the checkout, after the buyer's row is locked (PostgreSQL), so one buyer's
concurrent checkouts are counted one after another and cannot all pass on the same count. SQLite runs one write
transaction at a time anyway.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.functions import Sum

from umkm_graph.checkout.plan import OrderPlan
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.orders.models import Order, OrderLine, OrderStatus
from umkm_graph.payments.models import PaymentStatus

# Open orders that hold their stock: before DELIVERED, the goods are still the shop's.
HOLDING = (OrderStatus.AWAITING_PAYMENT, OrderStatus.PLACED, OrderStatus.ACCEPTED, OrderStatus.READY_FOR_PICKUP,
           OrderStatus.OUT_FOR_DELIVERY)
ADVICE = "pay for or cancel an open order first"


@dataclass(frozen=True)
class UnpaidCaps:
    """The caps; 0 is no cap."""

    units_per_product: int = 0
    orders: int = 0
    rupiah: int = 0

    @property
    def any(self) -> bool:
        return bool(self.units_per_product or self.orders or self.rupiah)


async def check_unpaid_caps(connection: BaseDBAsyncClient, buyer_id: int, plans: list[OrderPlan],
                            caps: UnpaidCaps) -> None:
    """LIMIT_REACHED when the buyer's open unpaid orders and this checkout's together pass a cap. Call inside the
    transaction that writes the checkout, before the write."""
    if not caps.any:
        return
    if connection.capabilities.dialect == "postgres":
        await connection.execute_query("SELECT id FROM users WHERE id = $1 FOR UPDATE", [buyer_id])
    unpaid = Order.filter(buyer_id=buyer_id, status__in=HOLDING, payment__status=PaymentStatus.PENDING)
    if caps.orders or caps.rupiah:
        totals = await unpaid.values_list("total", flat=True)  # few: the caps keep them so
        _check_orders(len(totals), sum(totals), plans, caps)
    if caps.units_per_product:
        lines = [line for plan in plans for line in plan.lines]
        rows = await OrderLine.filter(
            order__buyer_id=buyer_id, order__status__in=HOLDING, order__payment__status=PaymentStatus.PENDING,
            product_id__in=[line.product.id for line in lines],
        ).annotate(units=Sum("quantity")).group_by("product_id").values("product_id", "units")
        held_units = Counter({row["product_id"]: int(row["units"]) for row in rows})
        for line in sorted(lines, key=lambda line: line.index):
            if held_units[line.product.id] + line.quantity > caps.units_per_product:
                already = held_units[line.product.id]
                raise DomainError(ErrorCode.LIMIT_REACHED, (
                    f"Your unpaid orders may hold at most {caps.units_per_product} units of {line.product.name}"
                    + (f"; they hold {already} already" if already else "") + f": {ADVICE}, or buy fewer"
                ), ["input", "lines", str(line.index), "quantity"])


def _check_orders(held_orders: int, held_rupiah: int, plans: list[OrderPlan], caps: UnpaidCaps) -> None:
    if caps.orders and held_orders + len(plans) > caps.orders:
        raise DomainError(ErrorCode.LIMIT_REACHED, f"You may have at most {caps.orders} unpaid orders open, and "
                          f"you have {held_orders}: {ADVICE}", ["input"])
    total = sum(plan.total for plan in plans)
    if caps.rupiah and held_rupiah + total > caps.rupiah:
        raise DomainError(ErrorCode.LIMIT_REACHED, f"Your open orders may hold at most Rp{caps.rupiah:,} unpaid in "
                          f"all; they hold Rp{held_rupiah:,} and this checkout is Rp{total:,}: {ADVICE}"
                          .replace(",", "."), ["input"])
