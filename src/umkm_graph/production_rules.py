"""What production refuses to start with: a guessable or public secret, and a protection switched off unless
UMKM_ALLOW_UNSAFE_PRODUCTION names it."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass
from math import log2
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from umkm_graph.settings import Settings

# A random 32-byte token (hex, base64 or urlsafe) is estimated at 145 bits or more (the least of 20,000 of each);
# 32 × "a" at 0, a 16-character block said three times at 72.
MIN_SECRET_BITS = 128
# A public key's longest stretch that a secret may share with it: a random key shares two or three characters.
MAX_SHARED_STRETCH = 10
MAX_SIMILARITY = 0.6
# A limit raised past this many times its default, or a rate limit of 0, switches that protection off.
LIMIT_HEADROOM = 10


def estimated_bits(secret: str) -> float:
    """A deliberately low estimate of a secret's entropy: each character is worth the Shannon entropy of the secret's
    own character frequencies, and nothing when it repeats or steps from the one before (aa, ab, 21) or closes a
    three-character stretch seen before (a block said twice)."""
    if not secret:
        return 0.0
    counts = Counter(secret)
    per_character = -sum(n / len(secret) * log2(n / len(secret)) for n in counts.values())
    seen: set[str] = set()
    informative = 0
    for i, character in enumerate(secret):
        stretch = secret[max(0, i - 2):i + 1]
        stepped = i > 0 and abs(ord(character) - ord(secret[i - 1])) <= 1
        informative += not stepped and stretch not in seen
        seen.add(stretch)
    return max(0.0, per_character * informative)  # not -0.0


def _folded(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def derived_from(secret: str, public: str) -> bool:
    """Whether a secret is the public key dressed up: it contains it, or shares a long stretch with it, or is close to
    it (case, punctuation and a few characters aside)."""
    mine, theirs = _folded(secret), _folded(public)
    if not mine:
        return False
    matcher = difflib.SequenceMatcher(None, mine, theirs, autojunk=False)
    shared = matcher.find_longest_match(0, len(mine), 0, len(theirs)).size
    return theirs in mine or shared > MAX_SHARED_STRETCH or matcher.ratio() >= MAX_SIMILARITY


def secret_problems(variable: str, secret: str, public: str, min_length: int) -> list[str]:
    """Why a secret is unfit for production, naming its variable; empty when it is fit."""
    if secret == public:
        return [f"{variable} is the development default; set a random key of at least {min_length} characters "
                "(python3 -c \"import secrets; print(secrets.token_urlsafe(32))\")"]
    if len(secret) < min_length:
        return [f"{variable} has {len(secret)} characters; use at least {min_length}"]
    if derived_from(secret, public):
        return [f"{variable} is derived from the public development key; set a random one"]
    bits = estimated_bits(secret)
    if bits < MIN_SECRET_BITS:
        return [f"{variable} is too easy to guess (about {bits:.0f} bits of entropy by a simple estimate; at least "
                f"{MIN_SECRET_BITS} needed): use 32 random bytes, e.g. secrets.token_urlsafe(32)"]
    return []


@dataclass(frozen=True)
class Protection:
    """A protection production keeps unless UMKM_ALLOW_UNSAFE_PRODUCTION names it."""

    name: str
    what: str  # "production keeps <what>"

    def switched_off(self, settings: Settings) -> list[str]:
        """What in these settings switches it off, each naming its variable."""
        return _SWITCHES[self.name](settings)


def _over(settings: Settings, *fields: str) -> list[str]:
    found = []
    for name in fields:
        value, default = getattr(settings, name), getattr(type(settings), name)  # a dataclass's defaults
        if value > default * LIMIT_HEADROOM:
            found.append(f"UMKM_{name.upper()} is {value}, over {LIMIT_HEADROOM} times its default {default}")
    return found


def _rate_limits(settings: Settings) -> list[str]:
    found = []
    defaults = type(settings)
    for name in ("rate_limit_per_ip", "rate_limit_per_user"):
        value = getattr(settings, name)
        per_minute = value * 60 / max(settings.rate_limit_window_seconds, 1)
        default = getattr(defaults, name) * 60 / defaults.rate_limit_window_seconds
        if value == 0:
            found.append(f"UMKM_{name.upper()} is 0 (no limit)")
        elif per_minute > default * LIMIT_HEADROOM:
            found.append(f"UMKM_{name.upper()} allows {per_minute:.0f} requests a minute (with "
                         f"UMKM_RATE_LIMIT_WINDOW_SECONDS), over {LIMIT_HEADROOM} times the default {default:.0f}")
    return found


def _zero_or_over(settings: Settings, *fields: str) -> list[str]:
    """0 switches these throttles off; far above the default, they no longer bound guessing."""
    off = [f"UMKM_{name.upper()} is 0 (no limit)" for name in fields if getattr(settings, name) <= 0]
    return off + _over(settings, *fields)


def _forced_on(variable: str, value: bool | None) -> list[str]:
    return [f"{variable} is true"] if value else []


_SWITCHES = {
    "rate_limits": _rate_limits,
    "query_limits": lambda s: _over(s, "max_query_depth", "max_query_aliases", "max_query_tokens", "max_query_cost",
                                    "analyst_max_query_cost", "max_batch_operations"),
    "body_size": lambda s: _over(s, "max_body_bytes"),
    "request_timeout": lambda s: _over(s, "request_timeout_seconds"),
    "socket_limits": lambda s: _over(s, "max_sockets_per_user", "max_subscriptions_per_socket"),
    "login_throttle": lambda s: _zero_or_over(s, "login_max_failures_per_account", "login_max_attempts_per_address",
                                              "registrations_per_address", "asn_registrations_per_account"),
    "introspection": lambda s: _forced_on("UMKM_INTROSPECTION", s.introspection),
    "field_suggestions": lambda s: _forced_on("UMKM_FIELD_SUGGESTIONS", s.field_suggestions),
}
PROTECTIONS = (
    Protection("rate_limits", "the rate limits per address and per user on"),
    Protection("query_limits", "the document limits (depth, aliases, tokens, cost, batch size) in force"),
    Protection("body_size", "the request body limit in force"),
    Protection("request_timeout", "the request timeout in force"),
    Protection("socket_limits", "the caps on sockets per user and operations per socket in force"),
    Protection("login_throttle", "the sign-in and registration throttles per account and per address in force"),
    Protection("introspection", "introspection off"),
    Protection("field_suggestions", "field suggestions off"),
)


def unsafe_production_problems(settings: Settings) -> list[str]:
    """Each protection switched off without UMKM_ALLOW_UNSAFE_PRODUCTION naming it, and each name it has that is no
    protection."""
    names = {protection.name for protection in PROTECTIONS}
    found = [f"UMKM_ALLOW_UNSAFE_PRODUCTION names {name!r}, which is not a protection; choose from "
             f"{', '.join(sorted(names))}" for name in settings.allow_unsafe_production if name not in names]
    for protection in PROTECTIONS:
        if protection.name in settings.allow_unsafe_production:
            continue
        found.extend(f"{reason}; production keeps {protection.what} unless UMKM_ALLOW_UNSAFE_PRODUCTION names "
                     f"{protection.name}" for reason in protection.switched_off(settings))
    return found


def acknowledged_unsafe(settings: Settings) -> list[str]:
    """The protections switched off on purpose (named in UMKM_ALLOW_UNSAFE_PRODUCTION), to say so at every start."""
    return [f"production runs without {protection.what} ({'; '.join(reasons)}), as UMKM_ALLOW_UNSAFE_PRODUCTION "
             f"allows with {protection.name}"
            for protection in PROTECTIONS if protection.name in settings.allow_unsafe_production
            and (reasons := protection.switched_off(settings))]
