"""Reward programmes' vouchers granted to people (issue 17, section 2: the city rewards a referral that bought).

A city programme with reward_for other than NONE is usable only by holders of its grants: each grant is one order's
use for its holder, and a use given back (a cancelled order) makes its grant usable again, as the count is grants
against uses not given back. Every other rule of the programme (dates, budget, caps, category, day, ASN, shops)
still applies at checkout. Who is granted what is the granting domain's rule (growth/rewards.py); this module only
writes the grants and answers what a person holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient

from umkm_graph.people.access import require_role
from umkm_graph.people.models import Role, User
from umkm_graph.promotions.models import Funder, Promotion, PromotionGrant, PromotionUse, RewardFor


async def running_reward_programme(now: dt.datetime) -> Promotion | None:
    """The newest city programme rewarding referrals that runs now, if any."""
    return await Promotion.filter(funder=Funder.CITY, reward_for__not=RewardFor.NONE, ended_at__isnull=True,
                                  starts_at__lte=now, ends_at__gt=now).order_by("-created_at", "-id").first()


async def grant(programme: Promotion, user_ids: dict[str, int], connection: BaseDBAsyncClient | None = None) -> int:
    """Grant the programme's voucher to each of these people ({reason: user id}) its reward_for names; how many."""
    wanted = {RewardFor.REFERRER: ("REFERRER",), RewardFor.REFERRED: ("REFERRED",),
              RewardFor.BOTH: ("REFERRER", "REFERRED")}.get(programme.reward_for, ())
    rows = [PromotionGrant(promotion=programme, user_id=user_ids[reason], reason=reason)
            for reason in wanted if reason in user_ids]
    await PromotionGrant.bulk_create(rows, using_db=connection)
    return len(rows)


async def grants_held(buyer_id: int, promotion_ids: list[int],
                      connection: BaseDBAsyncClient | None = None) -> dict[int, int]:
    """promotion id -> how many of its grants the buyer holds (used or not)."""
    held: dict[int, int] = {}
    query = PromotionGrant.filter(user_id=buyer_id, promotion_id__in=promotion_ids)
    for promotion_id in await (query.using_db(connection) if connection else query).values_list("promotion_id",
                                                                                                  flat=True):
        held[promotion_id] = held.get(promotion_id, 0) + 1
    return held


@dataclass(frozen=True)
class HeldVoucher:
    """A reward voucher a person holds: the programme, why it was granted, when, and whether a use is left."""

    programme: Promotion
    reason: str
    granted_at: dt.datetime
    usable: bool


async def my_reward_vouchers(user: User | None) -> list[HeldVoucher]:
    """The signed-in buyer's (or seller's) reward vouchers, newest first: the oldest grants of a programme count as
    used first."""
    person = require_role(user, Role.BUYER, Role.SELLER)
    held = await PromotionGrant.filter(user_id=person.id).select_related("promotion").order_by("created_at", "id")
    ids = list({g.promotion_id for g in held})  # type: ignore[attr-defined]
    used: dict[int, int] = {}
    for promotion_id in await PromotionUse.filter(buyer_id=person.id, promotion_id__in=ids,
                                                  returned_at__isnull=True).values_list("promotion_id", flat=True):
        used[promotion_id] = used.get(promotion_id, 0) + 1
    shown: list[HeldVoucher] = []
    for held_grant in held:
        left = used.get(held_grant.promotion_id, 0)  # type: ignore[attr-defined]
        used[held_grant.promotion_id] = left - 1  # type: ignore[attr-defined]
        shown.append(HeldVoucher(held_grant.promotion, held_grant.reason, held_grant.created_at, usable=left <= 0))
    return list(reversed(shown))
