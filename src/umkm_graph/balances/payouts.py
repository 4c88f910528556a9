"""Paying a shop its balance: a city officer sends a payout through a disbursement provider (a transfer made by hand,
recorded with its reference, or a gateway's bank transfer), to the bank account the shop's seller gave.

A payout never pays more than the balance, however many are sent at once: it is written, with its PAYOUT entry, in a
transaction that holds the shop's row (SELECT ... FOR UPDATE), so the balance it checks cannot change under it by
another payout. It is idempotent: the officer's key is unique per shop, and a repeat answers the first payout. The
gateway is called after that transaction commits (nothing outside the database is called while it is open), with the
payout's reference as its idempotency key; a failed or hung call leaves the payout PENDING, its money reserved, and
`refresh_payout` asks again. A payout the gateway refuses is FAILED, and its money returns to the balance.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import secrets

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from umkm_graph.balances import ledger
from umkm_graph.balances.models import Payout, PayoutAccount, PayoutStatus
from umkm_graph.core.claims import claim, unclaimed
from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.hookspecs import (
    BankAccount,
    DisbursementProvider,
    PayoutRequest,
    PayoutResult,
    PayoutState,
    PayoutStatusRequest,
)
from umkm_graph.people.access import require_role
from umkm_graph.people.models import Role, User
from umkm_graph.plugin_host import Providers, RefusedByProvider
from umkm_graph.shops.models import Shop
from umkm_graph.shops.service import get_owned_shop

log = logging.getLogger("umkm_graph.balances")

KEY_FIELD = ["idempotencyKey"]
_PRINTABLE_ASCII = re.compile(r"[!-~]{1,100}")  # the house's idempotency keys (payments/idempotency.py)
_BANK = re.compile(r"[a-z][a-z0-9_]{1,31}")
_ACCOUNT_NUMBER = re.compile(r"[0-9]{6,34}")
MAX_NOTE = 100
SENDING = dt.timedelta(minutes=2)  # how long the jobs leave a new payout to the request sending it
MAX_TRANSFER_REFERENCE = 128


async def set_payout_account(user: User | None, shop_id: int, bank: str, account_number: str,
                             account_name: str) -> PayoutAccount:
    """The seller gives the bank account the shop's payouts go to; a later one replaces it."""
    shop = await get_owned_shop(user, shop_id)
    given = checked_account(bank, account_number, account_name)
    account, _ = await PayoutAccount.update_or_create(shop_id=shop.id, defaults={
        "bank": given.bank, "account_number": given.account_number, "account_name": given.account_name})
    return account


def checked_account(bank: str, account_number: str, account_name: str) -> BankAccount:
    """A bank account as a person typed it, tidied (spaces, dots and dashes out of the number), or every field's error
    under `input`: a shop's for its payouts, or a buyer's for a refund owed to them."""
    check = Validator(["input"])
    bank = bank.strip().lower()
    number = re.sub(r"[\s.-]", "", account_number)
    name = " ".join(account_name.split())
    if not _BANK.fullmatch(bank):
        check.add("bank", "A bank is its code: 2 to 32 lowercase letters, digits or _, e.g. bca, bri, mandiri")
    if not _ACCOUNT_NUMBER.fullmatch(number):
        check.add("accountNumber", "An account number has 6 to 34 digits")
    if not 1 <= len(name) <= 100:
        check.add("accountName", "The account holder's name has 1 to 100 characters")
    check.raise_if_any()
    return BankAccount(bank=bank, account_number=number, account_name=name)


def check_key(idempotency_key: str) -> None:
    if not _PRINTABLE_ASCII.fullmatch(idempotency_key):
        raise DomainError(ErrorCode.INVALID, "An idempotency key has 1 to 100 printable ASCII characters and no "
                          "spaces; a UUID is a good one", KEY_FIELD)


