"""People: registration with a minimum password strength, throttled login with a bearer token, and ASN identity (NIP
and OPD)."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import re
import time
from concurrent.futures import ThreadPoolExecutor

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.text import ascii_digits, clean_text
from umkm_graph.people.models import Opd, OpdMembership, Role, User
from umkm_graph.people.nip import parse_nip
from umkm_graph.people.opds import find_opd
from umkm_graph.people.roster_lookup import roster_opd
from umkm_graph.people.throttle import LoginThrottle, RegistrationThrottle

log = logging.getLogger("umkm_graph.people")

_hasher = PasswordHasher()
# A hash costs about a quarter of a second of CPU: on the event loop it would stall every other request (and the rate
# limits' own calls). It runs on a few threads instead (argon2's C code releases the GIL), where extra logins queue.
_hashing = ThreadPoolExecutor(max_workers=2, thread_name_prefix="password-hash")


def use_password_hasher(hasher: PasswordHasher) -> PasswordHasher:
    """Hash new passwords with this hasher from now on, and say which one hashed them before. The suite uses argon2's
    cheapest profile (as Django's tests use a fast hasher); a hash names its own parameters, so either checks both."""
    global _hasher
    before, _hasher = _hasher, hasher
    return before


async def hash_password(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_hashing, _hasher.hash, password)


async def check_password(password_hash: str, password: str) -> None:
    """Raises argon2's VerificationError (or InvalidHashError) when the password does not match."""
    await asyncio.get_running_loop().run_in_executor(_hashing, _hasher.verify, password_hash, password)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SELF_SERVICE_ROLES = (Role.BUYER, Role.SELLER)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
MAX_EMAIL_LENGTH = 254
# Among the most used passwords (global lists, and Indonesian favourites); compared without case and trailing digits.
COMMON_PASSWORDS = frozenset({
    "password", "passw0rd", "p@ssw0rd", "qwerty", "qwertyuiop", "asdfghjkl", "zxcvbnm", "iloveyou", "sunshine",
    "princess", "football", "baseball", "superman", "welcome", "admin", "letmein", "monkey", "dragon", "master",
    "1q2w3e4r", "1qaz2wsx", "abc", "abcd", "abcdef", "qwe", "zaq12wsx", "indonesia", "bismillah", "alhamdulillah",
    "sayang", "sayangku", "cinta", "katasandi", "kata sandi", "jakarta", "surabaya", "malang", "aremania",
    "arema", "umkm", "garuda", "merdeka", "pancasila", "selamat", "terserah", "anjing", "kucing",
})


def normalise_email(email: str) -> str:
    return email.strip().lower()


async def register(
    *, email: str, password: str, name: str, role: Role = Role.BUYER, phone: str | None = None,
    min_password_length: int = MIN_PASSWORD_LENGTH, throttle: RegistrationThrottle | None = None, address: str = "",
) -> User:
    """Create a buyer or seller account. City officers and analysts are created by an operator (see create_user).
    Throttled per address when a throttle is given: each answer says whether the email has an account."""
    if role not in SELF_SERVICE_ROLES:
        raise DomainError(ErrorCode.FORBIDDEN, "Only BUYER or SELLER accounts can be registered", "role")
    return await create_user(email=email, password=password, name=name, role=role, phone=phone,
                             min_password_length=min_password_length, throttle=throttle, address=address)


async def create_user(
    *, email: str, password: str, name: str, role: Role, phone: str | None = None,
    min_password_length: int = MIN_PASSWORD_LENGTH, throttle: RegistrationThrottle | None = None, address: str = "",
) -> User:
    email = normalise_email(email)
    check = Validator()
    check.check(len(email) <= MAX_EMAIL_LENGTH and bool(_EMAIL.match(email)), "email", "Email address is not valid")
    weakness = password_weakness(password, email, min_length=min_password_length)
    check.check(weakness is None, "password", weakness or "")
    name = clean_text(check, "name", name, label="Name", max_length=120)
    if phone is not None:
        phone = normalise_phone(phone)
        check.check(valid_phone(phone), "phone", "Phone must be 8 to 15 digits, optionally starting with +")
    check.raise_if_any()
    if throttle is not None:
        await throttle.admit(address)
    if await User.filter(email=email).exists():
        raise DomainError(ErrorCode.ALREADY_EXISTS, "An account with this email already exists", "email")
    try:
        return await User.create(
            email=email, password_hash=await hash_password(password), name=name, role=role, phone=phone
        )
    except IntegrityError:
        raise DomainError(ErrorCode.ALREADY_EXISTS, "An account with this email already exists", "email") from None


def normalise_phone(phone: str) -> str:
    """A phone number in ASCII digits (any decimal digits accepted), without spaces and hyphens."""
    return ascii_digits(phone, " -")


def valid_phone(phone: str) -> bool:
    """8 to 15 digits, optionally after +, once normalised (as accounts take them)."""
    return bool(re.fullmatch(r"\+?[0-9]{8,15}", normalise_phone(phone)))


def is_valid_email(email: str) -> bool:
    """An address as accounts take them (normalise it first)."""
    return len(email) <= MAX_EMAIL_LENGTH and bool(_EMAIL.match(email))


def password_weakness(password: str, email: str = "", *, min_length: int = MIN_PASSWORD_LENGTH) -> str | None:
    """Why a password is too weak to accept, or None when it is strong enough."""
    if len(password) < min_length:
        return f"Password must have at least {min_length} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must have at most {MAX_PASSWORD_LENGTH} characters"
    lowered = password.lower()
    if lowered.rstrip("0123456789!@#$.-_ ") in COMMON_PASSWORDS or lowered.strip("0123456789") == "":
        return "This password is one of the most used ones; choose a less common one"
    if len(set(password)) < 5:
        return "Password must use at least 5 different characters"
    kinds = (any(c.isalpha() for c in password), any(c.isdigit() for c in password),
             any(not c.isalnum() for c in password))
    if sum(kinds) < 2:
        return "Password must mix at least two of: letters, digits, other characters"
    local = normalise_email(email).partition("@")[0]
    if len(local) >= 4 and local in lowered:
        return "Password must not contain your email address"
    return None


async def authenticate(email: str, password: str, throttle: LoginThrottle | None = None, address: str = "") -> User:
    """The user with this email and password; throttled (see LoginThrottle) when a throttle is given."""
    account = normalise_email(email)
    if throttle is not None:
        await throttle.admit(account, address)
    user = await _verify_password(email, password)
    if throttle is not None:
        await throttle.succeeded(account, address)
    return user


async def _verify_password(email: str, password: str) -> User:
    email = normalise_email(email)
    user = await User.get_or_none(email=email) if len(email) <= MAX_EMAIL_LENGTH else None
    if user is None:
        await hash_password(password)  # same cost either way, so timing does not reveal which emails exist
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "Email or password is wrong")
    try:
        await check_password(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "Email or password is wrong") from None
    if user.deactivated_at is not None:  # told only to who knows the password
        raise DomainError(ErrorCode.FORBIDDEN, "This account was deactivated by a city officer")
    return user


