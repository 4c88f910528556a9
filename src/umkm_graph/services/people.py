"""People: registration, login with a bearer token, and ASN identity (NIP and OPD)."""

from __future__ import annotations

import datetime as dt
import re

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from tortoise.exceptions import IntegrityError

from umkm_graph.models import Role, User
from umkm_graph.services.errors import DomainError, ErrorCode, Validator
from umkm_graph.services.nip import parse_nip

_hasher = PasswordHasher()
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SELF_SERVICE_ROLES = (Role.BUYER, Role.SELLER)
MIN_PASSWORD_LENGTH = 8


def normalise_email(email: str) -> str:
    return email.strip().lower()


async def register(
    *, email: str, password: str, name: str, role: Role = Role.BUYER, phone: str | None = None
) -> User:
    """Create a buyer or seller account. City officers and analysts are created by an operator (see create_user)."""
    if role not in SELF_SERVICE_ROLES:
        raise DomainError(ErrorCode.FORBIDDEN, "Only BUYER or SELLER accounts can be registered", "role")
    return await create_user(email=email, password=password, name=name, role=role, phone=phone)


async def create_user(
    *, email: str, password: str, name: str, role: Role, phone: str | None = None
) -> User:
    email = normalise_email(email)
    check = Validator()
    check.check(len(email) <= 254 and bool(_EMAIL.match(email)), "email", "Email address is not valid")
    check.check(len(password) >= MIN_PASSWORD_LENGTH, "password", f"Password must have at least {MIN_PASSWORD_LENGTH} characters")
    check.check(len(password) <= 256, "password", "Password must have at most 256 characters")
    check.check(0 < len(name.strip()) <= 120, "name", "Name must have 1 to 120 characters")
    if phone is not None:
        check.check(_valid_phone(phone), "phone", "Phone must be 8 to 15 digits, optionally starting with +")
    check.raise_if_any()
    if await User.filter(email=email).exists():
        raise DomainError(ErrorCode.ALREADY_EXISTS, "An account with this email already exists", "email")
    try:
        return await User.create(
            email=email, password_hash=_hasher.hash(password), name=name.strip(), role=role, phone=phone
        )
    except IntegrityError:
        raise DomainError(ErrorCode.ALREADY_EXISTS, "An account with this email already exists", "email") from None


def _valid_phone(phone: str) -> bool:
    return bool(re.fullmatch(r"\+?[0-9]{8,15}", phone.replace(" ", "").replace("-", "")))


async def authenticate(email: str, password: str) -> User:
    user = await User.get_or_none(email=normalise_email(email))
    if user is None:
        _hasher.hash(password)  # same cost either way, so timing does not reveal which emails exist
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "Email or password is wrong")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "Email or password is wrong") from None
    return user


def issue_token(user: User, secret_key: str, ttl_seconds: int) -> str:
    now = dt.datetime.now(dt.UTC)
    claims = {"sub": str(user.id), "role": user.role.value, "iat": now, "exp": now + dt.timedelta(seconds=ttl_seconds)}
    return jwt.encode(claims, secret_key, algorithm="HS256")


async def user_from_token(token: str, secret_key: str) -> User | None:
    """The user a bearer token names, or None when it is invalid, expired or names nobody."""
    try:
        claims = jwt.decode(token, secret_key, algorithms=["HS256"], options={"require": ["sub", "exp"]})
        user_id = int(claims["sub"])
    except (jwt.PyJWTError, ValueError):
        return None
    return await User.get_or_none(id=user_id)


async def register_asn(user: User, *, nip: str, opd: str) -> User:
    """Mark a buyer as ASN with a valid NIP and the OPD they work in."""
    if user.role != Role.BUYER:
        raise DomainError(ErrorCode.FORBIDDEN, "Only buyers can register as ASN")
    check = Validator()
    digits = nip.replace(" ", "")
    try:
        parse_nip(digits)
    except ValueError as exc:
        check.add("nip", str(exc))
    check.check(0 < len(opd.strip()) <= 120, "opd", "OPD must have 1 to 120 characters")
    check.raise_if_any()
    if await User.filter(nip=digits).exclude(id=user.id).exists():
        raise DomainError(ErrorCode.ALREADY_EXISTS, "This NIP is already registered to another account", "nip")
    user.nip = digits
    user.opd = " ".join(opd.split())
    try:
        await user.save(update_fields=["nip", "opd"])
    except IntegrityError:
        raise DomainError(ErrorCode.ALREADY_EXISTS, "This NIP is already registered to another account", "nip") from None
    return user