async def pay_out(
    user: User | None, shop_id: int, amount: int, provider_code: str, transfer_reference: str | None, note: str,
    idempotency_key: str, providers: Providers,
) -> Payout:
    """Pay `amount` of the shop's balance through the provider; the payout, PAID, PENDING or FAILED."""
    officer = require_role(user, Role.CITY_OFFICER)
    check_key(idempotency_key)
    request = {"amount": amount, "provider": provider_code, "transfer": transfer_reference, "note": note}
    digest = hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()
    if (earlier := await _earlier(shop_id, idempotency_key, digest)) is not None:
        return earlier
    provider = _checked(providers, provider_code, amount, transfer_reference, note)
    transfer_reference = transfer_reference.strip() if transfer_reference else None
    if not await Shop.exists(id=shop_id):
        raise DomainError(ErrorCode.NOT_FOUND, "No shop has this id", ["input", "shopId"])
    account = await PayoutAccount.get_or_none(shop_id=shop_id)
    if account is None and not provider.requires_reference:
        raise DomainError(ErrorCode.NOT_AVAILABLE, "The shop's seller has not given a bank account for payouts yet",
                          ["input", "shopId"])
    try:
        payout = await _reserve(officer, shop_id, amount, provider, account, note, idempotency_key, digest)
    except IntegrityError:  # the same key sent at once: the other send wrote first
        if (earlier := await _earlier(shop_id, idempotency_key, digest)) is not None:
            return earlier
        raise
    request_ = PayoutRequest(
        reference=payout.reference, amount=amount, account=_account_of(payout), shop_id=shop_id,
        shop_name=(await Shop.get(id=shop_id)).name, note=note or f"Payout {payout.reference}",
        transfer_reference=transfer_reference,
    )
    try:
        result = await providers.create_payout(provider, request_, ["input", "provider"])
    except RefusedByProvider as refusal:
        return await _apply(payout, PayoutResult(state=PayoutState.FAILED, reason=refusal.message[:150]))
    except DomainError as error:  # no answer: PENDING, its money reserved, until refreshPayout or the jobs ask again
        log.warning("payout %s left pending: %s", payout.reference, error.message)
        return payout
    return await _apply(payout, result)


async def refresh_payout(user: User | None, payout_id: int, providers: Providers) -> Payout:
    """Ask the provider how a PENDING payout stands (sending it again, under its reference, if it never answered)."""
    require_role(user, Role.CITY_OFFICER)
    payout = await Payout.get_or_none(id=payout_id)
    if payout is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No payout has this id", "id")
    return await _follow(payout, providers, ["id"])


async def follow_pending(providers: Providers, now: dt.datetime, lease: dt.timedelta, limit: int = 100) -> tuple[int, int]:
    """The jobs' part: ask about each PENDING payout nobody else holds, oldest first; (asked, now PAID or FAILED)."""
    pending = await Payout.filter(unclaimed(now), status=PayoutStatus.PENDING,
                                  provider__in=list(providers.disbursement)).order_by("id").limit(limit)
    asked = done = 0
    for payout in pending:
        if not await claim(Payout, payout.id, now, lease, status=PayoutStatus.PENDING):
            continue
        asked += 1
        try:
            done += (await _follow(payout, providers, [])).status != PayoutStatus.PENDING
        except DomainError as error:
            log.warning("following payout %s: %s", payout.reference, error.message)
    return asked, done


async def _follow(payout: Payout, providers: Providers, field: list[str]) -> Payout:
    if payout.status != PayoutStatus.PENDING:
        return payout
    provider = providers.disbursement.get(payout.provider)
    if provider is None:
        raise DomainError(ErrorCode.NOT_AVAILABLE, f"The {payout.provider!r} disbursement provider is not installed",
                          field)
    if payout.provider_reference is None:
        shop = await Shop.get(id=payout.shop_id)  # type: ignore[attr-defined]
        request = PayoutRequest(reference=payout.reference, amount=payout.amount, account=_account_of(payout),
                                shop_id=shop.id, shop_name=shop.name, note=payout.note or f"Payout {payout.reference}")
        try:
            result: PayoutResult | None = await providers.create_payout(provider, request, field)
        except RefusedByProvider as refusal:
            result = PayoutResult(state=PayoutState.FAILED, reason=refusal.message[:150])
    else:
        result = await providers.get_payout_status(
            provider, PayoutStatusRequest(reference=payout.reference, provider_reference=payout.provider_reference),
            field)
    return payout if result is None else await _apply(payout, result)