def issue_token(user: User, secret_key: str, ttl_seconds: int) -> str:
    now = dt.datetime.now(dt.UTC)
    claims = {"sub": str(user.id), "role": user.role.value, "ver": user.session_version, "iat": now,
              "exp": now + dt.timedelta(seconds=ttl_seconds)}
    return jwt.encode(claims, secret_key, algorithm="HS256")


def token_subject(token: str, secret_key: str) -> int | None:
    """The user id a valid, unexpired bearer token names, without a database lookup; None for any other token."""
    claims = _signed_claims(token, secret_key)
    return None if claims is None or claims[1] <= time.time() else claims[0]


@functools.lru_cache(maxsize=4096)
def _signed_claims(token: str, secret_key: str) -> tuple[int, float, int] | None:
    """A well-signed token's subject and expiry. Cached: a buyer sends the same token with every request, twice checked
    per request (rate limit, then the user), and a signature's verdict never changes; the expiry is checked per use."""
    try:
        claims = jwt.decode(token, secret_key, algorithms=["HS256"],
                            options={"require": ["sub", "exp"], "verify_exp": False})
        return int(claims["sub"]), float(claims["exp"]), int(claims.get("ver", 0))
    except (jwt.PyJWTError, ValueError, TypeError):
        return None


async def user_from_token(token: str, secret_key: str) -> User | None:
    """The user a bearer token names, or None when it is invalid, expired, names nobody, or was issued before the
    account's sessions were signed out (its session version is older)."""
    claims = _signed_claims(token, secret_key)
    if claims is None or claims[1] <= time.time():
        return None
    user = await User.get_or_none(id=claims[0])
    current = user is not None and user.session_version == claims[2] and user.deactivated_at is None
    return user if current else None


