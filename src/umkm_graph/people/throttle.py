"""Throttles on what costs a password hash or answers a yes/no question about someone else's account: sign-in per
(account, address), per address and per account; registrations per address; ASN registrations per account. Counts
live in memory or in Redis (middleware's counters); every attempt is counted before it is checked, so concurrent
attempts cannot slip past a limit. Keys hold digests, never an email or an address."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol

from umkm_graph.core.errors import DomainError, ErrorCode

KNOWN_ADDRESS_SECONDS = 30 * 24 * 3600  # an address an account signed in from stays known for this long
ASN_REGISTRATION_WINDOW_SECONDS = 24 * 3600


class AttemptCounter(Protocol):
    """A counter kept in this process's memory, or in Redis for every process, whose count resets window_seconds
    after its first hit."""

    async def hit(self, key: str, window_seconds: int) -> tuple[int, float]:
        """Count one more; returns the count so far and the seconds until it resets."""
        ...

    async def peek(self, key: str) -> int:
        """The count so far (0 when none or reset), without counting."""
        ...

    async def clear(self, key: str) -> None: ...


def digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def limited(why: str, seconds_left: float, advice: str = "") -> DomainError:
    minutes = max(1, -(-int(seconds_left) // 60))
    return DomainError(ErrorCode.RATE_LIMITED,
                       f"{why}; {advice}try again in {minutes} minute{'s' if minutes > 1 else ''}")


@dataclass(frozen=True)
class LoginThrottle:
    """Sign-in attempts, each limit per window_seconds (0 turns the last two off):
    - max_failures per (account, address) without a success: that address is locked out of that account, the owner
      elsewhere is not;
    - max_attempts_per_address for any emails: one address trying many emails;
    - max_failures_per_account from addresses this account never signed in from: many addresses guessing one account.
      Past it, only addresses it signed in from in the last 30 days may still try (each within its own max_failures)."""

    counter: AttemptCounter
    max_failures: int
    window_seconds: int
    max_failures_per_account: int = 0
    max_attempts_per_address: int = 0

    async def admit(self, account: str, address: str) -> None:
        """Count one attempt to sign in to account (a normalised email) from address, or refuse it."""
        if self.max_attempts_per_address > 0:
            count, left = await self.counter.hit(f"login:address:{digest(address)}", self.window_seconds)
            if count > self.max_attempts_per_address:
                raise limited("Too many sign-in attempts from your address", left)
        count, left = await self.counter.hit(_pair_key(account, address), self.window_seconds)
        if count > self.max_failures:
            raise limited("Too many sign-in attempts for this email from your address", left)
        if self.max_failures_per_account > 0 and not await self.counter.peek(_known_key(account, address)):
            count, left = await self.counter.hit(f"login:account:{digest(account)}", self.window_seconds)
            if count > self.max_failures_per_account:
                raise limited("Too many sign-in attempts for this email from new addresses", left,
                              "sign in from an address you used before, or ")

    async def succeeded(self, account: str, address: str) -> None:
        await self.counter.clear(_pair_key(account, address))
        if self.max_failures_per_account > 0:
            await self.counter.hit(_known_key(account, address), KNOWN_ADDRESS_SECONDS)


def _pair_key(account: str, address: str) -> str:
    return f"login:{digest(account, address)}"


def _known_key(account: str, address: str) -> str:
    return f"login:known:{digest(account, address)}"


@dataclass(frozen=True)
class RegistrationThrottle:
    """Registrations (register and registerAsn, refused ones included) per address and window_seconds, and ASN
    registrations per account and day; 0 turns a limit off. Each answers "already registered" or not, and a
    registration costs a password hash."""

    counter: AttemptCounter
    per_address: int
    window_seconds: int
    asn_per_account: int = 0

    async def admit(self, address: str) -> None:
        if self.per_address > 0:
            count, left = await self.counter.hit(f"register:address:{digest(address)}", self.window_seconds)
            if count > self.per_address:
                raise limited("Too many registrations from your address", left)

    async def admit_asn(self, user_id: int, address: str) -> None:
        await self.admit(address)
        if self.asn_per_account > 0:
            count, left = await self.counter.hit(f"register-asn:account:{user_id}", ASN_REGISTRATION_WINDOW_SECONDS)
            if count > self.asn_per_account:
                raise limited("Too many ASN registration attempts for your account", left)


@dataclass(frozen=True)
class PasswordResetThrottle:
    """Password reset requests per email or phone typed (whether an account has it or not, so the refusal reveals
    nothing) and per address; codes tried per address. Each per window_seconds; 0 turns a limit off. The cap per
    account (silent: it would tell that the account exists) is the service's, counted here by account()."""

    counter: AttemptCounter
    window_seconds: int
    per_identifier: int
    per_account: int
    per_address: int
    tries_per_address: int

    async def admit_request(self, identifier: str, address: str) -> None:
        if self.per_address > 0:
            count, left = await self.counter.hit(f"reset:address:{digest(address)}", self.window_seconds)
            if count > self.per_address:
                raise limited("Too many password reset requests from your address", left)
        if self.per_identifier > 0:
            count, left = await self.counter.hit(f"reset:identifier:{digest(identifier)}", self.window_seconds)
            if count > self.per_identifier:
                raise limited("Too many password reset requests for this email or phone", left)

    async def account_may_hear(self, user_id: int) -> bool:
        """Count one more message to this account; False once past its cap."""
        if self.per_account <= 0:
            return True
        count, _ = await self.counter.hit(f"reset:account:{user_id}", self.window_seconds)
        return count <= self.per_account

    async def admit_try(self, address: str) -> None:
        if self.tries_per_address > 0:
            count, left = await self.counter.hit(f"reset:try:{digest(address)}", self.window_seconds)
            if count > self.tries_per_address:
                raise limited("Too many password reset codes tried from your address", left)
