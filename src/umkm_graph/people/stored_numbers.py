"""Stored NIPs and phone numbers in their one ASCII form. Databases from before identity numbers were normalised
(hardening II, item 6) may hold them in fullwidth, Arabic-Indic or other decimal digits, which the uniqueness check of
`registerAsn` no longer meets. This finds them, rewrites the ones it safely can, and reports the NIPs several accounts
hold once normalised: those are left as they are, for the city to decide whose the NIP is, never merged."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from umkm_graph.core.text import ascii_digits
from umkm_graph.people.models import User
from umkm_graph.people.service import normalise_phone

_NIP = re.compile(r"[0-9]{18}")
_PHONE = re.compile(r"\+?[0-9]{8,15}")


@dataclass(frozen=True)
class Rewrite:
    user_id: int
    field: str  # "nip" or "phone"
    stored: str
    normalised: str


@dataclass(frozen=True)
class Collision:
    nip: str  # the normalised NIP
    user_ids: tuple[int, ...]


@dataclass(frozen=True)
class Unreadable:
    user_id: int
    field: str
    stored: str
    reason: str


@dataclass
class NumbersReport:
    rewrites: list[Rewrite] = field(default_factory=list)
    collisions: list[Collision] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
    applied: bool = False

    @property
    def clean(self) -> bool:
        """Nothing left for an operator: nothing to rewrite (or all rewritten), no collision, nothing unreadable."""
        return (self.applied or not self.rewrites) and not self.collisions and not self.unreadable

    def lines(self) -> list[str]:
        verb = "rewrote" if self.applied else "would rewrite"
        out = [f"{verb} {r.field} of user {r.user_id}: {r.stored!r} -> {r.normalised}" for r in self.rewrites]
        out += [f"collision: NIP {c.nip} is held by users {', '.join(map(str, c.user_ids))} once normalised; "
                "left unchanged, for the city to decide whose it is" for c in self.collisions]
        out += [f"unreadable {u.field} of user {u.user_id}: {u.stored!r} ({u.reason}); left unchanged"
                for u in self.unreadable]
        if not out:
            out.append("every stored NIP and phone number is already in ASCII digits")
        return out


async def check_stored_numbers(*, fix: bool = False) -> NumbersReport:
    """What differs from the normalised form; with fix, rewrite what can be (each row only if it has not changed since
    it was read). A rewrite the database refuses as a duplicate (an account registered meanwhile) becomes a collision."""
    report = await _survey()
    if fix:
        report.applied = True
        done: list[Rewrite] = []
        for rewrite in report.rewrites:
            try:
                async with in_transaction():
                    changed = await User.filter(id=rewrite.user_id, **{rewrite.field: rewrite.stored}).update(
                        **{rewrite.field: rewrite.normalised})
            except IntegrityError:
                holders = await User.filter(nip=rewrite.normalised).values_list("id", flat=True)
                report.collisions.append(Collision(rewrite.normalised, tuple(sorted({rewrite.user_id, *holders}))))
                continue
            if changed:
                done.append(rewrite)
        report.rewrites = done
    return report


async def _survey() -> NumbersReport:
    report = NumbersReport()
    rows = await User.filter(Q(nip__isnull=False) | Q(phone__isnull=False)).order_by("id").values_list("id", "nip", "phone")
    holders: defaultdict[str, list[tuple[int, str]]] = defaultdict(list)
    for user_id, nip, phone in rows:
        if nip is not None:
            normalised = ascii_digits(nip)
            if _NIP.fullmatch(normalised):
                holders[normalised].append((user_id, nip))
            else:
                report.unreadable.append(Unreadable(user_id, "nip", nip, "not 18 digits once normalised"))
        if phone is not None:
            normalised = normalise_phone(phone)
            if not _PHONE.fullmatch(normalised):
                report.unreadable.append(Unreadable(user_id, "phone", phone, "not 8 to 15 digits once normalised"))
            elif normalised != phone:
                report.rewrites.append(Rewrite(user_id, "phone", phone, normalised))
    for normalised, held in holders.items():
        if len(held) > 1:
            report.collisions.append(Collision(normalised, tuple(user_id for user_id, _ in held)))
        else:
            ((user_id, stored),) = held
            if stored != normalised:
                report.rewrites.append(Rewrite(user_id, "nip", stored, normalised))
    report.rewrites.sort(key=lambda rewrite: (rewrite.user_id, rewrite.field))
    return report
