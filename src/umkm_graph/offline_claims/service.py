"""An ASN's claim of a purchase at a local shop not on the app, its guards against abuse, and a CITY_OFFICER's decision.

The guards, each refusing with the field at fault: a photo of the ASN's own uploads, not used by another claim and not
the same picture as one (perceptual hash, photo_hash.py); a purchase date in the past, at most MAX_AGE_DAYS ago; an
amount from MIN_AMOUNT to MAX_AMOUNT; at most MAX_PER_MONTH claims (rejected ones aside) per ASN per month of purchase.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.regions import checked_place
from umkm_graph.core.text import clean_text
from umkm_graph.core.wib import today_wib
from umkm_graph.offline_claims.models import ClaimStatus, OfflineClaim, ShopInvitation
from umkm_graph.offline_claims.photo_hash import dhash, same_photo
from umkm_graph.people.access import require_role, require_user
from umkm_graph.people.models import Role, User
from umkm_graph.uploads.models import Upload
from umkm_graph.uploads.storage import MediaStorage, key_of

MIN_AMOUNT = 1_000
MAX_AMOUNT = 5_000_000  # a household's shopping at a warung, not a wholesale order
MAX_AGE_DAYS = 60
MAX_PER_MONTH = 10
MAX_REASON = 500
INVITATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


@dataclass(frozen=True)
class ClaimDraft:
    photo_upload_id: int
    amount: int
    purchased_on: dt.date
    shop_name: str
    kecamatan: str
    kelurahan: str


def name_key(name: str) -> str:
    return " ".join(name.casefold().split())


async def submit_claim(user: User | None, draft: ClaimDraft, storage: MediaStorage,
                       now: dt.datetime | None = None) -> OfflineClaim:
    asn = require_user(user)
    if asn.opd_unit_id is None:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.FORBIDDEN, "Offline purchases are claimed by ASN: register your NIP and OPD first")
    today = today_wib(now)
    check = Validator(["input"])
    check.check(MIN_AMOUNT <= draft.amount <= MAX_AMOUNT, "amount",
                f"A purchase claimed is Rp{MIN_AMOUNT:,} to Rp{MAX_AMOUNT:,}".replace(",", "."))
    check.check(draft.purchased_on <= today, "purchasedOn", "A purchase is claimed once made: the date is today or "
                "before (WIB)")
    check.check(draft.purchased_on >= today - dt.timedelta(days=MAX_AGE_DAYS), "purchasedOn",
                f"A purchase is claimed within {MAX_AGE_DAYS} days")
    shop_name = clean_text(check, "shopName", draft.shop_name, label="The shop's name", max_length=120)
    kecamatan, kelurahan = checked_place(check, "", draft.kecamatan, draft.kelurahan, None, None)
    check.raise_if_any()
    month = draft.purchased_on.replace(day=1)
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    claimed = await OfflineClaim.filter(asn_id=asn.id, purchased_on__gte=month, purchased_on__lt=next_month).exclude(
        status=ClaimStatus.REJECTED).count()
    if claimed >= MAX_PER_MONTH:
        raise DomainError(ErrorCode.LIMIT_REACHED, f"At most {MAX_PER_MONTH} offline purchases are claimed per month: "
                          f"you have claimed {claimed} in {month:%B %Y}", ["input", "purchasedOn"])
    upload, photo_hash = await _photo(asn, draft.photo_upload_id, storage)
    try:
        return await OfflineClaim.create(asn=asn, opd_unit_id=asn.opd_unit_id,  # type: ignore[attr-defined]
                                         photo=upload, photo_hash=photo_hash, amount=draft.amount,
                                         purchased_on=draft.purchased_on, shop_name=shop_name, kecamatan=kecamatan,
                                         kelurahan=kelurahan)
    except IntegrityError:
        raise DomainError(ErrorCode.ALREADY_EXISTS, "This photo is already claimed", ["input", "photoUploadId"]) from None


async def _photo(asn: User, upload_id: int, storage: MediaStorage) -> tuple[Upload, str]:
    """The ASN's own upload and its hash, if no claim used it or the same picture yet (a rejected claim's included:
    a photo refused once is not sent again)."""
    at = ["input", "photoUploadId"]
    upload = await Upload.get_or_none(id=upload_id, owner_id=asn.id)
    if upload is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No upload of yours has this id: send the photo to POST /uploads first", at)
    data = await storage.get(key_of(upload.sha256, "thumb"))
    if data is None:
        raise DomainError(ErrorCode.NOT_FOUND, "This upload's image is missing: send the photo again", at)
    photo_hash = dhash(data)
    if await OfflineClaim.exists(photo_id=upload.id) or any(
            same_photo(photo_hash, seen) for seen in await _claimed_hashes()):
        raise DomainError(ErrorCode.ALREADY_EXISTS, "This photo, or the same picture, is already in a claim", at)
    return upload, photo_hash


async def _claimed_hashes() -> list[str]:
    """Every claim's photo hash, to compare a new one with (a few thousand claims a month stay cheap to scan)."""
    return list(await OfflineClaim.all().values_list("photo_hash", flat=True))  # type: ignore[arg-type]


