"""Reading the BKPSDM roster: which import stands for a month, the OPD it lists a NIP in, and whether an ASN's NIP is
VERIFIED (the current roster lists it) or PENDING (it does not, or there is no roster yet)."""

from __future__ import annotations

import datetime as dt
import enum

from umkm_graph.people.models import Opd, RosterEntry, RosterImport, RosterImportStatus, User


class AsnStatus(str, enum.Enum):
    VERIFIED = "VERIFIED"
    PENDING = "PENDING"


async def roster_for(month_first: dt.date | None = None) -> RosterImport | None:
    """The roster in force in a month (the latest month's, without one): the last finished import of that month or,
    without one, of the latest month before it."""
    query = RosterImport.filter(status=RosterImportStatus.DONE)
    if month_first is not None:
        query = query.filter(month__lte=month_first)
    return await query.order_by("-month", "-id").first()


async def roster_opd(nip: str) -> Opd | None:
    """The OPD the current roster lists this NIP in, or None when it does not list it."""
    current = await roster_for()
    if current is None:
        return None
    entry = await RosterEntry.get_or_none(roster_import_id=current.id, nip=nip).prefetch_related("opd")
    return entry.opd if entry is not None else None


async def asn_status(user: User) -> AsnStatus | None:
    if user.nip is None:
        return None
    current = await roster_for()
    listed = current is not None and await RosterEntry.exists(roster_import_id=current.id, nip=user.nip)
    return AsnStatus.VERIFIED if listed else AsnStatus.PENDING


async def roster_grade(user: User, month_first: dt.date) -> str:
    """The grade the roster in force in a month lists an ASN at; "" when it does not list them."""
    roster = await roster_for(month_first) if user.nip else None
    if roster is None:
        return ""
    entry = await RosterEntry.get_or_none(roster_import_id=roster.id, nip=user.nip)
    return entry.grade if entry else ""
