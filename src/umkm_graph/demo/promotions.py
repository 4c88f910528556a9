"""The demo's promotions: the documented seller's shop runs BUSRI10 (10% off the whole shop above Rp50.000, twice per
buyer), and the city runs Kamis Mbois (KAMISMBOIS: 10% off sembako for ASN on Thursdays at verified shops, up to
Rp25.000 an order, within a Rp50 million budget). Dates count from the day of seeding, so both are running whenever the
demo is seeded."""

from __future__ import annotations

import datetime as dt

from umkm_graph.demo.run import SeedRun
from umkm_graph.demo.shops import DEMO_SHOP_SLUG
from umkm_graph.people.models import Role
from umkm_graph.promotions import service as promotions
from umkm_graph.promotions.models import PromotionKind

SHOP_CODE = "BUSRI10"
PROGRAMME_CODE = "KAMISMBOIS"


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
