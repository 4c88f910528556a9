"""The demo's promotions: the documented seller's shop runs BUSRI10 (10% off the whole shop above Rp50.000, twice per
buyer), and the city runs Kamis Mbois (KAMISMBOIS: 10% off sembako for ASN on Thursdays at verified shops, up to
Rp25.000 an order, within a Rp50 million budget) and Ajak Teman (AJAKTEMAN: a referral reward of Rp10.000 off for the
inviter and the invited buyer, from before the demo's history, so the referred buyers' first orders earned it: the
order jobs' reward step runs here). Dates count from the day of seeding, so all are running whenever the demo is
seeded."""

from __future__ import annotations

import datetime as dt

from umkm_graph.demo.run import HISTORY_DAYS, SeedRun
from umkm_graph.demo.shops import DEMO_SHOP_SLUG
from umkm_graph.people.models import Role
from umkm_graph.promotions import service as promotions
from umkm_graph.growth.rewards import grant_referral_rewards
from umkm_graph.promotions.models import PromotionKind, RewardFor

SHOP_CODE = "BUSRI10"
PROGRAMME_CODE = "KAMISMBOIS"
REWARD_CODE = "AJAKTEMAN"


async def add_promotions(run: SeedRun) -> None:
    seeded = next(s for s in run.shops if s.shop.slug == DEMO_SHOP_SLUG)
    now = dt.datetime.now(dt.UTC)
    await promotions.create_shop_promotion(seeded.owner, seeded.shop.id, promotions.PromotionDraft(
        code=SHOP_CODE, name="Diskon 10% Toko Bu Sri", kind=PromotionKind.PERCENT_OFF, value=10,
        starts_at=now - dt.timedelta(days=1), ends_at=now + dt.timedelta(days=30), min_spend=50_000,
        max_uses_per_buyer=2))
    await promotions.create_city_programme(run.officer, promotions.PromotionDraft(
        code=PROGRAMME_CODE, name="Kamis Mbois", kind=PromotionKind.PERCENT_OFF, value=10,
        starts_at=now - dt.timedelta(days=1), ends_at=now + dt.timedelta(days=90), max_discount=25_000,
        budget=50_000_000, roles=[Role.BUYER], asn_only=True, category="sembako", weekdays=[4],
        verified_shops_only=True))
    await promotions.create_city_programme(run.officer, promotions.PromotionDraft(
        code=REWARD_CODE, name="Ajak Teman Belanja", kind=PromotionKind.AMOUNT_OFF, value=10_000,
        starts_at=run.anchor - dt.timedelta(days=HISTORY_DAYS + 30), ends_at=now + dt.timedelta(days=90),
        budget=5_000_000, reward_for=RewardFor.BOTH))
    await grant_referral_rewards(now)
