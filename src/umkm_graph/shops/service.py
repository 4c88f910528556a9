"""Shops: registration by a seller, edits by the owner, and verification by the city; identity.py holds what the city
verified (a verified shop's identity changes wait for an officer; a NIB or NPWP belongs to one seller)."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, fields

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from umkm_graph import changes
from umkm_graph.changes import Entity
from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.paging import Page, Window, page_of
from umkm_graph.core.regions import canonical_kecamatan, canonical_kelurahan
from umkm_graph.core.text import ascii_digits, clean_text
from umkm_graph.people.access import is_city, require_role
from umkm_graph.people.models import Role, User
from umkm_graph.shops import identity
from umkm_graph.shops.models import IdentityChangeStatus, Shop, ShopStatus

MAX_DELIVERY_FEE = 500_000


@dataclass
class ShopDraft:
    """The editable fields of a shop. On update, None means 'leave as it is'."""

    name: str | None = None
    slug: str | None = None
    description: str | None = None
    kecamatan: str | None = None
    kelurahan: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    phone: str | None = None
    nib: str | None = None
    npwp: str | None = None
    offers_pickup: bool | None = None
    delivery_fees: dict[str, int] | None = None


REQUIRED_ON_CREATE = ("name", "kecamatan", "kelurahan", "address", "phone", "nib")
# Free text of a shop: (field, label, most characters, multiline); cleaned by core.text.clean_text.
_TEXTS = (("name", "Name", 120, False), ("description", "Description", 5000, True), ("address", "Address", 255, False))


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:120]


def _clean(draft: ShopDraft, current: Shop | None) -> dict[str, object]:
    """Validate a draft against the shop it would change; return the normalised values to write."""
    check = Validator(["input"])
    values: dict[str, object] = {}
    given = {f.name: getattr(draft, f.name) for f in fields(draft) if getattr(draft, f.name) is not None}
    missing: set[str] = set()
    if current is None:
        for name in REQUIRED_ON_CREATE:
            if name not in given or (isinstance(given[name], str) and not given[name].strip()):
                check.add(name, f"{name} is required", ErrorCode.REQUIRED)
                missing.add(name)
    for key, label, most, multiline in _TEXTS:
        if key in given and key not in missing:
            values[key] = clean_text(check, key, str(given[key]), label=label, max_length=most,
                                     required=key != "description", multiline=multiline)
    if "slug" in given:
        slug = given["slug"]
        check.check(bool(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)) and len(slug) <= 120, "slug",
                    "Slug must be lowercase letters, digits and single hyphens, at most 120 characters")
        values["slug"] = slug
    kecamatan = current.kecamatan if current else None
    if "kecamatan" in given:
        kecamatan = canonical_kecamatan(given["kecamatan"])
        if kecamatan is None:
            check.add("kecamatan", f"{given['kecamatan']!r} is not a kecamatan of Kota Malang")
        else:
            values["kecamatan"] = kecamatan
    if ("kelurahan" in given or "kecamatan" in given) and kecamatan is not None:
        kelurahan_name = given.get("kelurahan", current.kelurahan if current else "")
        kelurahan = canonical_kelurahan(kecamatan, kelurahan_name)
        if kelurahan is None:
            check.add("kelurahan", f"{kelurahan_name!r} is not a kelurahan of Kecamatan {kecamatan}")
        else:
            values["kelurahan"] = kelurahan
    if "latitude" in given or "longitude" in given:
        lat = given.get("latitude", current.latitude if current else None)
        lon = given.get("longitude", current.longitude if current else None)
        if lat is None or lon is None:
            check.add("latitude", "Give latitude and longitude together")
        else:
            # Kota Malang lies around 7.9°S 112.6°E; this box is generous but rejects swapped or foreign points.
            check.check(-8.2 <= lat <= -7.7, "latitude", "Latitude must be within Kota Malang (-8.2 to -7.7)")
            check.check(112.4 <= lon <= 112.9, "longitude", "Longitude must be within Kota Malang (112.4 to 112.9)")
            values["latitude"], values["longitude"] = lat, lon
    if "phone" in given:
        phone = ascii_digits(given["phone"], " -")
        check.check(bool(re.fullmatch(r"\+?[0-9]{8,15}", phone)), "phone", "Phone must be 8 to 15 digits, optionally starting with +")
        values["phone"] = phone
    if "nib" in given:
        nib = ascii_digits(given["nib"])
        check.check(bool(re.fullmatch(r"[0-9]{13}", nib)), "nib", "NIB must be exactly 13 digits")
        values["nib"] = nib
    if "npwp" in given:
        npwp = ascii_digits(given["npwp"], " .-")
        check.check(bool(re.fullmatch(r"[0-9]{16}", npwp)), "npwp", "NPWP must be exactly 16 digits")
        values["npwp"] = npwp
    if "offers_pickup" in given:
        values["offers_pickup"] = bool(given["offers_pickup"])
    if "delivery_fees" in given:
        fees: dict[str, int] = {}
        for name, fee in given["delivery_fees"].items():
            canonical = canonical_kecamatan(name)
            if canonical is None:
                check.add("deliveryFees", f"{name!r} is not a kecamatan of Kota Malang")
            elif not 0 <= fee <= MAX_DELIVERY_FEE:
                check.add("deliveryFees", f"Delivery fee to {canonical} must be 0 to {MAX_DELIVERY_FEE} rupiah")
            else:
                fees[canonical] = fee
        values["delivery_fees"] = fees
    check.raise_if_any()
    return values


async def _free_slug(base: str) -> str:
    base = base or "toko"
    slug, n = base, 1
    while await Shop.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


async def create_shop(user: User | None, draft: ShopDraft) -> Shop:
    owner = require_role(user, Role.SELLER)
    values = _clean(draft, None)
    if "slug" in values:
        if await Shop.filter(slug=values["slug"]).exists():
            raise DomainError(ErrorCode.ALREADY_EXISTS, "Another shop already uses this slug", ["input", "slug"])
    else:
        values["slug"] = await _free_slug(slugify(str(values["name"])))
    try:
        async with in_transaction() as connection:
            await identity.lock_numbers(connection, values)
            await identity.check_numbers_free(owner.id, values, None)
            shop = await Shop.create(owner=owner, status=ShopStatus.PENDING, **values)
    except IntegrityError:
        raise DomainError(ErrorCode.ALREADY_EXISTS, "Another shop already uses this slug", ["input", "slug"]) from None
    await changes.changed(Entity.SHOP)
    return shop


async def get_owned_shop(user: User | None, shop_id: int) -> Shop:
    owner = require_role(user, Role.SELLER)
    shop = await Shop.get_or_none(id=shop_id)
    if shop is None or shop.owner_id != owner.id:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.NOT_FOUND, "No shop of yours has this id", "shopId")
    return shop


async def update_shop(user: User | None, shop_id: int, draft: ShopDraft) -> Shop:
    """The owner's edit. Of a verified (or suspended) shop, a change to its identity waits for the city (identity.py),
    checked against any change already waiting; the other fields change at once."""
    await get_owned_shop(user, shop_id)
    try:
        async with in_transaction() as connection:
            shop = await Shop.select_for_update().get(id=shop_id)
            held = shop.status in identity.HOLDS_VERIFIED_IDENTITY
            pending = await identity.pending_change(shop.id) if held else None
            seen = identity.as_proposed(shop, pending)
            values = _clean(draft, seen)
            if "slug" in values and values["slug"] != shop.slug:
                if await Shop.filter(slug=values["slug"]).exists():
                    raise DomainError(ErrorCode.ALREADY_EXISTS, "Another shop already uses this slug", ["input", "slug"])
            await identity.lock_numbers(connection, values)
            await identity.check_numbers_free(shop.owner_id, values, seen)  # type: ignore[attr-defined]
            if held:
                proposed = {key: value for key, value in values.items() if key in identity.IDENTITY_FIELDS}
                values = {key: value for key, value in values.items() if key not in proposed}
                if proposed:
                    seen = copy.copy(seen)
                    seen.update_from_dict(proposed)
                    await identity.propose(shop, seen, pending)
            if values:
                shop.update_from_dict(values)
                await shop.save(update_fields=list(values))
    except IntegrityError:
        raise DomainError(ErrorCode.ALREADY_EXISTS, "Another shop already uses this slug", ["input", "slug"]) from None
    await changes.changed(Entity.SHOP)
    return shop


async def decide_identity_change(user: User | None, shop_id: int, approve: bool, reason: str | None = None) -> Shop:
    """A city officer approves or rejects the change to a shop's identity that waits for the city."""
    async with in_transaction() as connection:
        shop = await identity.decide(user, shop_id, approve, reason, connection)
    await changes.changed(Entity.SHOP)
    return shop



