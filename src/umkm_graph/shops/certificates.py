"""Certificates buyers trust: a seller records a shop's halal certificate, P-IRT permit, BPOM registration or NIB; a city
officer verifies or rejects it; a verified one gives the shop a badge until its valid_until passes (by itself: a badge is
read against today's WIB date, nothing has to run).

What each number looks like (KNOWN_FORMATS); a number outside its known form is still accepted, flagged
number_format_known=false for the officer, since the issuers' forms have changed over the years:
- HALAL, BPJPH: "ID" and digits (e.g. ID35110000123450521), checked at halal.go.id. Since Perppu 2/2022 (Law 6/2023)
  a certificate stays valid while the product's materials and process are unchanged, so valid_until may be absent;
  older MUI certificates carry an end date.
- PIRT, SPP-IRT (Peraturan BPOM 22/2018): 15 digits, which encode the packaging, the food type, the kabupaten/kota
  and the year the permit ends; it is valid for 5 years, so valid_until is required.
- BPOM: "MD" (domestic) or "ML" (imported) and 12 digits, printed "BPOM RI MD 224510001234"; registrations run 5 years,
  so valid_until is required.
- NIB, OSS: exactly 13 digits (domain.md), and it must be the shop's own NIB; it does not expire.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from umkm_graph import changes
from umkm_graph.changes import Entity
from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.paging import Page, Window, page_of
from umkm_graph.core.text import clean_text
from umkm_graph.core.wib import today_wib
from umkm_graph.people.access import is_city, require_role
from umkm_graph.people.models import Role, User
from umkm_graph.shops.models import CertificateKind, CertificateStatus, Shop, ShopCertificate
from umkm_graph.shops.service import get_owned_shop

KNOWN_FORMATS: dict[CertificateKind, re.Pattern[str]] = {
    CertificateKind.HALAL: re.compile(r"ID[0-9]{14,20}"),
    CertificateKind.PIRT: re.compile(r"[0-9]{15}"),
    CertificateKind.BPOM: re.compile(r"(MD|ML) [0-9]{12}"),
    CertificateKind.NIB: re.compile(r"[0-9]{13}"),
}
DEFAULT_ISSUERS = {
    CertificateKind.HALAL: "BPJPH Kementerian Agama",
    CertificateKind.PIRT: "Pemerintah Kota Malang",
    CertificateKind.BPOM: "Badan POM",
    CertificateKind.NIB: "OSS (Kementerian Investasi/BKPM)",
}
REQUIRES_END_DATE = frozenset({CertificateKind.PIRT, CertificateKind.BPOM})
NEVER_ENDS = frozenset({CertificateKind.NIB})
# Letters, digits and the separators issuers print; anything else is a typo or an attempt to smuggle text in.
_NUMBER_CHARACTERS = re.compile(r"[A-Za-z0-9 ./-]{1,60}")
MOST_ISSUED_YEARS_AGO = 30
EXPIRING_SOON_DAYS = 30  # the seller sees expiresInDays; within this many days the certificate is "expiring soon"


@dataclass
class CertificateDraft:
    kind: CertificateKind
    number: str
    issued_on: dt.date
    valid_until: dt.date | None = None
    issuer: str | None = None


def normalised_number(kind: CertificateKind, raw: str) -> str:
    """The number as issuers print it, without the decoration sellers copy along ("BPOM RI", dots, double spaces)."""
    number = " ".join(raw.upper().split())
    if kind == CertificateKind.BPOM:
        number = re.sub(r"^(BPOM\s*RI\s*)", "", number)
        number = re.sub(r"^(MD|ML)\s*([0-9])", r"\1 \2", number)
    elif kind == CertificateKind.PIRT:
        number = re.sub(r"[ .-]", "", re.sub(r"^P-?IRT\s*(NO\.?)?\s*", "", number))
    elif kind == CertificateKind.NIB:
        number = re.sub(r"[ .-]", "", number)
    elif kind == CertificateKind.HALAL:
        number = number.replace(" ", "")
    return number


def _clean(shop: Shop, draft: CertificateDraft, today: dt.date) -> dict[str, object]:
    check = Validator(["input"])
    number = normalised_number(draft.kind, draft.number)
    known = bool(KNOWN_FORMATS[draft.kind].fullmatch(number))
    if not number:
        check.add("number", "Give the certificate's number", ErrorCode.REQUIRED)
    elif not _NUMBER_CHARACTERS.fullmatch(number):
        check.add("number", "A certificate number has 1 to 60 letters, digits, spaces, dots, slashes or hyphens")
    elif draft.kind == CertificateKind.NIB and not known:
        check.add("number", "NIB must be exactly 13 digits")
    elif draft.kind == CertificateKind.NIB and number != shop.nib:
        check.add("number", "The NIB to verify must be the shop's own NIB")
    issuer = DEFAULT_ISSUERS[draft.kind] if draft.issuer is None else \
        clean_text(check, "issuer", draft.issuer, label="Issuer", max_length=120)
    if draft.issued_on > today:
        check.add("issuedOn", "A certificate cannot be issued after today")
    elif draft.issued_on.year < today.year - MOST_ISSUED_YEARS_AGO:
        check.add("issuedOn", f"A certificate issued more than {MOST_ISSUED_YEARS_AGO} years ago is not plausible")
    until = draft.valid_until
    if until is None and draft.kind in REQUIRES_END_DATE:
        check.add("validUntil", f"A {draft.kind.value} registration runs for a fixed term: give its end date",
                  ErrorCode.REQUIRED)
    elif until is not None and draft.kind in NEVER_ENDS:
        check.add("validUntil", "A NIB does not expire: leave validUntil out")
    elif until is not None and until < draft.issued_on:
        check.add("validUntil", "validUntil must not come before issuedOn")
    elif until is not None and until < today:
        check.add("validUntil", "This certificate has already expired: record the renewed one")
    check.raise_if_any()
    return {"kind": draft.kind, "number": number, "number_format_known": known, "issuer": issuer,
            "issued_on": draft.issued_on, "valid_until": until}


async def record_certificate(user: User | None, shop_id: int, draft: CertificateDraft) -> ShopCertificate:
    """The owner records a certificate; it waits for a city officer. The same number of the same kind, waiting or
    verified, is recorded once per shop."""
    shop = await get_owned_shop(user, shop_id)
    values = _clean(shop, draft, today_wib())
    async with in_transaction():
        await Shop.select_for_update().get(id=shop.id)  # one recording at a time per shop: the check below holds
        if await ShopCertificate.filter(shop_id=shop.id, kind=values["kind"], number=values["number"],
                                        status__in=(CertificateStatus.PENDING, CertificateStatus.VERIFIED)).exists():
            raise DomainError(ErrorCode.ALREADY_EXISTS, "This shop already has this certificate, waiting or verified",
                              ["input", "number"])
        certificate = await ShopCertificate.create(shop_id=shop.id, **values)
    return certificate


# Which status an officer may give a certificate, from which: a verified one found false is rejected later.
_DECISIONS: dict[CertificateStatus, tuple[CertificateStatus, ...]] = {
    CertificateStatus.VERIFIED: (CertificateStatus.PENDING,),
    CertificateStatus.REJECTED: (CertificateStatus.PENDING, CertificateStatus.VERIFIED),
}


async def decide_certificate(user: User | None, certificate_id: int, status: CertificateStatus,
                             reason: str | None) -> ShopCertificate:
    """A city officer verifies a waiting certificate, or rejects a waiting or verified one with a reason."""
    officer = require_role(user, Role.CITY_OFFICER)
    check = Validator()
    if status == CertificateStatus.REJECTED and not (reason and reason.strip()):
        check.add("reason", "Give a reason when the certificate is rejected", ErrorCode.REQUIRED)
    elif reason is not None:
        reason = clean_text(check, "reason", reason, label="Reason", max_length=500, required=False) or None
    check.raise_if_any()
    async with in_transaction():
        certificate = await ShopCertificate.select_for_update().get_or_none(id=certificate_id)
        if certificate is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No certificate has this id", "id")
        if certificate.status not in _DECISIONS[status]:
            raise DomainError(ErrorCode.INVALID_TRANSITION,
                              f"A {certificate.status.value} certificate cannot become {status.value}", "id")
        if status == CertificateStatus.VERIFIED and is_expired(certificate, today_wib()):
            raise DomainError(ErrorCode.INVALID, "This certificate has expired: it can no longer be verified", "id")
        certificate.status, certificate.reason = status, reason
        certificate.decided_at, certificate.decided_by_id = dt.datetime.now(dt.UTC), officer.id  # type: ignore[attr-defined]
        await certificate.save(update_fields=["status", "reason", "decided_at", "decided_by_id"])
    await changes.changed(Entity.SHOP, Entity.PRODUCT)  # badges are public: cached answers must not keep the old ones
    return certificate


def is_expired(certificate: ShopCertificate, today: dt.date) -> bool:
    return certificate.valid_until is not None and certificate.valid_until < today


def gives_badge(certificate: ShopCertificate, today: dt.date) -> bool:
    return certificate.status == CertificateStatus.VERIFIED and not is_expired(certificate, today)


def expires_in_days(certificate: ShopCertificate, today: dt.date) -> int | None:
    return None if certificate.valid_until is None else (certificate.valid_until - today).days


def badges(certificates: list[ShopCertificate], today: dt.date | None = None) -> list[CertificateKind]:
    """The badges these certificates give, in CertificateKind's order."""
    today = today or today_wib()
    held = {certificate.kind for certificate in certificates if gives_badge(certificate, today)}
    return [kind for kind in CertificateKind if kind in held]


