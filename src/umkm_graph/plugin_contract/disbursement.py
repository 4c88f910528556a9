"""What a disbursement provider receives and returns: payouts of a shop's balance by bank transfer, and their status."""

from __future__ import annotations

import abc
import enum
from dataclasses import dataclass

from umkm_graph.plugin_contract.common import MaybeAwaitable


@dataclass(frozen=True)
class BankAccount:
    bank: str  # the bank's code, lowercase, e.g. "bca", "bni", "bri", "mandiri"
    account_number: str  # digits only
    account_name: str  # the holder's name, as the seller gave it


@dataclass(frozen=True)
class PayoutRequest:
    reference: str  # ours, unique per payout, at most 50 characters: the gateway's idempotency key
    amount: int
    account: BankAccount
    shop_id: int
    shop_name: str
    note: str  # shown on the transfer, at most 100 characters
    transfer_reference: str | None = None  # a transfer made by hand (requires_reference): the bank's reference


class PayoutState(str, enum.Enum):
    PENDING = "PENDING"  # accepted, not transferred yet: asked again with get_payout_status
    PAID = "PAID"  # transferred
    FAILED = "FAILED"  # refused or returned by the bank: the money stays the shop's


@dataclass(frozen=True)
class PayoutResult:
    state: PayoutState
    provider_reference: str | None = None  # the gateway's id of the payout, at most 128 characters
    reason: str = ""  # FAILED: why, short and free of secrets (shown to the officer)


@dataclass(frozen=True)
class PayoutStatusRequest:
    reference: str
    provider_reference: str | None


class DisbursementProvider(abc.ABC):
    """Sends money the platform holds for a shop to the shop's bank account."""

    code: str  # lowercase letters, digits and underscores; unique among disbursement providers
    display_name: str
    requires_reference: bool = False  # the transfer is made by hand, and the officer gives its reference

    @abc.abstractmethod
    def create_payout(self, request: PayoutRequest) -> MaybeAwaitable[PayoutResult]:
        """Send the payout. The request's reference is the idempotency key, and the call is retried with it, so a
        gateway must not pay twice for one reference: a repeat answers the payout's state."""

    def get_payout_status(self, request: PayoutStatusRequest) -> MaybeAwaitable[PayoutResult | None]:
        """How a PENDING payout stands now; None when the gateway does not know it. Retried."""
        return None