# Which statuses a city officer may move a shop to, from which.
_STATUS_CHANGES: dict[ShopStatus, tuple[ShopStatus, ...]] = {
    ShopStatus.VERIFIED: (ShopStatus.PENDING, ShopStatus.REJECTED, ShopStatus.SUSPENDED),
    ShopStatus.REJECTED: (ShopStatus.PENDING,),
    ShopStatus.SUSPENDED: (ShopStatus.VERIFIED,),
}


async def set_shop_status(user: User | None, shop_id: int, status: ShopStatus, reason: str | None) -> Shop:
    require_role(user, Role.CITY_OFFICER)
    if status in (ShopStatus.REJECTED, ShopStatus.SUSPENDED) and not (reason and reason.strip()):
        raise DomainError(ErrorCode.REQUIRED, f"Give a reason when the shop is {status.value.lower()}", "reason")
    if reason is not None:  # the seller reads it: no invisible or direction-changing characters
        check = Validator()
        reason = clean_text(check, "reason", reason, label="Reason", max_length=500, required=False) or None
        check.raise_if_any()
    async with in_transaction():
        shop = await Shop.select_for_update().get_or_none(id=shop_id)
        if shop is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No shop has this id", "shopId")
        if shop.status not in _STATUS_CHANGES[status]:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION, f"A {shop.status.value} shop cannot become {status.value}", "shopId"
            )
        shop.status = status
        shop.status_reason = reason.strip() if reason else None
        await shop.save(update_fields=["status", "status_reason"])
    await changes.changed(Entity.SHOP)
    return shop


