"""Referrals (issue 17, section 2): a buyer's code to invite others, and a new account registered with it.

A code is 8 letters and digits without the ones people misread (0/O, 1/I/L), made when its owner first asks for it.
Registering with a code checks it before the account exists, and writes the referral in the account's transaction, so
an account is referred exactly when it says so. A code used by its own owner (the request is signed in as the owner, or
the new account gives the owner's phone) is refused; who registers a second account with another email cannot be told
apart here, which is why the city counts referred accounts that went on to buy.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.growth.models import Referral, ReferralCode
from umkm_graph.people.access import require_role
from umkm_graph.people.models import Role, User
from umkm_graph.people.service import normalise_phone

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8
FIELD = ["input", "referralCode"]


def normalised_code(raw: str) -> str:
    return "".join(raw.split()).replace("-", "").upper()


async def my_referral_code(user: User | None) -> ReferralCode:
    """The signed-in buyer's (or seller's) code, made on the first ask."""
    person = require_role(user, Role.BUYER, Role.SELLER)
    for _ in range(5):
        existing = await ReferralCode.get_or_none(user_id=person.id)
        if existing is not None:
            return existing
        try:
            return await ReferralCode.create(user_id=person.id,
                                             code="".join(secrets.choice(ALPHABET) for _ in range(LENGTH)))
        except IntegrityError:  # the code was taken (rare), or a concurrent ask made this person's: look again
            continue
    raise RuntimeError("no free referral code after 5 tries")


MAX_CODE = 16  # the stored code's length: a longer one is nobody's


async def register_referred(code: str | None, signed_in: User | None, phone: str | None,
                            register: Callable[[], Awaitable[User]]) -> User:
    """Register the account (with `register`), referred by the code's owner when a code is given: an unknown code is
    NOT_FOUND and one's own code INVALID, both before anything is written."""
    if code is None or not code.strip():
        return await register()
    wanted = normalised_code(code)
    found = await ReferralCode.get_or_none(code=wanted).select_related("user") if len(wanted) <= MAX_CODE else None
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No one has this referral code: check it with the person who gave it",
                          FIELD)
    referrer = found.user
    same_phone = phone is not None and referrer.phone is not None and \
        normalise_phone(phone) == normalise_phone(referrer.phone)
    if (signed_in is not None and signed_in.id == referrer.id) or same_phone:
        raise DomainError(ErrorCode.INVALID, "This is your own referral code: it is for inviting other people", FIELD)
    async with in_transaction():
        user = await register()
        await Referral.create(referrer_id=referrer.id, referred_id=user.id)
    return user
