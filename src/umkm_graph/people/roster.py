"""Importing the BKPSDM roster (CSV: NIP, name, OPD code, grade) for a month, checked row by row.

A large file comes in parts, each under the request size limit and each starting with the header line: the first
starts an import, the next ones name it and go on numbering rows (as in the whole file), and the last finishes it. Each part's rows are written in one
transaction and counted on the import, so its progress can be read while it runs. Finishing, in one transaction, makes
it the month's roster (replacing an earlier import of that month), and, when it is the latest month's, moves each
registered ASN it lists to the OPD it lists them in (a row of OPD history from now on: closed months stay as they
were). Importing the same file again gives the same roster and moves no one."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.core.text import ascii_digits, cleaned
from umkm_graph.core.wib import today_wib
from umkm_graph.people.access import require_role
from umkm_graph.people.models import (
    Opd,
    OpdMembership,
    Role,
    RosterEntry,
    RosterImport,
    RosterImportStatus,
    RosterRejection,
    User,
)
from umkm_graph.people.nip import parse_nip

# The headers taken for each column (lower case, spaces as underscores): English, and BKPSDM's Indonesian.
COLUMNS = {"nip": ("nip",), "name": ("name", "nama"), "opd_code": ("opd_code", "kode_opd", "opd"),
           "grade": ("grade", "golongan", "gol")}
MAX_ROWS = 100_000
MAX_REJECTIONS_KEPT = 1_000  # beyond these the counts go on, the reasons are not all kept
BATCH = 500
_GOLONGAN = re.compile(r"(IV|III|II|I)\s*/\s*([A-Ea-e])")  # PNS: I/a to IV/e
_PPPK = re.compile(r"(XVII|XVI|XV|XIV|XIII|XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)")  # PPPK: I to XVII
_LAST_LETTER = {"I": "d", "II": "d", "III": "d", "IV": "e"}


def grade_of(raw: str) -> str | None:
    """A grade in its usual spelling (III/a, IV/e, or a PPPK grade I to XVII), or None when it is none of them."""
    text = raw.strip().upper()
    if match := _GOLONGAN.fullmatch(text):
        rank, letter = match.group(1), match.group(2).lower()
        return f"{rank}/{letter}" if letter <= _LAST_LETTER[rank] else None
    return text if _PPPK.fullmatch(text) else None


@dataclass(frozen=True)
class Rejection:
    row: int
    field: str
    reason: str


@dataclass
class _Row:
    row: int
    nip: str
    name: str
    opd_id: int
    grade: str


def _header(first_line: list[str]) -> dict[str, int]:
    names = [cell.strip().lstrip("\ufeff").lower().replace(" ", "_") for cell in first_line]
    where: dict[str, int] = {}
    for column, aliases in COLUMNS.items():
        found = next((i for i, name in enumerate(names) if name in aliases), None)
        if found is None:
            raise DomainError(ErrorCode.INVALID, f"The first line must name the columns nip, name, opd_code and grade "
                              f"(missing {column})", "csv")
        where[column] = found
    return where


def _check_row(number: int, cells: list[str], where: dict[str, int], opds: dict[str, Opd]
               ) -> tuple[_Row | None, list[Rejection]]:
    def cell(column: str) -> str:
        index = where[column]
        return cells[index] if index < len(cells) else ""

    problems: list[Rejection] = []
    nip = ascii_digits(cell("nip"))
    try:
        parse_nip(nip)
    except ValueError as exc:
        problems.append(Rejection(number, "nip", str(exc)))
    name = cleaned(cell("name"))
    if not name or len(name) > 120:
        problems.append(Rejection(number, "name", "A name is 1 to 120 characters"))
    code = cell("opd_code").strip().upper()
    opd = opds.get(code)
    if opd is None or not opd.active:
        problems.append(Rejection(number, "opd_code", f"{code[:32]!r} is not the code of an active OPD on the list"))
    grade = grade_of(cell("grade"))
    if grade is None:
        problems.append(Rejection(number, "grade", "A grade is a golongan I/a to IV/e, or a PPPK grade I to XVII"))
    if problems or opd is None or grade is None:
        return None, problems
    return _Row(number, nip, name, opd.id, grade), []


def _lines(text: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text))


def parse_month_first(month: str | None) -> dt.date:
    """The first day of a month written YYYY-MM (this month, WIB, by default); not a month still to come."""
    today = today_wib()
    if month is None:
        return today.replace(day=1)
    match = re.fullmatch(r"(\d{4})-(\d{2})", month.strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        raise DomainError(ErrorCode.INVALID, f"{month[:20]!r} is not a month written YYYY-MM, e.g. 2026-11", "month")
    first = dt.date(int(match.group(1)), int(match.group(2)), 1)
    if first > today:
        raise DomainError(ErrorCode.INVALID, "A roster stands for this month or a past one", "month")
    return first


async def import_roster(officer: User | None, text: str, *, month: str | None = None, import_id: int | None = None,
                        finish: bool = True) -> RosterImport:
    """Start an import with a file's first part (import_id None) or add the next part to a running one; with finish,
    this part is the last."""
    officer = require_role(officer, Role.CITY_OFFICER)
    lines = _lines(text)
    first = next(lines, None)
    if first is None:
        raise DomainError(ErrorCode.REQUIRED, "The part is empty: its first line names the columns", "csv")
    where = _header(first)
    if import_id is None:
        running = await RosterImport.create(month=parse_month_first(month), imported_by=officer, digest="")
    else:
        running = await _running(import_id)
    try:
        await _add_part(running, lines, where, running.total_rows + 2, text)
    except DomainError:
        if import_id is None:  # nothing of it was written: the import ends here
            await RosterImport.filter(id=running.id).update(status=RosterImportStatus.FAILED)
        raise
    if finish:
        await _finish(running)
    return await RosterImport.get(id=running.id)


async def _running(import_id: int) -> RosterImport:
    found = await RosterImport.get_or_none(id=import_id)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No roster import has this id", "importId")
    if found.status != RosterImportStatus.RUNNING:
        raise DomainError(ErrorCode.INVALID_TRANSITION, f"This import is {found.status.value}: start a new one",
                          "importId")
    return found


async def _add_part(running: RosterImport, lines: Iterator[list[str]], where: dict[str, int], next_row: int,
                    text: str) -> None:
    """Check and write one part's rows in one transaction, counting them on the import."""
    opds = {opd.code: opd for opd in await Opd.all()}
    rows: list[_Row] = []
    rejections: list[Rejection] = []
    number = next_row - 1
    for number, cells in enumerate(lines, start=next_row):
        if not any(cell.strip() for cell in cells):
            continue
        if number - 1 > MAX_ROWS:
            raise DomainError(ErrorCode.LIMIT_REACHED, f"A roster has at most {MAX_ROWS} rows", "csv")
        row, problems = _check_row(number, cells, where, opds)
        rows.extend([row] if row else [])
        rejections.extend(problems)
    rows, duplicates = await _without_repeats(running, rows)
    rejections.extend(duplicates)
    rejected_rows = len({r.row for r in rejections})
    kept = max(MAX_REJECTIONS_KEPT - await RosterRejection.filter(roster_import_id=running.id).count(), 0)
    digest = hashlib.sha256((running.digest + text).encode()).hexdigest()
    async with in_transaction():
        for start in range(0, len(rows), BATCH):
            await RosterEntry.bulk_create([
                RosterEntry(roster_import_id=running.id, nip=r.nip, name=r.name, opd_id=r.opd_id, grade=r.grade)
                for r in rows[start:start + BATCH]])
        await RosterRejection.bulk_create([RosterRejection(roster_import_id=running.id, row=r.row, field=r.field,
                                                           reason=r.reason[:255]) for r in rejections[:kept]])
        running.total_rows = running.processed_rows = number - 1
        running.accepted_rows += len(rows)
        running.rejected_rows += rejected_rows
        running.digest = digest
        await running.save(update_fields=["total_rows", "processed_rows", "accepted_rows", "rejected_rows", "digest"])