@dataclass
class ShopFilter:
    kecamatan: str | None = None
    text: str | None = None
    status: ShopStatus | None = None
    mine: bool = False
    identity_change_pending: bool = False  # the city's work list


async def shop_page(user: User | None, flt: ShopFilter, window: Window) -> Page[Shop]:
    """Verified shops for everyone; other statuses, and shops whose identity change waits, for the city; a seller's own
    shops with mine=True; by name."""
    check = Validator(["filter"])
    if flt.identity_change_pending:
        require_role(user, Role.CITY_OFFICER, Role.ANALYST)
        query = Shop.filter(identity_changes__status=IdentityChangeStatus.PENDING).distinct()
        if flt.status is not None:
            query = query.filter(status=flt.status)
    elif flt.mine:
        seller = require_role(user, Role.SELLER)
        query = Shop.filter(owner_id=seller.id)
        if flt.status is not None:
            query = query.filter(status=flt.status)
    elif flt.status not in (None, ShopStatus.VERIFIED):
        require_role(user, Role.CITY_OFFICER, Role.ANALYST)
        query = Shop.filter(status=flt.status)
    else:
        query = Shop.filter(status=ShopStatus.VERIFIED)
    if flt.kecamatan is not None:
        kecamatan = canonical_kecamatan(flt.kecamatan)
        if kecamatan is None:
            check.add("kecamatan", f"{flt.kecamatan!r} is not a kecamatan of Kota Malang")
        query = query.filter(kecamatan=kecamatan)
    if flt.text is not None:
        text = flt.text.strip()
        check.check(len(text) <= 100, "text", "Search text must have at most 100 characters")
        if text:
            query = query.filter(name__icontains=text)
    check.raise_if_any()
    return await page_of(query, window, ("name", "id"))


def npwp_seen_by(user: User | None, shop: Shop) -> str | None:
    """The shop's tax number as this person may see it: the owner and the city see it, anyone else sees nothing."""
    if user is not None and (is_city(user) or user.id == shop.owner_id):  # type: ignore[attr-defined]
        return shop.npwp
    return None


async def shop_id_for_slug(slug: str) -> int | None:
    return await Shop.filter(slug=slug.strip().lower()).first().values_list("id", flat=True)  # type: ignore[return-value]
