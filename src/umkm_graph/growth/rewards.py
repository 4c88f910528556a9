"""Referral rewards (issue 17, section 2): when an account that registered with a referral code completes its first
order, the city's running reward programme grants its voucher to the referrer, the new buyer, or both (the
programme's rewardFor). The order jobs run it, so the voucher comes within one jobs interval of the completion.

- Once per referral: the referral's reward_settled_at is stamped by a conditional update in the transaction that
  writes the grants, so two jobs processes at once grant it once between them, and a second completed order of the
  same buyer grants nothing.
- The first completed order counts only if it was completed while the programme ran (on or after its start): a
  referral whose buyer had completed an order before is settled with no grant, so a programme started later does
  not reward old referrals.
- No running reward programme: nothing is settled, so the referrals wait for one.
- A programme's budget is spent at checkout, not at the grant: a granted voucher can meet a spent budget, and is
  then refused as any voucher is (BUDGET_EXHAUSTED), never overspent.
"""

from __future__ import annotations

import datetime as dt

from tortoise.functions import Min
from tortoise.transactions import in_transaction

from umkm_graph.growth.models import Referral
from umkm_graph.orders.models import OrderStatus, OrderTransition
from umkm_graph.promotions.grants import grant, running_reward_programme

BATCH = 200  # referrals per run


async def grant_referral_rewards(now: dt.datetime | None = None, limit: int = BATCH) -> int:
    """Settle the referrals whose new buyer has completed an order: grant the running reward programme's voucher where
    the first completion came while it ran. How many vouchers were granted."""
    now = now or dt.datetime.now(dt.UTC)
    programme = await running_reward_programme(now)
    if programme is None:
        return 0
    due = await Referral.filter(reward_settled_at__isnull=True, referred__orders__status=OrderStatus.COMPLETED) \
        .distinct().order_by("id").limit(limit).values("id", "referrer_id", "referred_id")
    if not due:
        return 0
    firsts = dict(await OrderTransition.filter(
        to_status=OrderStatus.COMPLETED, order__buyer_id__in=[row["referred_id"] for row in due],
    ).annotate(first=Min("created_at")).group_by("order__buyer_id").values_list("order__buyer_id", "first"))
    granted = 0
    for row in due:
        first = firsts.get(row["referred_id"])
        async with in_transaction() as connection:
            if not await Referral.filter(id=row["id"], reward_settled_at__isnull=True).using_db(connection) \
                    .update(reward_settled_at=now):
                continue  # another jobs process settled it
            if first is not None and _utc(first) >= programme.starts_at:
                granted += await grant(programme, {"REFERRER": row["referrer_id"], "REFERRED": row["referred_id"]},
                                       connection)
    return granted


def _utc(moment: dt.datetime | str) -> dt.datetime:
    """An aggregate's datetime: SQLite answers MIN() as text."""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
