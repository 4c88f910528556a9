"""A shop invited through claims joins: its seller redeems the invitation's code for the shop they registered, and the
claims of purchases there link to it; the city's count of what claims brought."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tortoise.functions import Count, Sum
from tortoise.transactions import in_transaction

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.offline_claims.models import ClaimStatus, OfflineClaim, ShopInvitation
from umkm_graph.people.access import require_role
from umkm_graph.people.models import Role, User
from umkm_graph.shops.models import Shop
from umkm_graph.shops.service import get_owned_shop


def invitation_link(public_url: str | None, code: str) -> str:
    """Where an invited shop registers: the app's page for a new shop, with the code filled in."""
    return f"{(public_url or 'http://127.0.0.1:8000').rstrip('/')}/daftar-toko?undangan={code}"


async def join_with_invitation(user: User | None, shop_id: int, code: str,
                               now: dt.datetime | None = None) -> ShopInvitation:
    shop: Shop = await get_owned_shop(user, shop_id)
    invitation = await ShopInvitation.get_or_none(code=code.strip().upper())
    if invitation is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No invitation has this code", "code")
    if invitation.shop_id is not None:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.ALREADY_EXISTS, "This invitation was used already", "code")
    async with in_transaction():
        taken = await ShopInvitation.filter(id=invitation.id, shop_id=None).update(
            shop_id=shop.id, joined_at=now or dt.datetime.now(dt.UTC))
        if not taken:
            raise DomainError(ErrorCode.ALREADY_EXISTS, "This invitation was used already", "code")
    await invitation.refresh_from_db()
    return invitation


@dataclass(frozen=True)
class ClaimsSummary:
    month: dt.date
    approved_claims: int
    approved_amount: int
    claiming_asn: int
    pending_claims: int
    rejected_claims: int
    invitations: int
    shops_joined: int  # of every invitation so far


async def claims_summary(user: User | None, month: dt.date) -> ClaimsSummary:
    """The month's offline claims (by purchase date) for the city, beside the shops that joined through claims."""
    require_role(user, Role.CITY_OFFICER, Role.ANALYST)
    if not 2000 <= month.year <= 2999:
        raise DomainError(ErrorCode.INVALID, "Give a month from 2000 to 2999", "month")
    first = month.replace(day=1)
    end = (first + dt.timedelta(days=32)).replace(day=1)
    rows = await (OfflineClaim.filter(purchased_on__gte=first, purchased_on__lt=end).annotate(
        n=Count("id"), total=Sum("amount")).group_by("status").values("status", "n", "total"))
    by_status = {ClaimStatus(row["status"]): row for row in rows}
    approved = by_status.get(ClaimStatus.APPROVED, {})
    asn = await (OfflineClaim.filter(purchased_on__gte=first, purchased_on__lt=end, status=ClaimStatus.APPROVED)
                 .distinct().values_list("asn_id", flat=True))
    return ClaimsSummary(
        month=first, approved_claims=int(approved.get("n") or 0), approved_amount=int(approved.get("total") or 0),
        claiming_asn=len(set(asn)), pending_claims=int(by_status.get(ClaimStatus.PENDING, {}).get("n") or 0),
        rejected_claims=int(by_status.get(ClaimStatus.REJECTED, {}).get("n") or 0),
        invitations=await ShopInvitation.all().count(),
        shops_joined=await ShopInvitation.filter(shop_id__not_isnull=True).count())