def _checked(providers: Providers, code: str, amount: int, transfer_reference: str | None,
             note: str) -> DisbursementProvider:
    check = Validator(["input"])
    provider = disbursement_provider(providers, code, transfer_reference, check)
    if amount <= 0:
        check.add("amount", "A payout is at least Rp1")
    if len(note) > MAX_NOTE:
        check.add("note", f"A note has at most {MAX_NOTE} characters")
    check.raise_if_any()
    assert provider is not None
    return provider


def disbursement_provider(providers: Providers, code: str, transfer_reference: str | None,
                          check: Validator) -> DisbursementProvider | None:
    """The installed provider coded `code`; what is wrong with it (fields `provider`, and `transferReference`, which a
    transfer made by hand needs) is added to `check`, for the caller to raise."""
    provider = providers.disbursement.get(code)
    if provider is None:
        names = ", ".join(sorted(providers.disbursement)) or "none"
        check.add("provider", f"No disbursement provider is coded {code!r} (installed: {names})", ErrorCode.NOT_FOUND)
    if provider is not None and provider.requires_reference:
        if not transfer_reference or not 1 <= len(transfer_reference.strip()) <= MAX_TRANSFER_REFERENCE:
            check.add("transferReference", f"A transfer made by hand is recorded with its bank reference (1 to "
                      f"{MAX_TRANSFER_REFERENCE} characters)", ErrorCode.REQUIRED)
    return provider


async def _earlier(shop_id: int, key: str, digest: str) -> Payout | None:
    payout = await Payout.get_or_none(shop_id=shop_id, idempotency_key=key)
    if payout is not None and payout.request_hash != digest:
        raise DomainError(ErrorCode.ALREADY_EXISTS, "This idempotency key was used for another payout; send a new key "
                          "with a new payout, and the same key only to repeat one", KEY_FIELD)
    return payout


async def _reserve(
    officer: User, shop_id: int, amount: int, provider: DisbursementProvider, account: PayoutAccount | None,
    note: str, key: str, digest: str,
) -> Payout:
    """The payout, PENDING, and its money off the balance, in one transaction that holds the shop's row."""
    async with in_transaction():
        shop = await Shop.select_for_update().get_or_none(id=shop_id)
        if shop is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No shop has this id", ["input", "shopId"])
        # A send of the same key that held the row before this one has committed its payout: answer that one.
        if (earlier := await _earlier(shop_id, key, digest)) is not None:
            return earlier
        balance = await ledger.balance_of(shop_id)
        if amount > balance:
            raise DomainError(ErrorCode.INSUFFICIENT_BALANCE,
                              f"The shop's balance is Rp{balance:,}; a payout is at most that".replace(",", "."),
                              ["input", "amount"])
        payout = await Payout.create(
            shop_id=shop_id, amount=amount, provider=provider.code, reference=f"PO-{secrets.token_hex(8).upper()}",
            idempotency_key=key, request_hash=digest, note=note, made_by=officer,
            claimed_until=dt.datetime.now(dt.UTC) + SENDING,  # the jobs leave it to this request meanwhile
            bank=account.bank if account else "", account_number=account.account_number if account else "",
            account_name=account.account_name if account else "",
        )
        await ledger.debit_payout(payout.id, shop_id, amount, payout.reference)
    return payout


async def _apply(payout: Payout, result: PayoutResult) -> Payout:
    """What the provider's answer does to a PENDING payout: once, by a conditional update on its status."""
    async with in_transaction():
        values: dict[str, object] = {"provider_reference": result.provider_reference or payout.provider_reference}
        if result.state == PayoutState.PAID:
            values |= {"status": PayoutStatus.PAID, "paid_at": dt.datetime.now(dt.UTC)}
        elif result.state == PayoutState.FAILED:
            values |= {"status": PayoutStatus.FAILED, "note": (result.reason or "refused")[:200]}
        changed = await Payout.filter(id=payout.id, status=PayoutStatus.PENDING).update(**values)
        if changed and result.state == PayoutState.FAILED:
            await ledger.return_payout(payout.id, payout.shop_id, payout.amount,  # type: ignore[attr-defined]
                                       payout.reference, result.reason or "refused")
    return await Payout.get(id=payout.id)


def _account_of(payout: Payout) -> BankAccount:
    return BankAccount(bank=payout.bank, account_number=payout.account_number, account_name=payout.account_name)
