"""The demo's growth (issue 17): five buyers shared the documented shop or its first product 20 days before the
anchor, and their links were opened; the documented ASN invited five resident buyers (referrals); the documented shop
declared its annual sales, and the city mentored it 60 days before the anchor, so the examples show the spread (since
the start and by month), the shop's class and a mentoring's before and after. Nothing here draws from the random
stream, so the rest of the demo stays as it was."""

from __future__ import annotations

import datetime as dt

from umkm_graph.core.wib import today_wib
from umkm_graph.demo.run import SeedRun
from umkm_graph.demo.shops import DEMO_SHOP_SLUG
from umkm_graph.growth import mentoring, naik_kelas, sharing
from umkm_graph.growth.models import Referral, SalesDeclaration, ShareLink, ShareVisit

SHARERS = 5  # k at the default UMKM_MIN_GROUP_SIZE: the spread's Klojen figures show
SHARED_DAYS_BEFORE_ANCHOR = 20  # before the first visit, 13 days before: all in October 2026
REFERRED = 5  # resident buyers the documented ASN invited: k at the default, so the OPD's figure shows
INVITER_EMAIL = "asn@example.id"
DECLARED_ANNUAL_SALES = 1_800_000_000  # micro, near the Rp2 billion line
MENTORED_DAYS_BEFORE_ANCHOR = 60


async def add_growth(run: SeedRun) -> None:
    seeded = next(s for s in run.shops if s.shop.slug == DEMO_SHOP_SLUG)
    for index, buyer in enumerate(run.buyers[:SHARERS]):
        product_id = seeded.products[0].id if index % 2 == 0 else None
        link = await sharing.create_share_link(buyer.user, product_id, None if product_id else seeded.shop.id)
        for visit in range(index + 1):
            await ShareVisit.create(link_id=link.id, visitor=f"demo-visitor-{index}-{visit}",
                                    visited_at=run.anchor - dt.timedelta(days=3 * visit + 1))
        await ShareLink.filter(id=link.id).update(created_at=run.anchor - dt.timedelta(days=SHARED_DAYS_BEFORE_ANCHOR))
    await add_referrals(run)
    await naik_kelas.declare_annual_sales(seeded.owner, seeded.shop.id, DECLARED_ANNUAL_SALES)
    await SalesDeclaration.filter(shop_id=seeded.shop.id).update(declared_at=run.anchor - dt.timedelta(days=200))
    day = min(run.anchor.date() - dt.timedelta(days=MENTORED_DAYS_BEFORE_ANCHOR), today_wib())
    await mentoring.record_mentoring(run.officer, seeded.shop.id, mentoring.MentoringDraft(
        mentor="Diskopindag Kota Malang, Klinik UMKM", mentored_on=day,
        topic="Foto produk, kemasan, dan pencatatan penjualan harian"))


async def add_referrals(run: SeedRun) -> None:
    """The documented ASN invited the first REFERRED resident buyers, who registered with the code (all bought: every
    demo buyer's first order went well)."""
    inviter = next(b.user for b in run.buyers if b.user.email == INVITER_EMAIL)
    residents = [b for b in run.buyers if b.user.nip is None][:REFERRED]
    for buyer in residents:
        await Referral.create(referrer_id=inviter.id, referred_id=buyer.user.id)
        await Referral.filter(referred_id=buyer.user.id).update(created_at=buyer.user.created_at)