async def register_asn(user: User, *, nip: str, opd: str | None = None, opd_code: str | None = None,
                       opd_id: int | None = None, throttle: RegistrationThrottle | None = None,
                       address: str = "") -> User:
    """Mark a buyer as ASN with a valid NIP and the OPD they work in, chosen from the city's list by id or code (`opd`,
    free text matched against the names, is the deprecated way). A NIP the BKPSDM roster lists takes the roster's OPD:
    moving follows the roster, not the buyer's word. Throttled per account and address when a throttle is given: each
    answer says whether the NIP is taken. A NIP taken by another account is refused and logged, so the city can follow
    up (its owner is told to ask the city)."""
    if not user.has_role(Role.BUYER):
        raise DomainError(ErrorCode.FORBIDDEN, "Only buyers can register as ASN (a seller adds the BUYER role first)")
    check = Validator()
    digits = ascii_digits(nip)  # the form stored and compared: one NIP, whatever digits it was typed in
    try:
        parse_nip(digits)
    except ValueError as exc:
        check.add("nip", str(exc))
    if opd is not None:
        opd = clean_text(check, "opd", opd, label="OPD", max_length=120)
    check.raise_if_any()
    if throttle is not None:
        await throttle.admit_asn(user.id, address)
    unit = await _opd_of(digits, opd=opd, opd_code=opd_code, opd_id=opd_id)
    holder = await User.filter(nip=digits).exclude(id=user.id).first()
    if holder is not None:
        raise _nip_taken(user, holder.id)
    now = dt.datetime.now(dt.UTC)
    first, moved = user.nip is None, user.nip is None or user.opd_unit_id != unit.id  # type: ignore[attr-defined]
    if first:  # a changed NIP or OPD keeps the first registration's date
        user.asn_since = now
    user.nip = digits
    user.opd, user.opd_unit = unit.short_name, unit
    try:
        async with in_transaction():
            await user.save(update_fields=["nip", "opd", "opd_unit_id", "asn_since"])
            if moved:  # from now on: the months already ended keep the OPD they had
                await OpdMembership.create(user=user, opd=unit.short_name, opd_unit=unit, since=now)
    except IntegrityError:
        raise _nip_taken(user, None) from None
    return user


async def _opd_of(nip: str, *, opd: str | None, opd_code: str | None, opd_id: int | None) -> Opd:
    """The OPD a registration names, or the roster's for a NIP it lists (naming another one is refused)."""
    listed = await roster_opd(nip)
    given = opd_id is not None or opd_code is not None or opd is not None
    if listed is not None and not given:
        return listed
    field = "opdId" if opd_id is not None else "opdCode" if opd_code is not None else "opd"
    chosen = await find_opd(opd_id=opd_id, code=opd_code, text=opd, field=field)
    if listed is not None and chosen.id != listed.id:
        raise DomainError(ErrorCode.INVALID, f"The BKPSDM roster lists this NIP in {listed.short_name}: your OPD "
                          "follows the roster, so ask BKPSDM to correct it if you moved", field)
    return chosen


def _nip_taken(claimant: User, holder_id: int | None) -> DomainError:
    # Logged by account ids only: the NIP is personal data, and the ids are enough for the city to look both up.
    log.warning("registerAsn: account %s claimed a NIP already registered to account %s", claimant.id,
                holder_id if holder_id is not None else "(registered at the same moment)")
    return DomainError(ErrorCode.ALREADY_EXISTS, NIP_TAKEN, "nip")


NIP_TAKEN = ("This NIP is already registered to another account. If it is yours, ask Diskominfo to check it: "
             "the attempt has been recorded")
