"""What the city verified about a shop, and who may use its numbers (hardening II, item 7).

A shop's identity is its name, NIB, NPWP, kecamatan and kelurahan: what a city officer checked before verifying it.
- Once verified (or suspended since), the owner's change to any of these waits in a ShopIdentityChange until a city
  officer approves or rejects it; the shop keeps selling under its verified identity meanwhile. Other fields change at
  once. Before verification there is nothing to protect: changes apply at once, and the officer verifies what is there.
- A NIB or an NPWP belongs to one seller: the owner may use it for several shops (one business with several outlets,
  or one taxpayer with several businesses), and another seller may not, neither in a shop nor in a pending change.
  Shops are not given a unique index, because databases from before this rule may hold duplicates; instead the check
  and the write run in one transaction, under a PostgreSQL advisory lock per number (SQLite writes one at a time).
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient

from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.text import clean_text
from umkm_graph.people.access import is_city, require_role
from umkm_graph.people.models import Role, User
from umkm_graph.shops.models import IdentityChangeStatus, Shop, ShopIdentityChange, ShopStatus

IDENTITY_FIELDS = ("name", "nib", "npwp", "kecamatan", "kelurahan")
NUMBERS = {"nib": "NIB", "npwp": "NPWP"}
HOLDS_VERIFIED_IDENTITY = (ShopStatus.VERIFIED, ShopStatus.SUSPENDED)
_NPWP_LOCKS = 10**16  # NIB locks are the NIB itself (13 digits); NPWP locks lie above every NIB


async def lock_numbers(connection: BaseDBAsyncClient, values: dict[str, object]) -> None:
    """On PostgreSQL, hold the transaction's lock on each NIB and NPWP about to be written, so that two sellers
    checking the same number at once take turns."""
    if connection.capabilities.dialect != "postgres":
        return
    keys = sorted(int(str(values[f])) + (_NPWP_LOCKS if f == "npwp" else 0) for f in NUMBERS if values.get(f))
    for key in keys:  # in order, so two writers of the same two numbers cannot deadlock
        await connection.execute_query("SELECT pg_advisory_xact_lock($1)", [key])


async def check_numbers_free(owner_id: int, values: dict[str, object], current: Shop | None) -> None:
    """Refuse a NIB or NPWP that another seller's shop, or another seller's pending change, already uses."""
    check = Validator(["input"])
    for field, label in NUMBERS.items():
        number = values.get(field)
        if not number or (current is not None and getattr(current, field) == number):
            continue
        in_shops = Shop.filter(**{field: number}).exclude(owner_id=owner_id).exists()
        in_changes = (ShopIdentityChange.filter(**{field: number}, status=IdentityChangeStatus.PENDING)
                      .exclude(shop__owner_id=owner_id).exists())
        if await in_shops or await in_changes:
            check.add(field, f"This {label} is registered to another seller's shop; if it is yours, ask the city "
                             "(Diskopindag) to look into it", ErrorCode.ALREADY_EXISTS)
    check.raise_if_any()


async def pending_change(shop_id: int) -> ShopIdentityChange | None:
    return await ShopIdentityChange.filter(shop_id=shop_id, status=IdentityChangeStatus.PENDING).first()


def as_proposed(shop: Shop, pending: ShopIdentityChange | None) -> Shop:
    """The shop as it would be with its pending change approved: what a further edit is checked against."""
    if pending is None:
        return shop
    proposed = copy.copy(shop)
    for field in IDENTITY_FIELDS:
        setattr(proposed, field, getattr(pending, field))
    return proposed


async def propose(shop: Shop, proposed: Shop, pending: ShopIdentityChange | None) -> None:
    """Record the identity of `proposed` as the shop's pending change; when it equals the verified identity again, the
    owner has taken the change back and nothing is pending. Runs inside the caller's transaction."""
    identity = {field: getattr(proposed, field) for field in IDENTITY_FIELDS}
    if identity == {field: getattr(shop, field) for field in IDENTITY_FIELDS}:
        if pending is not None:
            await pending.delete()
    elif pending is None:
        await ShopIdentityChange.create(shop_id=shop.id, **identity)
    else:
        pending.update_from_dict({**identity, "requested_at": dt.datetime.now(dt.UTC)})
        await pending.save(update_fields=[*identity, "requested_at"])


async def decide(user: User | None, shop_id: int, approve: bool, reason: str | None,
                 connection: BaseDBAsyncClient) -> Shop:
    """A city officer approves the shop's pending change (the shop takes the new identity and stays as it is) or
    rejects it with a reason (the shop keeps its verified identity). Runs inside the caller's transaction."""
    officer = require_role(user, Role.CITY_OFFICER)
    if not approve and not (reason and reason.strip()):
        raise DomainError(ErrorCode.REQUIRED, "Give the seller a reason when the change is rejected", "reason")
    check = Validator()
    cleaned = clean_text(check, "reason", reason or "", label="Reason", max_length=500, required=False)
    check.raise_if_any()
    shop = await Shop.select_for_update().get_or_none(id=shop_id)
    pending = await pending_change(shop_id) if shop is not None else None
    if shop is None or pending is None:
        raise DomainError(ErrorCode.NOT_FOUND, "This shop has no identity change waiting for the city", "shopId")
    if approve:
        identity = {field: getattr(pending, field) for field in IDENTITY_FIELDS}
        await lock_numbers(connection, identity)
        await check_numbers_free(shop.owner_id, identity, shop)  # type: ignore[attr-defined]
        shop.update_from_dict(identity)
        await shop.save(update_fields=list(identity))
    pending.status = IdentityChangeStatus.APPROVED if approve else IdentityChangeStatus.REJECTED
    pending.reason = cleaned or None
    pending.decided_at = dt.datetime.now(dt.UTC)
    pending.decided_by_id = officer.id  # type: ignore[attr-defined]
    await pending.save(update_fields=["status", "reason", "decided_at", "decided_by_id"])
    return shop


def change_seen_by(user: User | None, shop: Shop, change: ShopIdentityChange | None) -> ShopIdentityChange | None:
    """The owner and the city see a shop's identity changes; nobody else learns of them."""
    if user is not None and (is_city(user) or user.id == shop.owner_id):  # type: ignore[attr-defined]
        return change
    return None


@dataclass(frozen=True)
class SharedNumber:
    """A NIB or NPWP that shops of more than one seller hold: left by databases from before the rule, for the city to
    look into (the service refuses any new one)."""

    kind: str  # "NIB" or "NPWP"
    number: str
    shop_ids: list[int]
    sellers: int


async def shared_numbers(user: User | None) -> list[SharedNumber]:
    """Every NIB and NPWP that shops of two or more sellers hold, by kind then number, each with its shops by id."""
    require_role(user, Role.CITY_OFFICER)
    found = []
    for field, label in NUMBERS.items():
        held: dict[str, list[tuple[int, int]]] = {}
        for number, owner_id, shop_id in await Shop.filter(**{f"{field}__not_isnull": True}).exclude(**{field: ""}) \
                .order_by("id").values_list(field, "owner_id", "id"):
            held.setdefault(str(number), []).append((int(owner_id), int(shop_id)))
        for number, shops in sorted(held.items()):
            owners = {owner for owner, _ in shops}
            if len(owners) > 1:
                found.append(SharedNumber(label, number, [shop for _, shop in shops], len(owners)))
    return found
