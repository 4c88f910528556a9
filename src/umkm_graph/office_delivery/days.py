"""The days an OPD office takes deliveries: a CITY_OFFICER opens one with its cut-off and the office's contact person,
and an ASN of that OPD may have a checkout delivered to the office on it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.wib import WIB, today_wib
from umkm_graph.delivery.parcels import Address
from umkm_graph.office_delivery.models import OfficeDeliveryDay
from umkm_graph.people.access import require_role, require_user
from umkm_graph.people.models import Opd, Role, User
from umkm_graph.people.opds import find_opd

MAX_DAYS_AHEAD = 62  # payday's delivery days are opened a month or two ahead, not years
MAX_LISTED = 31
CHOSEN_AT = ["input", "officeDeliveryDayId"]


@dataclass(frozen=True)
class DayDraft:
    opd_code: str
    day: dt.date
    cutoff_at: dt.datetime
    contact_user_id: int


def day_starts(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), WIB)


async def open_day(user: User | None, draft: DayDraft, now: dt.datetime | None = None) -> OfficeDeliveryDay:
    """A new delivery day for the OPD's office. The cut-off comes before the day begins (00:00 WIB), so every batch is
    closed, and its pick list final, before the shop sets out; the contact person is an ASN of that OPD."""
    officer = require_role(user, Role.CITY_OFFICER)
    now = now or dt.datetime.now(dt.UTC)
    opd = await find_opd(code=draft.opd_code, field="input.opdCode")
    check = Validator(["input"])
    today = today_wib(now)
    check.check(draft.day > today, "day", "A delivery day is opened for a day after today (WIB)")
    check.check((draft.day - today).days <= MAX_DAYS_AHEAD, "day",
                f"A delivery day is at most {MAX_DAYS_AHEAD} days ahead")
    if draft.cutoff_at.tzinfo is None:
        check.add("cutoffAt", "Give the cut-off with its time zone, e.g. 2026-12-01T15:00:00+07:00")
    else:
        check.check(draft.cutoff_at > now, "cutoffAt", "The cut-off is in the future")
        check.check(draft.cutoff_at <= day_starts(draft.day), "cutoffAt",
                    "The cut-off comes before the delivery day begins (00:00 WIB), so the shop's pick list is final")
    check.check(bool(opd.kecamatan and opd.kelurahan and opd.address), "opdCode",
                f"{opd.short_name} has no office address on the OPD list yet: set it with updateOpd first")
    contact = await User.get_or_none(id=draft.contact_user_id)
    if contact is None or contact.opd_unit_id != opd.id:  # type: ignore[attr-defined]
        check.add("contactUserId", f"The contact person is an ASN registered at {opd.short_name}", ErrorCode.NOT_FOUND)
    check.raise_if_any()
    try:
        return await OfficeDeliveryDay.create(opd=opd, day=draft.day, cutoff_at=draft.cutoff_at, contact=contact,
                                              opened_by=officer)
    except IntegrityError:
        raise DomainError(ErrorCode.ALREADY_EXISTS, f"{opd.short_name} already has a delivery day on {draft.day}",
                          ["input", "day"]) from None


async def upcoming_days(user: User | None, opd_code: str | None, now: dt.datetime | None = None
                        ) -> list[OfficeDeliveryDay]:
    """The delivery days still taking orders: an ASN's own OPD's, or, for the city, those of the OPD it names."""
    viewer = require_user(user)
    now = now or dt.datetime.now(dt.UTC)
    if opd_code is not None:
        require_role(viewer, Role.CITY_OFFICER, Role.ANALYST)
        opd_id = (await find_opd(code=opd_code, field="opdCode")).id
    elif viewer.opd_unit_id is None:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.FORBIDDEN, "Office delivery is for ASN: register your NIP and OPD first")
    else:
        opd_id = viewer.opd_unit_id  # type: ignore[attr-defined]
    return await (OfficeDeliveryDay.filter(opd_id=opd_id, cutoff_at__gt=now).order_by("day")
                  .limit(MAX_LISTED).prefetch_related("opd"))


async def chosen_day(buyer: User, day_id: int, now: dt.datetime) -> OfficeDeliveryDay:
    """The day an ASN chose at checkout, if their office takes deliveries on it and its cut-off has not passed."""
    day = await OfficeDeliveryDay.get_or_none(id=day_id).prefetch_related("opd")
    if day is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No office delivery day has this id; officeDeliveryDays lists them",
                          CHOSEN_AT)
    if day.opd_id != buyer.opd_unit_id:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.FORBIDDEN, f"Delivery to {day.opd.short_name}'s office is for its own ASN",
                          CHOSEN_AT)
    if day.cutoff_at <= now:
        raise DomainError(ErrorCode.NOT_AVAILABLE, f"Orders for {day.opd.short_name} on {day.day} closed at "
                          f"{day.cutoff_at.astimezone(WIB):%d %b %H:%M} WIB", CHOSEN_AT)
    return day


def office_address(opd: Opd) -> Address:
    """Where an office delivery goes: the OPD's office, as a delivery address."""
    return Address(kecamatan=opd.kecamatan, kelurahan=opd.kelurahan, street=f"{opd.name}, {opd.address}"[:255],
                   latitude=opd.latitude, longitude=opd.longitude)
