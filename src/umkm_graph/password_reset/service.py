"""Password reset: ask for a code by email or phone, then set a new password with it.

- The request always answers the same, whether an account has the email or phone or not; only its input's form
  and the throttles (counted per email or phone typed and per address, alike for every account) can refuse it.
- The code goes through the outbox to the account's own email or phone (notifications.notify_account_owner), in
  the transaction that stores its hash; the outbox blanks it once sent.
- A code works once, until it expires; using one voids the account's other codes and signs out every session.
- The jobs delete codes that can no longer work, used or expired (`sweep`), so the table holds only live codes."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.notifications.kinds import Kind
from umkm_graph.notifications.service import notify_account_owner
from umkm_graph.password_reset.models import PasswordReset
from umkm_graph.people.models import User
from umkm_graph.people.service import (
    MAX_EMAIL_LENGTH, MIN_PASSWORD_LENGTH, hash_password, is_valid_email, normalise_email, normalise_phone,
    password_weakness, valid_phone,
)
from umkm_graph.people.throttle import PasswordResetThrottle

log = logging.getLogger("umkm_graph.password_reset")

CODE_BYTES = 16  # 128 bits: guessing is hopeless, so the code needs no attempt count of its own
MAX_ACCOUNTS_PER_PHONE = 3  # a phone number is not unique to an account: each of a few gets its own code
FIELD = "emailOrPhone"


@dataclass(frozen=True)
class ResetPolicy:
    minutes: int = 30
    min_password_length: int = MIN_PASSWORD_LENGTH


def code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


async def request_reset(
    email_or_phone: str, *, channels: Sequence[str], policy: ResetPolicy,
    throttle: PasswordResetThrottle | None = None, address: str = "",
) -> None:
    """Send a code to the account with this email or phone, if there is one; the same outcome either way."""
    typed = email_or_phone.strip()
    by_phone = "@" not in typed
    if by_phone:
        if not valid_phone(typed):
            raise DomainError(ErrorCode.INVALID, "Give your account's email address, or a phone number of 8 to 15 "
                              "digits, optionally starting with +", FIELD)
        identifier = _phone_forms(typed)[0]
    else:
        identifier = normalise_email(typed)
        if len(identifier) > MAX_EMAIL_LENGTH or not is_valid_email(identifier):
            raise DomainError(ErrorCode.INVALID, "This is not an email address", FIELD)
    if throttle is not None:
        await throttle.admit_request(identifier, address)
    accounts = await _accounts(identifier, by_phone)
    for user in accounts:
        if throttle is not None and not await throttle.account_may_hear(user.id):
            log.info("password reset: account %s asked past its cap; no message sent", user.id)
            continue
        await _send_code(user, channels, policy, by_phone)


async def _accounts(identifier: str, by_phone: bool) -> list[User]:
    if not by_phone:
        return await User.filter(email=identifier)
    forms = _phone_forms(identifier)
    return await User.filter(phone__in=[*forms, *(f"+{form}" for form in forms)]).order_by("id") \
        .limit(MAX_ACCOUNTS_PER_PHONE)


def _phone_forms(phone: str) -> list[str]:
    """The ways one Indonesian number is stored: 62812..., 0812... (accounts keep what was typed)."""
    digits = normalise_phone(phone).lstrip("+")
    if digits.startswith("0"):
        return ["62" + digits[1:], digits]
    if digits.startswith("62"):
        return [digits, "0" + digits[2:]]
    return [digits]


async def _send_code(user: User, channels: Sequence[str], policy: ResetPolicy, by_phone: bool) -> None:
    code = secrets.token_urlsafe(CODE_BYTES)
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=policy.minutes)
    try:
        async with in_transaction():
            await PasswordReset.create(user=user, code_hash=code_hash(code), expires_at=expires)
            sent_on = await notify_account_owner(user, Kind.PASSWORD_RESET, {
                "name": user.name, "code": code, "minutes": str(policy.minutes)}, channels, by_phone=by_phone)
            if sent_on is None:
                raise _NoChannel
    except _NoChannel:  # rolled back: a code nobody can receive is not kept
        log.warning("password reset: no notifier can reach account %s; no code made", user.id)


class _NoChannel(Exception):
    """No installed channel reaches the account."""


async def reset_password(
    code: str, new_password: str, *, policy: ResetPolicy, throttle: PasswordResetThrottle | None = None,
    address: str = "",
) -> User:
    """Set a new password with a code: it must be known, unused and unexpired, and the password as strong as
    registration asks. A weak password leaves the code usable; a successful reset uses it up."""
    if throttle is not None:
        await throttle.admit_try(address)
    now = dt.datetime.now(dt.UTC)
    reset = await PasswordReset.get_or_none(code_hash=code_hash(code), used_at=None, expires_at__gt=now) \
        .select_related("user") if code.strip() else None
    if reset is None:
        raise _invalid_code()
    user: User = reset.user
    weakness = password_weakness(new_password, user.email, min_length=policy.min_password_length)
    if weakness is not None:
        raise DomainError(ErrorCode.INVALID, weakness, "newPassword")
    password_hash = await hash_password(new_password)
    async with in_transaction():
        if not await PasswordReset.filter(id=reset.id, used_at=None).update(used_at=now):
            raise _invalid_code()  # used meanwhile by a concurrent reset
        await PasswordReset.filter(user_id=user.id, used_at=None).update(used_at=now)
        await User.filter(id=user.id).update(password_hash=password_hash,
                                             session_version=F("session_version") + 1)
    return await User.get(id=user.id)


def _invalid_code() -> DomainError:
    return DomainError(ErrorCode.RESET_CODE_INVALID, "This code is wrong, used or expired: ask for a new one", "code")


async def sweep(now: dt.datetime) -> int:
    """Delete the codes used (or voided) and those expired by `now`, the jobs' clock; how many. Nothing reads them
    again: a reset looks up only unused, unexpired codes, and the request throttles count elsewhere."""
    return await PasswordReset.filter(Q(used_at__isnull=False) | Q(expires_at__lte=now)).delete()
