"""The OPD list the city keeps: the starting list, finding an OPD by id, code or (deprecated) free text, and a CITY
OFFICER's additions and edits, each changed field recorded (who, what, when)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.regions import checked_place
from umkm_graph.core.text import clean_text
from umkm_graph.people.access import require_role
from umkm_graph.people.models import Opd, OpdChange, OpdMembership, Role, User

STARTING_LIST = Path(__file__).parent / "data" / "opds.toml"
_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{1,31}")
MAX_PARENT_DEPTH = 8  # a parent chain longer than this is a loop in the making


def starting_list() -> list[dict[str, Any]]:
    """Kota Malang's OPDs as the app starts them (people/data/opds.toml)."""
    with STARTING_LIST.open("rb") as data:
        return list(tomllib.load(data)["opd"])


async def ensure_opds() -> None:
    """Create the starting list when the city has no OPD yet; once it has one, the list is the city's to edit. Safe
    for several processes at once (a code another created first is left as it is)."""
    if await Opd.exists():
        return
    made: dict[str, Opd] = {}
    for row in starting_list():
        values = {k: v for k, v in row.items() if k not in ("code", "parent")}
        made[row["code"]], _ = await Opd.get_or_create(code=row["code"], defaults=values)
    for row in starting_list():
        if "parent" in row:
            await Opd.filter(code=row["code"]).update(parent_id=made[row["parent"]].id)


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


async def find_opd(*, opd_id: int | None = None, code: str | None = None, text: str | None = None,
                   field: str = "opd") -> Opd:
    """The active OPD with this id or code, or whose name or short name is this text (case and spacing forgiven).
    An unknown one is refused naming the field, so "Dinas Tidak Ada" never becomes an OPD."""
    if opd_id is not None:
        found = await Opd.get_or_none(id=opd_id, active=True)
        given = str(opd_id)
    elif code is not None:
        found = await Opd.get_or_none(code=code.strip().upper(), active=True)
        given = code
    elif text is not None:
        wanted = _key(text)
        candidates = await Opd.filter(active=True)
        found = next((o for o in candidates if wanted in (_key(o.short_name), _key(o.name), _key(o.code))), None)
        given = text
    else:
        raise DomainError(ErrorCode.REQUIRED, "Choose your OPD from the list (opdCode)", field)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"{given.strip()[:60]!r} is not an OPD on the city's list: choose one "
                          "from the opds query", field)
    return found


async def active_opds() -> list[Opd]:
    return await Opd.filter(active=True).order_by("short_name")


async def all_opds() -> list[Opd]:
    return await Opd.all().order_by("short_name")


@dataclass
class OpdDraft:
    """What a CITY_OFFICER sets of an OPD; on update, None leaves a field as it is."""

    code: str | None = None
    name: str | None = None
    short_name: str | None = None
    parent_id: int | None = None
    address: str | None = None
    kecamatan: str | None = None
    kelurahan: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    active: bool | None = None


def _cleaned(draft: OpdDraft, current: Opd | None) -> dict[str, Any]:
    check = Validator()
    values: dict[str, Any] = {}
    if draft.code is not None:
        code = draft.code.strip().upper()
        check.check(bool(_CODE.fullmatch(code)), "code", "A code is 2 to 32 letters, digits or hyphens")
        values["code"] = code
    for name, limit in (("name", 160), ("short_name", 60), ("address", 255)):
        given = getattr(draft, name)
        if given is not None:
            values[name] = clean_text(check, name, given, label=name.replace("_", " ").capitalize(), max_length=limit)
    if current is None:
        for name in ("code", "name"):
            check.check(getattr(draft, name) is not None, name, f"Give the OPD's {name}", ErrorCode.REQUIRED)
        if draft.short_name is None and "name" in values:
            values["short_name"] = values["name"]
    place = [draft.kecamatan, draft.kelurahan, draft.latitude, draft.longitude]
    if any(value is not None for value in place):
        kecamatan = draft.kecamatan if draft.kecamatan is not None else (current.kecamatan if current else "")
        kelurahan = draft.kelurahan if draft.kelurahan is not None else (current.kelurahan if current else "")
        latitude = draft.latitude if draft.latitude is not None else (current.latitude if current else None)
        longitude = draft.longitude if draft.longitude is not None else (current.longitude if current else None)
        values["kecamatan"], values["kelurahan"] = checked_place(check, "", kecamatan, kelurahan, latitude, longitude)
        values["latitude"], values["longitude"] = latitude, longitude
    if draft.active is not None:
        values["active"] = draft.active
    check.raise_if_any()
    return values


async def _check_parent(parent_id: int, opd_id: int | None) -> None:
    seen, current = set(), await Opd.get_or_none(id=parent_id)
    if current is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No OPD has this id", "parentId")
    while current is not None and len(seen) < MAX_PARENT_DEPTH:
        if current.id == opd_id:
            raise DomainError(ErrorCode.INVALID, "An OPD cannot be its own parent, nor its children's child", "parentId")
        seen.add(current.id)
        current = await Opd.get_or_none(id=current.parent_id) if current.parent_id else None  # type: ignore[attr-defined]


def _shown(value: Any) -> str | None:
    return None if value is None else str(value)[:255]


async def create_opd(officer: User | None, draft: OpdDraft) -> Opd:
    officer = require_role(officer, Role.CITY_OFFICER)
    values = _cleaned(draft, None)
    if draft.parent_id is not None:
        await _check_parent(draft.parent_id, None)
        values["parent_id"] = draft.parent_id
    try:
        async with in_transaction():
            opd = await Opd.create(**values)
            await OpdChange.bulk_create([OpdChange(opd=opd, changed_by=officer, field=name, before=None,
                                                   after=_shown(value)) for name, value in values.items()])
    except IntegrityError:
        raise _taken() from None
    return opd


async def update_opd(officer: User | None, opd_id: int, draft: OpdDraft) -> Opd:
    """Change what the draft gives; each changed field is recorded. A new short name is the one the figures show from
    now on, for every month (it is the same OPD), so the accounts and the history rows naming it follow."""
    officer = require_role(officer, Role.CITY_OFFICER)
    opd = await Opd.get_or_none(id=opd_id)
    if opd is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No OPD has this id", "id")
    values = _cleaned(draft, opd)
    if draft.parent_id is not None:
        await _check_parent(draft.parent_id, opd.id)
        values["parent_id"] = draft.parent_id
    changed = {name: value for name, value in values.items() if getattr(opd, name) != value}
    if not changed:
        return opd
    before = {name: getattr(opd, name) for name in changed}
    try:
        async with in_transaction():
            await Opd.filter(id=opd.id).update(**changed)
            await OpdChange.bulk_create([OpdChange(opd=opd, changed_by=officer, field=name, before=_shown(before[name]),
                                                   after=_shown(value)) for name, value in changed.items()])
            if "short_name" in changed:
                await User.filter(opd_unit_id=opd.id).update(opd=changed["short_name"])
                await OpdMembership.filter(opd_unit_id=opd.id).update(opd=changed["short_name"])
    except IntegrityError:
        raise _taken() from None
    return await Opd.get(id=opd.id)


def _taken() -> DomainError:
    return DomainError(ErrorCode.ALREADY_EXISTS, "Another OPD has this code or short name", "code")


async def opd_changes(officer: User | None, opd_id: int) -> list[OpdChange]:
    require_role(officer, Role.CITY_OFFICER, Role.ANALYST)
    return await OpdChange.filter(opd_id=opd_id).order_by("-changed_at", "-id").prefetch_related("changed_by")
