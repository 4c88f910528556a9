"""Taking a checkout's vouchers, in the transaction that writes its orders, and giving them back when an order is
cancelled.

Each promotion's uses and budget move by one conditional UPDATE (uses + n <= max_uses, spent + amount <= budget), the
way stock is taken (stock >= n): on PostgreSQL the row is locked by the first writer and the others re-check the
condition against its committed value (READ COMMITTED), so of 200 buyers racing for the last 10 uses exactly 10 pass and
a budget is never overspent. Promotions are taken in id order before the stock, so two checkouts cannot deadlock. The
per-buyer cap is counted after the buyer's row is locked (as checkout/holds.py does), so one buyer's concurrent
checkouts are counted one after another. SQLite runs one write transaction at a time.
"""

from __future__ import annotations

import datetime as dt

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F

from umkm_graph.promotions import errors
from umkm_graph.promotions.applying import Grant, per_buyer_cap
from umkm_graph.promotions.grants import grants_held
from umkm_graph.promotions.models import Funder, OrderDiscount, Promotion, PromotionUse, RewardFor


def _take_sql(dialect: str) -> str:
    p = ["$1", "$2", "$3"] if dialect == "postgres" else ["?1", "?2", "?3"]  # numbered: each is used twice
    return (f"UPDATE promotions SET uses = uses + {p[0]}, spent = spent + {p[1]} WHERE id = {p[2]} "
            f"AND ended_at IS NULL AND (max_uses = 0 OR uses + {p[0]} <= max_uses) "
            f"AND (budget = 0 OR spent + {p[1]} <= budget) RETURNING id")


async def take(connection: BaseDBAsyncClient, buyer_id: int, grants: list[Grant]) -> None:
    """Take every promotion's uses and rupiah, or raise the refusal (the transaction then rolls back). Call inside the
    transaction that writes the orders, before the stock is taken."""
    if not grants:
        return
    dialect = connection.capabilities.dialect
    by_promotion: dict[int, list[Grant]] = {}
    for grant in grants:
        by_promotion.setdefault(grant.promotion.id, []).append(grant)
    capped = [gs for gs in by_promotion.values()
              if gs[0].promotion.max_uses_per_buyer or gs[0].promotion.reward_for != RewardFor.NONE]
    if capped and dialect == "postgres":
        await connection.execute_query("SELECT id FROM users WHERE id = $1 FOR UPDATE", [buyer_id])
    held = await grants_held(buyer_id, [gs[0].promotion.id for gs in capped], connection) if capped else {}
    for same in capped:
        promotion = same[0].promotion
        cap = per_buyer_cap(promotion, held.get(promotion.id, 0))
        used = await PromotionUse.filter(promotion_id=promotion.id, buyer_id=buyer_id,
                                         returned_at__isnull=True).using_db(connection).count()
        if used + len(same) > cap:  # a reward programme with no grant left has a cap of 0 here, refused too
            raise errors.buyer_cap_reached(promotion.code, cap, same[0].position)
    for promotion_id in sorted(by_promotion):
        same = by_promotion[promotion_id]
        amount = sum(grant.amount for grant in same)
        rows = await connection.execute_query_dict(_take_sql(dialect), [len(same), amount, promotion_id])
        if not rows:
            await _refuse(connection, same[0], len(same), amount)


async def _refuse(connection: BaseDBAsyncClient, grant: Grant, uses: int, amount: int) -> None:
    now = await Promotion.get(id=grant.promotion.id).using_db(connection)
    if now.ended_at is not None:
        raise errors.expired(now.code, grant.position)
    if now.max_uses and now.uses + uses > now.max_uses:
        raise errors.cap_reached(now.code, grant.position)
    raise errors.budget_exhausted(now.code, grant.position)


async def record(connection: BaseDBAsyncClient, buyer_id: int, grants_by_order: list[tuple[int, list[Grant]]]) -> None:
    """Each order's uses and per-line discounts, once the orders have their ids; in the same transaction."""
    for order_id, grants in grants_by_order:
        for grant in grants:
            use = await PromotionUse.create(promotion_id=grant.promotion.id, order_id=order_id, buyer_id=buyer_id,
                                            amount=grant.amount, using_db=connection)
            rows = [OrderDiscount(use=use, order_id=order_id, product_id=product_id, amount=amount,
                                  funder=grant.promotion.funder) for product_id, amount in grant.lines.items()]
            if grant.delivery:
                rows.append(OrderDiscount(use=use, order_id=order_id, product_id=None, amount=grant.delivery,
                                          funder=grant.promotion.funder))
            await OrderDiscount.bulk_create(rows, using_db=connection)


async def give_back(order_id: int, now: dt.datetime | None = None) -> int:
    """A cancelled order's voucher uses and rupiah back to their promotions, once however often it is called; call in
    the transaction that cancels it. How many uses were given back."""
    at = now or dt.datetime.now(dt.UTC)
    given = 0
    for use in await PromotionUse.filter(order_id=order_id, returned_at__isnull=True):
        if await PromotionUse.filter(id=use.id, returned_at__isnull=True).update(returned_at=at):
            await Promotion.filter(id=use.promotion_id).update(  # type: ignore[attr-defined]
                uses=F("uses") - 1, spent=F("spent") - use.amount)
            given += 1
    return given


async def city_funded(order_id: int) -> int:
    """What city programmes' vouchers took off the order, in rupiah: the city owes it to the shop once it is paid."""
    rows = await OrderDiscount.filter(order_id=order_id, funder=Funder.CITY).values_list("amount", flat=True)
    return int(sum(rows))
