"""A person's own account: name, phone and language, and changing the password (which needs the current one)."""

from __future__ import annotations

from argon2.exceptions import InvalidHashError, VerificationError

from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.text import clean_text
from umkm_graph.people.access import require_user
from umkm_graph.people.models import Language, Role, User
from umkm_graph.people.service import (
    MIN_PASSWORD_LENGTH, SELF_SERVICE_ROLES, check_password, hash_password, normalise_phone, password_weakness, valid_phone,
)
from umkm_graph.people.throttle import LoginThrottle


async def update_profile(
    user: User | None, *, name: str | None, phone: str | None, language: Language | None, clear_phone: bool = False
) -> User:
    """Change what is given (null leaves a field as it is; clear_phone removes the phone); all or nothing."""
    person = await User.get(id=require_user(user).id)
    check = Validator(["input"])
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = clean_text(check, "name", name, label="Name", max_length=120)
    if clear_phone:
        changes["phone"] = None
    elif phone is not None:
        changes["phone"] = normalise_phone(phone)
        check.check(valid_phone(phone), "phone", "Phone must be 8 to 15 digits, optionally starting with +")
    if language is not None:
        changes["language"] = language
    check.raise_if_any()
    if changes:
        await User.filter(id=person.id).update(**changes)
        person.update_from_dict(changes)
    return person


async def change_password(
    user: User | None, current: str, new: str, *, throttle: LoginThrottle | None = None, address: str = "",
    min_length: int = MIN_PASSWORD_LENGTH,
) -> User:
    """Set a new password; the current one is checked first, counted as a sign-in attempt (so a stolen token cannot be
    used to guess it faster than the login form allows)."""
    person = await User.get(id=require_user(user).id)
    if throttle is not None:
        await throttle.admit(person.email, address)
    try:
        await check_password(person.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "The current password is wrong", "currentPassword") from None
    if throttle is not None:
        await throttle.succeeded(person.email, address)
    weakness = password_weakness(new, person.email, min_length=min_length)
    if weakness is not None:
        raise DomainError(ErrorCode.INVALID, weakness, "newPassword")
    if new == current:
        raise DomainError(ErrorCode.INVALID, "The new password must differ from the current one", "newPassword")
    person.password_hash = await hash_password(new)
    await User.filter(id=person.id).update(password_hash=person.password_hash)
    return person


async def add_role(user: User | None, role: Role) -> User:
    """Take on another self-service role: a seller also buys as a BUYER (and may then register as ASN), a buyer opens
    shops as a SELLER. City accounts keep their one role; a role already held is no change."""
    person = await User.get(id=require_user(user).id)
    if role not in SELF_SERVICE_ROLES:
        raise DomainError(ErrorCode.FORBIDDEN, "Only the BUYER or SELLER role can be added; city roles are given by an "
                          "operator", "role")
    if not all(held in SELF_SERVICE_ROLES for held in person.roles):
        raise DomainError(ErrorCode.FORBIDDEN, "A city account holds its one role only", "role")
    if not person.has_role(role):
        person.extra_roles = [*(person.extra_roles or []), role.value]
        await User.filter(id=person.id).update(extra_roles=person.extra_roles)
    return person
