"""The demo's certificates: the documented seller's shop holds a verified halal certificate covering all its products,
a verified P-IRT permit that expires in EXPIRING_IN_DAYS (so the examples show a renewal due), and a BPOM registration
waiting for the officer. Badges read today's date, so these dates count from the day of seeding, not from the anchor."""

from __future__ import annotations

import datetime as dt

from umkm_graph.catalog import certificates as covered
from umkm_graph.core.wib import today_wib
from umkm_graph.demo.run import SeedRun
from umkm_graph.demo.shops import DEMO_SHOP_SLUG
from umkm_graph.shops import certificates
from umkm_graph.shops.models import CertificateKind, CertificateStatus

EXPIRING_IN_DAYS = 20


async def add_certificates(run: SeedRun) -> None:
    seeded = next(s for s in run.shops if s.shop.slug == DEMO_SHOP_SLUG)
    today = today_wib()
    drafts = [
        (certificates.CertificateDraft(CertificateKind.HALAL, "ID35730000518270924", today - dt.timedelta(days=400)),
         True),
        (certificates.CertificateDraft(CertificateKind.PIRT, "206357301012326",
                                       today - dt.timedelta(days=5 * 365 - EXPIRING_IN_DAYS),
                                       today + dt.timedelta(days=EXPIRING_IN_DAYS)), True),
        (certificates.CertificateDraft(CertificateKind.BPOM, "BPOM RI MD 224513001234", today - dt.timedelta(days=30),
                                       today + dt.timedelta(days=5 * 365 - 30)), False),
    ]
    products = [product.id for product in seeded.products]
    for draft, verify in drafts:
        certificate = await certificates.record_certificate(seeded.owner, seeded.shop.id, draft)
        await covered.set_covered_products(seeded.owner, certificate.id, products)
        if verify:
            await certificates.decide_certificate(run.officer, certificate.id, CertificateStatus.VERIFIED, None)