def certificates_seen_by(user: User | None, shop: Shop, certificates: list[ShopCertificate]) -> list[ShopCertificate]:
    """The owner and the city see every certificate of the shop; anyone else the ones that give a badge, so a buyer
    can check the number with its issuer."""
    if is_city(user) or (user is not None and user.id == shop.owner_id):  # type: ignore[attr-defined]
        return certificates
    today = today_wib()
    return [certificate for certificate in certificates if gives_badge(certificate, today)]


async def certificate_page(user: User | None, status: CertificateStatus | None, kind: CertificateKind | None,
                           window: Window) -> Page[ShopCertificate]:
    """The city's work list: certificates of every shop, oldest recorded first."""
    require_role(user, Role.CITY_OFFICER, Role.ANALYST)
    query = ShopCertificate.all()
    if status is not None:
        query = query.filter(status=status)
    if kind is not None:
        query = query.filter(kind=kind)
    return await page_of(query, window, ("recorded_at", "id"))


async def owned_certificate(user: User | None, certificate_id: int) -> ShopCertificate:
    """A certificate of one of the seller's own shops."""
    seller = require_role(user, Role.SELLER)
    certificate = await ShopCertificate.get_or_none(id=certificate_id).select_related("shop")
    if certificate is None or certificate.shop.owner_id != seller.id:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.NOT_FOUND, "No certificate of your shops has this id", "certificateId")
    return certificate
