"""What one buyer may hold unpaid (hardening II, item 9): stock taken by orders that are open and not paid yet (cash on
delivery until the cash is collected, cashless until it settles) is stock no one else can buy. So a buyer's open,
unpaid orders may hold at most so many units of each product, so many orders, and so many rupiah in all.

Checked inside the transaction that writes the checkout, after the buyer's row is locked (PostgreSQL), so one buyer's
concurrent checkouts are counted one after another and cannot all pass on the same count. SQLite runs one write
transaction at a time anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient

from umkm_graph.checkout.plan import OrderPlan
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.checkout.sql import unpaid_holdings
from umkm_graph.orders.models import OrderStatus

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
    lines = [line for plan in plans for line in plan.lines]
    held = await unpaid_holdings(connection, buyer_id, [status.value for status in HOLDING],
                                 [line.product.id for line in lines] if caps.units_per_product else [])
    _check_orders(held.orders, held.rupiah, plans, caps)
    if caps.units_per_product:
        for line in sorted(lines, key=lambda line: line.index):
            already = held.units.get(line.product.id, 0)
            if already + line.quantity > caps.units_per_product:
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
