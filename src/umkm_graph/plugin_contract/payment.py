"""What a payment provider receives and returns: payments, their actions, refunds and a gateway's reports."""

from __future__ import annotations

import abc
import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass

from umkm_graph.plugin_contract.common import BuyerInfo, Item, MaybeAwaitable, ShopInfo


@dataclass(frozen=True)
class PaymentMethodInfo:
    code: str  # unique among all providers' methods, e.g. "COD" or "MIDTRANS_QRIS"
    display_name: str
    cash_on_delivery: bool = False  # paid in cash on handover and confirmed by the seller
    max_amount: int | None = None  # the largest order total this method accepts
    refundable: bool = False  # refund_payment can give the money back for this method
    partial_refunds: bool = False  # ...and can give back part of it


@dataclass(frozen=True)
class PaymentPart:
    """One order's share of a payment that covers several orders of a checkout."""

    reference: str  # the order's reference
    shop: ShopInfo
    amount: int  # the order's total, delivery fee included
    delivery_fee: int


@dataclass(frozen=True)
class PaymentRequest:
    reference: str  # unique per payment; the gateway's order id and idempotency key (at most 50 characters)
    method: str
    amount: int  # the order's total, delivery fee included, vouchers' discount taken off; several orders: their sum
    delivery_fee: int
    items: tuple[Item, ...]
    buyer: BuyerInfo
    shop: ShopInfo  # a payment for several orders: the first order's shop (every shop is in parts)
    expires_at: dt.datetime | None = None  # cashless only: when the host will expire an unpaid payment
    parts: tuple[PaymentPart, ...] = ()  # a cashless checkout from several shops: each order's share, else empty
    discount: int = 0  # what vouchers took off the items and delivery fee: amount = items + delivery_fee - discount


@dataclass(frozen=True)
class PaymentAction:
    """What the buyer must do to pay a cashless payment."""

    kind: str  # e.g. "QR_STRING", "VA_NUMBER", "REDIRECT_URL", "DEEPLINK"
    value: str
    bank: str | None = None  # VA_NUMBER only: the bank whose app or ATM takes the number, e.g. "BCA"


@dataclass(frozen=True)
class PaymentResult:
    provider_reference: str | None = None  # the gateway's transaction id, at most 128 characters
    action: PaymentAction | None = None  # cashless only
    expires_at: dt.datetime | None = None  # cashless only: when an unpaid payment lapses


@dataclass(frozen=True)
class PaymentCancelRequest:
    reference: str
    provider_reference: str | None
    amount: int
    reason: str


@dataclass(frozen=True)
class RefundRequest:
    reference: str
    provider_reference: str | None
    amount: int
    reason: str
    idempotency_key: str  # the same key is a safe retry, never a second refund


@dataclass(frozen=True)
class RefundResult:
    provider_reference: str | None = None


class PaymentEventStatus(str, enum.Enum):
    """What a gateway says about a payment, mapped from its own words (Midtrans' "settlement" is PAID)."""

    PENDING = "PENDING"
    PAID = "PAID"
    FAILED = "FAILED"  # denied or cancelled at the gateway: it will never be paid
    EXPIRED = "EXPIRED"
    REFUNDED = "REFUNDED"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED"


@dataclass(frozen=True)
class PaymentEvent:
    """One thing a gateway reports about one payment: from a webhook, or from asking it (get_status)."""

    event_id: str  # unique per provider; the same event told twice has the same id, so it is recorded once
    reference: str  # PaymentRequest.reference of the payment it is about
    status: PaymentEventStatus
    amount: int | None = None  # what the gateway says the payment is for; a mismatch is never applied
    provider_reference: str | None = None
    occurred_at: dt.datetime | None = None
    raw_status: str = ""  # the gateway's own word, for the payment history


@dataclass(frozen=True)
class PaymentStatusRequest:
    reference: str
    provider_reference: str | None


class PaymentProvider(abc.ABC):
    """Takes the buyer's money for an order by one of its methods."""

    code: str  # lowercase letters, digits and underscores; unique among payment providers
    display_name: str
    methods: tuple[PaymentMethodInfo, ...]

    @abc.abstractmethod
    def create_payment(self, request: PaymentRequest) -> MaybeAwaitable[PaymentResult]:
        """Called once when the order is placed; for cash on delivery there is nothing to do until the cash arrives.
        A cashless payment returns the buyer's action. The request's reference is the idempotency key, and the call is
        retried with it, so a gateway must not charge twice for one reference."""

    def cancel_payment(self, request: PaymentCancelRequest) -> MaybeAwaitable[None]:
        """Called when an unpaid order is cancelled or expires, or when placing it failed after create_payment was
        called (for a cashless method even when create_payment failed: the gateway may have made it all the same).
        Cancelling what the gateway does not know must succeed quietly. Retried, so it must be idempotent."""
        return None

    def refund_payment(self, request: RefundRequest) -> MaybeAwaitable[RefundResult]:
        """Give a paid amount back, for methods marked refundable. The same idempotency_key is a retry, never a second
        refund. Retried."""
        raise NotImplementedError(f"{self.display_name} cannot refund")

    def get_status(self, request: PaymentStatusRequest) -> MaybeAwaitable[PaymentEvent | None]:
        """Ask the gateway how a payment stands now (reconciliation, the buyer's "I have paid"); None when it does not
        know the payment. Retried. Providers that cannot be asked keep this default."""
        return None

    def parse_webhook(self, raw: bytes, headers: Mapping[str, str]) -> MaybeAwaitable[list[PaymentEvent]]:
        """Verify a request to POST /webhooks/payments/{code} over its raw bytes, comparing in constant time, and read
        its events. Raise WebhookSignatureError or WebhookPayloadError. Providers without webhooks keep this default,
        and the host answers 404."""
        raise NotImplementedError(f"{self.display_name} takes no webhooks")
