"""Who buys for an office: a CITY_OFFICER appoints an ASN, by NIP, as their OPD's procurement officer (pejabat
pengadaan), and may revoke it. The OPD is the one the ASN is registered in (the roster's); a move to another OPD
needs a new appointment."""

from __future__ import annotations

import datetime as dt

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.core.text import ascii_digits
from umkm_graph.people.access import require_role, require_user
from umkm_graph.people.models import Role, User
from umkm_graph.people.nip import parse_nip
from umkm_graph.procurement.models import ProcurementOfficer


async def _asn_by_nip(nip: str) -> User:
    try:
        parse_nip(nip)
    except ValueError as error:
        raise DomainError(ErrorCode.INVALID, str(error), "nip") from None
    person = await User.get_or_none(nip=ascii_digits(nip)).select_related("opd_unit")
    if person is None or person.opd_unit is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No ASN registered in an OPD of the list has this NIP", "nip")
    return person


async def appoint(user: User | None, nip: str) -> ProcurementOfficer:
    """Appoint (or appoint again, in their OPD of today) the ASN with this NIP."""
    officer = require_role(user, Role.CITY_OFFICER)
    person = await _asn_by_nip(nip)
    now = dt.datetime.now(dt.UTC)
    values = {"opd_id": person.opd_unit_id, "appointed_by_id": officer.id, "active": True,  # type: ignore[attr-defined]
              "appointed_at": now, "revoked_at": None}
    appointment, _ = await ProcurementOfficer.update_or_create(defaults=values, user_id=person.id)
    return await ProcurementOfficer.get(id=appointment.id).select_related("user", "opd")


async def revoke(user: User | None, nip: str) -> ProcurementOfficer:
    require_role(user, Role.CITY_OFFICER)
    person = await _asn_by_nip(nip)
    appointment = await ProcurementOfficer.get_or_none(user_id=person.id)
    if appointment is None or not appointment.active:
        raise DomainError(ErrorCode.NOT_FOUND, "This ASN is not an appointed procurement officer", "nip")
    await ProcurementOfficer.filter(id=appointment.id).update(active=False, revoked_at=dt.datetime.now(dt.UTC))
    return await ProcurementOfficer.get(id=appointment.id).select_related("user", "opd")


async def require_procurement_officer(user: User | None) -> ProcurementOfficer:
    """The user's active appointment, in the OPD they are registered in today."""
    person = require_user(user)
    appointment = await ProcurementOfficer.get_or_none(user_id=person.id, active=True).select_related("opd")
    if appointment is None or appointment.opd_id != person.opd_unit_id:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.FORBIDDEN, "Only an OPD's appointed procurement officer buys for the office")
    return appointment


async def is_procurement_officer_of(user: User, opd_id: int) -> bool:
    return await ProcurementOfficer.exists(user_id=user.id, opd_id=opd_id, active=True)
