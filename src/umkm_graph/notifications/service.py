"""Notifications' rules: `notify`, which other domains call inside their own transactions to put a message in the
outbox; each person's preferences (language; channels on or off, and where); and what the outbox shows the city.

Who hears a channel: email is on unless switched off, to the account's email; any other channel (WhatsApp, ...) is
off until the person switches it on, and goes to the address given, or else the account's phone number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from umkm_graph.core.errors import ErrorCode, Validator
from umkm_graph.core.paging import Page, Window, page_of
from umkm_graph.notifications.kinds import Kind, Parameters, check_parameters
from umkm_graph.notifications.models import NotificationPreference, OutboxMessage, OutboxStatus
from umkm_graph.notifications.texts import DEFAULT_LANGUAGE, LANGUAGES
from umkm_graph.people.access import require_role, require_user
from umkm_graph.people.models import Role, User
from umkm_graph.people.service import is_valid_email, normalise_email, valid_phone, normalise_phone

EMAIL = "email"  # the one channel that is on by default, and whose addresses are email addresses
MAX_CHANNELS = 10


async def notify(user_id: int, kind: Kind, parameters: Parameters) -> int:
    """Put a message of this kind for this person in the outbox, once for each channel they hear on; how many rows.
    Call it inside the transaction of the change that causes it, so the message exists exactly when the change does.
    The parameters are the kind's (kinds.PARAMETERS); wrong ones are a bug in the caller (ValueError)."""
    values = check_parameters(kind, parameters)
    user = await User.get(id=user_id)
    preference = await NotificationPreference.get_or_none(user_id=user_id)
    language = preference.language if preference else DEFAULT_LANGUAGE
    now = dt.datetime.now(dt.UTC)
    rows = [
        OutboxMessage(user_id=user_id, kind=kind.value, parameters=values, channel=channel, address=address,
                      language=language, next_attempt_at=now)
        for channel, address in _hearing(user, preference)
    ]
    if rows:
        await OutboxMessage.bulk_create(rows)
    return len(rows)


async def notify_many(user_ids: Sequence[int], kind: Kind, parameters: Parameters) -> int:
    """notify() for many people at once (a shop's followers), in three statements whatever their number."""
    values = check_parameters(kind, parameters)
    users = await User.filter(id__in=list(user_ids))
    preferences = await NotificationPreference.filter(user_id__in=list(user_ids))
    chosen = {p.user_id: p for p in preferences}  # type: ignore[attr-defined]
    now = dt.datetime.now(dt.UTC)
    rows = [
        OutboxMessage(user_id=user.id, kind=kind.value, parameters=values, channel=channel, address=address,
                      language=chosen[user.id].language if user.id in chosen else DEFAULT_LANGUAGE,
                      next_attempt_at=now)
        for user in users for channel, address in _hearing(user, chosen.get(user.id))
    ]
    if rows:
        await OutboxMessage.bulk_create(rows)
    return len(rows)


async def notify_account_owner(user: User, kind: Kind, parameters: Parameters, installed: Sequence[str], *,
                               by_phone: bool) -> str | None:
    """Put one message in the outbox for the account's owner on the account's own email or phone, never on an address
    of the preferences (it may be a shop cashier's): WhatsApp (or another phone channel) when the person hears on it
    and has a phone, and asked by phone or switched email off; else email. The channel used, or None if none can."""
    values = check_parameters(kind, parameters)
    preference = await NotificationPreference.get_or_none(user_id=user.id)
    chosen: dict[str, dict[str, object]] = dict(preference.channels) if preference else {}
    email_on = bool(chosen.get(EMAIL, {"enabled": True}).get("enabled"))
    phones = [c for c in installed if c != EMAIL and chosen.get(c, {}).get("enabled")] if user.phone else []
    if phones and (by_phone or not email_on):
        channel = phones[0]
    elif EMAIL in installed:
        channel = EMAIL
    elif user.phone and (phone := next((c for c in installed if c != EMAIL), None)):
        channel = phone
    else:
        return None
    address = _account_address(user, channel)
    assert address is not None
    language = preference.language if preference else (user.language.value if user.language else DEFAULT_LANGUAGE)
    await OutboxMessage.create(user_id=user.id, kind=kind.value, parameters=values, channel=channel, address=address,
                               language=language, next_attempt_at=dt.datetime.now(dt.UTC))
    return channel


def _hearing(user: User, preference: NotificationPreference | None) -> list[tuple[str, str]]:
    """(channel, address) of each channel this person hears on."""
    chosen: dict[str, dict[str, object]] = dict(preference.channels) if preference else {}
    chosen.setdefault(EMAIL, {"enabled": True, "address": None})
    heard = []
    for channel, choice in sorted(chosen.items()):
        address = choice.get("address") or _account_address(user, channel)
        if choice.get("enabled") and address:
            heard.append((channel, str(address)))
    return heard