async def _without_repeats(running: RosterImport, rows: list[_Row]) -> tuple[list[_Row], list[Rejection]]:
    """A NIP is on the roster once: a later row with a NIP already taken is rejected, naming the first."""
    earlier = set(await RosterEntry.filter(roster_import_id=running.id, nip__in=[r.nip for r in rows])
                  .values_list("nip", flat=True)) if running.accepted_rows else set()
    first_row: dict[str, int] = {}
    kept, rejected = [], []
    for row in rows:
        if row.nip in earlier:
            rejected.append(Rejection(row.row, "nip", "This NIP is already on an earlier part of the roster"))
        elif row.nip in first_row:
            rejected.append(Rejection(row.row, "nip", f"This NIP is already on row {first_row[row.nip]}"))
        else:
            first_row[row.nip] = row.row
            kept.append(row)
    return kept, rejected


async def _finish(running: RosterImport) -> None:
    """Make the import the month's roster, and move the ASN it lists when it is the latest month's."""
    now = dt.datetime.now(dt.UTC)
    latest = await RosterImport.filter(status=RosterImportStatus.DONE).order_by("-month").first()
    is_latest = latest is None or running.month >= latest.month
    entries = await RosterEntry.filter(roster_import_id=running.id).values_list("nip", "opd_id")
    listed = dict(entries)
    opds = {opd.id: opd for opd in await Opd.all()}
    matched = moved = 0
    async with in_transaction():
        nips = list(listed)
        for start in range(0, len(nips), BATCH):
            for user in await User.filter(nip__in=nips[start:start + BATCH]):
                matched += 1
                opd = opds[listed[user.nip]]  # type: ignore[index]
                if is_latest and user.opd_unit_id != opd.id:  # type: ignore[attr-defined]
                    moved += 1
                    await User.filter(id=user.id).update(opd=opd.short_name, opd_unit_id=opd.id)
                    await OpdMembership.create(user_id=user.id, opd=opd.short_name, opd_unit_id=opd.id, since=now)
        earlier = RosterImport.filter(month=running.month, status=RosterImportStatus.DONE).exclude(id=running.id)
        await RosterEntry.filter(roster_import_id__in=await earlier.values_list("id", flat=True)).delete()
        await RosterImport.filter(id=running.id).update(status=RosterImportStatus.DONE, finished_at=now,
                                                        matched_accounts=matched, moved_accounts=moved)


async def roster_import(viewer: User | None, import_id: int) -> RosterImport:
    require_role(viewer, Role.CITY_OFFICER, Role.ANALYST)
    found = await RosterImport.get_or_none(id=import_id)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No roster import has this id", "id")
    return found


async def roster_imports(viewer: User | None) -> list[RosterImport]:
    require_role(viewer, Role.CITY_OFFICER, Role.ANALYST)
    return await RosterImport.all().order_by("-id").limit(50)


async def rejections_of(roster: RosterImport) -> list[RosterRejection]:
    return await RosterRejection.filter(roster_import_id=roster.id).order_by("row", "id").limit(MAX_REJECTIONS_KEPT)
