"""The checkout's voucher codes applied to its planned orders, once their delivery fees are quoted and before the
providers are asked for payments, so every gateway is told the discounted total (promotions/applying.py)."""

from __future__ import annotations

import datetime as dt

from umkm_graph.checkout.plan import OrderPlan
from umkm_graph.people.models import User
from umkm_graph.promotions.applying import Basket, BasketLine, apply_codes


async def apply_vouchers(buyer: User, codes: list[str], plans: list[OrderPlan], now: dt.datetime) -> None:
    """Each plan's grants; a DomainError naming the code when one is refused."""
    if not codes:
        return
    baskets = [Basket(shop_id=plan.shop.id, shop_status=plan.shop.status, delivery_fee=plan.fee, lines=[
        BasketLine(product_id=line.product.id, category_id=line.product.category_id,  # type: ignore[attr-defined]
                   line_total=line.product.price * line.quantity) for line in plan.lines]) for plan in plans]
    await apply_codes(buyer, codes, baskets, now)
    for plan, basket in zip(plans, baskets, strict=True):
        plan.grants = basket.grants
