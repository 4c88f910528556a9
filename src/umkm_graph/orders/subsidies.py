"""What the city owes a shop for its programmes' vouchers on an order, on the shop's balance (balances/ledger.py):
credited when the order is paid (a cashless payment settles, or the seller confirms the cash), taken back with the
vouchers when the order is cancelled or refunded whole. Call inside the transaction of that change."""

from __future__ import annotations

from umkm_graph.balances import ledger
from umkm_graph.orders.models import Order
from umkm_graph.promotions.redeem import city_funded
from umkm_graph.promotions.redeem import give_back as give_back_vouchers


async def credit(order: Order) -> None:
    await ledger.credit_city_subsidy(order.id, order.shop_id, await city_funded(order.id), order.reference)  # type: ignore[attr-defined]


async def give_back(order: Order) -> None:
    """The order's vouchers back to their promotions, and the city's subsidy of it back off the shop's balance."""
    await give_back_vouchers(order.id)
    await ledger.take_back_city_subsidy(order.id, order.reference)