def _account_address(user: User, channel: str) -> str | None:
    if channel == EMAIL:
        return user.email
    if not user.phone:
        return None
    phone = normalise_phone(user.phone).lstrip("+")
    return "62" + phone[1:] if phone.startswith("0") else phone  # as _clean_address: 0812... is 62812...


# -- Preferences --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelChoice:
    channel: str
    enabled: bool
    address: str | None  # None: the account's email (for email) or phone (for the others)


@dataclass(frozen=True)
class Preferences:
    language: str
    channels: list[ChannelChoice]  # one per installed channel, in the order given


async def preferences(user: User | None, channels: Sequence[str]) -> Preferences:
    """The signed-in person's choices for each of these (installed) channels."""
    person = require_user(user)
    preference = await NotificationPreference.get_or_none(user_id=person.id)
    return _shown(preference, channels)


def _shown(preference: NotificationPreference | None, channels: Sequence[str]) -> Preferences:
    chosen = preference.channels if preference else {}
    shown = []
    for channel in channels:
        choice = chosen.get(channel, {"enabled": channel == EMAIL, "address": None})
        shown.append(ChannelChoice(channel, bool(choice.get("enabled")), choice.get("address")))
    return Preferences(language=preference.language if preference else DEFAULT_LANGUAGE, channels=shown)


async def update_preferences(
    user: User | None, channels: Sequence[str], language: str | None, choices: Sequence[ChannelChoice],
) -> Preferences:
    """Change the language (when given) and the channels named in `choices`, each one of `channels` (those installed);
    channels not named keep their choice. Every wrong input is named by its field, and nothing is changed then."""
    person = require_user(user)
    check = Validator(["input"])
    if language is not None and language not in LANGUAGES:
        check.add("language", f"Choose a language of {', '.join(LANGUAGES)}")
    if len(choices) > MAX_CHANNELS:
        check.add("channels", f"Give at most {MAX_CHANNELS} channels")
    cleaned: dict[str, dict[str, object]] = {}
    for index, choice in enumerate(choices[:MAX_CHANNELS]):
        where = f"channels.{index}"
        if choice.channel not in channels:
            known = ", ".join(channels) or "none is installed"
            check.add(f"{where}.channel", f"No notifier delivers on {choice.channel!r}; the channels are: {known}")
            continue
        if choice.channel in cleaned:
            check.add(f"{where}.channel", f"The channel {choice.channel!r} is given twice")
            continue
        address = _clean_address(check, f"{where}.address", choice.channel, choice.address)
        if choice.enabled and address is None and choice.channel != EMAIL and not person.phone:
            check.add(f"{where}.address", "Give a phone number for this channel: your account has none",
                      ErrorCode.REQUIRED)
        cleaned[choice.channel] = {"enabled": choice.enabled, "address": address}
    check.raise_if_any()
    try:
        preference, _ = await NotificationPreference.get_or_create(user_id=person.id)
    except IntegrityError:  # a concurrent first change made the row meanwhile: change that one
        preference = await NotificationPreference.get(user_id=person.id)
    if language is not None:
        preference.language = language
    preference.channels = {**preference.channels, **cleaned}
    await preference.save()
    return _shown(preference, channels)


def _clean_address(check: Validator, field: str, channel: str, address: str | None) -> str | None:
    if address is None or not address.strip():
        return None
    if channel == EMAIL:
        email = normalise_email(address)
        check.check(is_valid_email(email), field, "This is not an email address")
        return email
    check.check(valid_phone(address), field, "A phone number has 8 to 15 digits, optionally after +, e.g. "
                "+6281234567890")
    phone = normalise_phone(address).lstrip("+")
    return "62" + phone[1:] if phone.startswith("0") else phone  # 0812... is Indonesia's 62812...


# -- What the city sees -------------------------------------------------------------------------------------------------


async def outbox(user: User | None, status: OutboxStatus | None, window: Window) -> Page[OutboxMessage]:
    """The outbox, newest first, for city officers (who run the service): what is waiting and what failed, and why.
    The services' callers never show addresses or parameters: they are the people's."""
    require_role(user, Role.CITY_OFFICER)
    query = OutboxMessage.all() if status is None else OutboxMessage.filter(status=status)
    return await page_of(query, window, ("-created_at", "-id"))


async def outbox_counts(user: User | None) -> Mapping[OutboxStatus, int]:
    """How many messages are in each state, for city officers and analysts."""
    require_role(user, Role.CITY_OFFICER, Role.ANALYST)
    return {status: await OutboxMessage.filter(status=status).count() for status in OutboxStatus}

