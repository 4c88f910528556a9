"""The demo's people (demo/data/people.toml, places.toml): city staff with known logins, and ASN and resident buyers
with valid NIPs, Malang phone numbers and addresses.

Accounts are made directly rather than by people.create_user, which would hash the shared password again for each
account (argon2 takes ~0.1 s a hash by design); the rest of its rules hold here: generated emails are valid, unique and
lower case, and names and phones fit its limits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from umkm_graph.core.regions import KELURAHAN
from umkm_graph.demo.loading import load
from umkm_graph.demo.run import HISTORY_DAYS, Buyer, SeedError, SeedRun, stamp
from umkm_graph.people import service as people_service
from umkm_graph.people.models import Role, User

_PEOPLE = load("people")
_NAMES = _PEOPLE.table("names")
_BUYERS = _PEOPLE.table("buyers")
_PHONES = _PEOPLE.table("phones")

MALE: tuple[str, ...] = tuple(_NAMES["male"])
FEMALE: tuple[str, ...] = tuple(_NAMES["female"])
# Javanese second names follow the first name's gender, keyed as in a NIP: 1 male, 2 female.
SURNAMES: dict[str, tuple[str, ...]] = {"1": tuple(_NAMES["male_surnames"]), "2": tuple(_NAMES["female_surnames"])}
EMAIL_DOMAIN: str = _BUYERS["email_domain"]
FIRST_ASN_EMAIL: str = _BUYERS["first_asn_email"]
FIRST_RESIDENT_EMAIL: str = _BUYERS["first_resident_email"]
MOBILE_PREFIXES: tuple[str, ...] = tuple(_PHONES["mobile_prefixes"])
LANDLINE_AREA_CODE: str = _PHONES["landline_area_code"]
# Codes on the city's OPD list, one place per share: ASN buyers take them in turn.
OPDS: tuple[str, ...] = tuple(code for code, share in _PEOPLE.table("asn")["opds"].items() for _ in range(share))
# The chance of a purchase in each month of the history, for an ASN and for a resident.
MONTHLY_PURCHASE: dict[bool, float] = {True: _PEOPLE.table("asn")["monthly_purchase"],
                                       False: _PEOPLE.table("residents")["monthly_purchase"]}
STREETS: dict[str, tuple[str, ...]] = {
    kecamatan: tuple(place["streets"]) for kecamatan, place in load("places").table("kecamatan").items()
}


@dataclass(frozen=True)
class StaffAccount:
    email: str
    name: str
    role: Role
    registered_days_ago: int


STAFF = tuple(
    StaffAccount(row["email"], row["name"], Role(row["role"]), row["registered_days_ago"])
    for row in _PEOPLE.tables("staff")
)


def person(run: SeedRun) -> tuple[str, str, str]:
    """A name, its gender (1 male, 2 female, as in a NIP) and a free email address."""
    gender = run.rng.choice("12")
    first = run.rng.choice(MALE if gender == "1" else FEMALE)
    last = run.rng.choice(SURNAMES[gender])
    base = f"{first}.{last}".lower()
    email, n = f"{base}@{EMAIL_DOMAIN}", 1
    while email in run.emails:
        n += 1
        email = f"{base}{n}@{EMAIL_DOMAIN}"
    return f"{first} {last}", gender, email


def mobile(run: SeedRun) -> str:
    return run.rng.choice(MOBILE_PREFIXES) + run.digits(8)


def landline(run: SeedRun) -> str:
    return LANDLINE_AREA_CODE + run.digits(6)


async def add_account(
    run: SeedRun, email: str, name: str, role: Role, *, days_ago: float, phone: str | None = None
) -> User:
    """An account with the demo password, registered `days_ago` days before the anchor."""
    email = people_service.normalise_email(email)
    run.emails.add(email)
    if await User.filter(email=email).exists():
        raise SeedError(f"The database already has an account {email}; seed into an empty database")
    user = await User.create(email=email, password_hash=run.password_hash, name=name, role=role, phone=phone)
    await stamp(User, user.id, run.moment(days_ago, days_ago))
    return user


async def add_staff(run: SeedRun) -> None:
    """The city's staff accounts; the first city officer becomes the run's officer, who verifies shops."""
    for staff in STAFF:
        user = await add_account(run, staff.email, staff.name, staff.role, days_ago=staff.registered_days_ago)
        if staff.role == Role.CITY_OFFICER and run.officer is None:
            run.officer = user


def _nip(run: SeedRun, gender: str) -> str:
    """A valid NIP: birth date, first appointment at 23-32 years old (before 2025), gender digit, sequence."""
    rng = run.rng
    while True:
        birth = dt.date(rng.randint(1968, 1996), rng.randint(1, 12), rng.randint(1, 28))
        appointed = min(birth.year + rng.randint(23, 32), 2024)
        nip = f"{birth:%Y%m%d}{appointed}{rng.randint(1, 12):02d}{gender}{rng.randint(1, 250):03d}"
        if nip not in run.nips:
            run.nips.add(nip)
            return nip


async def add_buyer(run: SeedRun, index: int, *, asn: bool) -> None:
    """A buyer living somewhere in the city, registered before the history began; ASN buyers work at an OPD."""
    rng = run.rng
    name, gender, email = person(run)
    if index == 0:
        email = FIRST_ASN_EMAIL if asn else FIRST_RESIDENT_EMAIL
    registered = rng.randint(HISTORY_DAYS + 1, HISTORY_DAYS + 70)
    user = await add_account(run, email, name, Role.BUYER, days_ago=registered, phone=mobile(run))
    if asn:
        # The first ASN is the documented Diskominfo login; the rest spread over the OPDs by their shares.
        opd = OPDS[index % len(OPDS)]
        await people_service.register_asn(user, nip=_nip(run, gender), opd_code=opd)
        made = (await User.get(id=user.id)).created_at  # registered with the account, in the history
        await User.filter(id=user.id).update(asn_since=made)
        run.summary.asn_buyers += 1
    kecamatan = rng.choice(list(KELURAHAN))
    kelurahan = rng.choice(KELURAHAN[kecamatan])
    street = rng.choice(STREETS[kecamatan])
    rt, rw = rng.randint(1, 9), rng.randint(1, 12)
    address = f"{street} No. {rng.randint(1, 180)}, RT {rt:02d}/RW {rw:02d}"
    run.buyers.append(Buyer(user, kecamatan, kelurahan, address, registered))
