"""Certificate expiry reminders (issue 17, section 4): the seller is told, once per certificate, when a verified
certificate ends within UMKM_CERTIFICATE_REMINDER_DAYS, so the badge need not lapse. The order jobs run it.

Once: the message is written in the transaction that stamps the certificate's reminded_at by a conditional update, so
two jobs processes at once remind once between them. A certificate whose renewal the seller already recorded (the same
kind, waiting or verified, valid for longer) is not reminded of.
"""

from __future__ import annotations

import datetime as dt

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from umkm_graph.core.wib import today_wib
from umkm_graph.notifications.kinds import Kind
from umkm_graph.notifications.service import notify
from umkm_graph.shops.models import CertificateStatus, ShopCertificate

BATCH = 200  # certificates per run; the soonest to expire first


async def _renewed(certificate: ShopCertificate) -> bool:
    later = Q(valid_until__isnull=True) | Q(valid_until__gt=certificate.valid_until)
    return await ShopCertificate.filter(later, shop_id=certificate.shop_id, kind=certificate.kind,  # type: ignore[attr-defined]
                                        status__in=(CertificateStatus.PENDING, CertificateStatus.VERIFIED)) \
        .exclude(id=certificate.id).exists()


async def remind_expiring(days_before: int, now: dt.datetime | None = None, limit: int = BATCH) -> int:
    """Remind the sellers of verified certificates ending within days_before days of today (WIB); how many."""
    now = now or dt.datetime.now(dt.UTC)
    today = today_wib(now)
    due = await ShopCertificate.filter(
        status=CertificateStatus.VERIFIED, reminded_at__isnull=True, valid_until__gte=today,
        valid_until__lte=today + dt.timedelta(days=days_before),
    ).select_related("shop").order_by("valid_until", "id").limit(limit)
    reminded = 0
    for certificate in due:
        if await _renewed(certificate):
            continue
        async with in_transaction():  # the message exists exactly when the certificate says it was sent
            if await ShopCertificate.filter(id=certificate.id, reminded_at__isnull=True).update(reminded_at=now):
                reminded += 1
                await notify(certificate.shop.owner_id, Kind.CERTIFICATE_EXPIRING, {  # type: ignore[attr-defined]
                    "shop": certificate.shop.name, "certificate": certificate.kind.value, "number": certificate.number,
                    "valid_until": certificate.valid_until.strftime("%d-%m-%Y"),  # type: ignore[union-attr]
                })
    return reminded