async def decide_claim(user: User | None, claim_id: int, approve: bool, reason: str | None,
                       now: dt.datetime | None = None) -> OfflineClaim:
    """A CITY_OFFICER approves (the reason optional) or rejects (with a reason) a PENDING claim. An approved claim's shop
    gets its invitation: one per shop name and kelurahan, however many claims name it."""
    officer = require_role(user, Role.CITY_OFFICER)
    check = Validator(["input"])
    cleaned = None if reason is None else clean_text(check, "reason", reason, label="A reason",
                                                     max_length=MAX_REASON, required=not approve)
    check.check(approve or bool(cleaned), "reason", "Say why the claim is rejected", ErrorCode.REQUIRED)
    check.raise_if_any()
    claim = await OfflineClaim.get_or_none(id=claim_id)
    if claim is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No claim has this id", ["input", "claimId"])
    if claim.status != ClaimStatus.PENDING:
        raise DomainError(ErrorCode.INVALID_TRANSITION, f"This claim was {claim.status.value.lower()} already",
                          ["input", "claimId"])
    async with in_transaction():
        invitation = await _invitation_for(claim) if approve else None
        changed = await OfflineClaim.filter(id=claim.id, status=ClaimStatus.PENDING).update(
            status=ClaimStatus.APPROVED if approve else ClaimStatus.REJECTED, decided_by_id=officer.id,
            decided_at=now or dt.datetime.now(dt.UTC), reason=cleaned,
            invitation_id=invitation.id if invitation else None)
        if not changed:
            raise DomainError(ErrorCode.INVALID_TRANSITION, "This claim was decided meanwhile", ["input", "claimId"])
    await claim.refresh_from_db()
    return claim


async def _invitation_for(claim: OfflineClaim) -> ShopInvitation:
    key = name_key(claim.shop_name)
    found = await ShopInvitation.get_or_none(kelurahan=claim.kelurahan, name_key=key)
    if found is not None:
        return found
    code = "".join(secrets.choice(INVITATION_ALPHABET) for _ in range(8))
    return await ShopInvitation.create(code=code, shop_name=claim.shop_name, name_key=key, kecamatan=claim.kecamatan,
                                       kelurahan=claim.kelurahan)


async def my_claims(user: User | None) -> list[OfflineClaim]:
    asn = require_user(user)
    return await OfflineClaim.filter(asn_id=asn.id).order_by("-purchased_on", "-id").limit(100).prefetch_related(
        "invitation")


async def claims_to_decide(user: User | None, status: ClaimStatus) -> list[OfflineClaim]:
    require_role(user, Role.CITY_OFFICER, Role.ANALYST)
    return await OfflineClaim.filter(status=status).order_by("created_at", "id").limit(100).prefetch_related(
        "invitation")
