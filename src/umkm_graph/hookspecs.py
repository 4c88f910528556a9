"""Every hook a plugin can implement, and the public types that cross them (datasette's hookspecs.py is the model).

A plugin imports only this module, and `PluginSettings` from umkm_graph.settings: what its hooks receive, never the
host's Settings. It implements hooks with `@hookimpl`, whose parameters are a subset of the spec's and have no defaults;
pluggy calls hooks with keyword arguments only. No hook here is firstresult: every plugin's answer counts. Providers are
objects built on the base classes below; the host calls their methods, and a method may return its value or an
awaitable of it. The host awaits with a timeout (UMKM_PROVIDER_TIMEOUT_SECONDS), and a method that raises or hangs fails
only the operation that called it. Keep blocking work out of plain methods: anything that waits on the network belongs
in an `async def`.

Money is int rupiah everywhere. The dataclasses only ever grow fields with defaults, so a plugin written today keeps working.
"""

from __future__ import annotations

import abc
import datetime as dt
import enum
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

import pluggy

from umkm_graph.settings import PluginSettings

PROJECT = "umkm_graph"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

T = TypeVar("T")
MaybeAwaitable = T | Awaitable[T]


# -- What orders and parcels look like to a provider -------------------------------------------------------------------


class DeliveryKind(str, enum.Enum):
    PICKUP = "PICKUP"  # the buyer collects the goods at the shop
    DELIVERY = "DELIVERY"  # the goods travel to the buyer's address, which is then required


@dataclass(frozen=True)
class ShopInfo:
    id: int
    name: str
    kecamatan: str
    kelurahan: str
    address: str
    phone: str
    latitude: float | None
    longitude: float | None
    offers_pickup: bool
    delivery_fees: dict[str, int] = field(default_factory=dict)  # the shop's own flat fee per destination kecamatan


@dataclass(frozen=True)
class Destination:
    kecamatan: str
    kelurahan: str
    address: str
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class BuyerInfo:
    id: int
    name: str
    email: str
    phone: str | None


@dataclass(frozen=True)
class Item:
    product_id: int
    name: str
    unit_price: int
    quantity: int
    weight_grams: int | None = None  # of one pack; None when the seller did not say


# -- What a provider raises -------------------------------------------------------------------------------------------


class WebhookSignatureError(Exception):
    """parse_webhook: the request is not signed by the gateway; the host answers 401 and changes nothing."""


class WebhookPayloadError(Exception):
    """parse_webhook: the request is signed (or unsigned) but cannot be read; the host answers 400."""


class ProviderRefused(Exception):
    """The gateway answered, and the answer is no (e.g. a refund above what was paid): not retried, and its message
    is shown to the user, so keep it short and free of secrets."""


# -- Delivery -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteRequest:
    shop: ShopInfo
    destination: Destination | None  # None when the buyer has not given an address (pickup needs none)
    items: tuple[Item, ...] = ()
    weight_grams: int = 0  # the parcel's total; a pack of unknown weight counts as the host's estimate (see below)
    order_value: int = 0  # the goods' value in rupiah, e.g. for a courier's COD limit
    weight_estimated: bool = False  # True when some pack's weight was estimated: 1 kg per litre, else 1 kg per pack


@dataclass(frozen=True)
class DeliveryQuote:
    service: str  # the provider's code for this option, e.g. "standard" or "gojek:instant"
    display_name: str
    fee: int
    eta_minutes: int | None = None
    cash_on_delivery: bool = False  # whoever hands the goods over can collect cash for them


@dataclass(frozen=True)
class ShipmentRequest:
    reference: str  # the order's reference, unique; use it as the idempotency key
    service: str
    shop: ShopInfo
    buyer: BuyerInfo
    destination: Destination | None
    items: tuple[Item, ...]
    weight_grams: int
    fee: int
    cash_on_delivery_amount: int  # what to collect from the buyer on handover; 0 when already paid
    weight_estimated: bool = False  # as in QuoteRequest


@dataclass(frozen=True)
class Shipment:
    reference: str | None = None  # the provider's own id for the shipment, at most 128 characters
    pickup_code: str | None = None  # for pickup: the code the buyer shows at the shop, at most 12 characters
    tracking_url: str | None = None


@dataclass(frozen=True)
class ShipmentCancelRequest:
    reference: str
    provider_reference: str | None
    reason: str


class ShipmentStatus(str, enum.Enum):
    """Where a booked courier's parcel is (Biteship's words). The host moves the order on: PICKED and DROPPING_OFF mean
    OUT_FOR_DELIVERY, DELIVERED means DELIVERED, RETURNED cancels the order and restores its stock, CANCELLED (the booking,
    before pickup) sends the order back to the seller to book again. The rest are recorded only."""

    CONFIRMED = "confirmed"  # booked
    ALLOCATED = "allocated"  # a driver is assigned
    PICKING_UP = "picking_up"
    PICKED = "picked"
    DROPPING_OFF = "dropping_off"
    ON_HOLD = "on_hold"
    RETURN_IN_TRANSIT = "return_in_transit"
    RETURNED = "returned"
    CANCELLED = "cancelled"
    DELIVERED = "delivered"


@dataclass(frozen=True)
class ShipmentEvent:
    """One thing a courier reports about one shipment: from a webhook, or from asking it (get_shipment_status)."""

    event_id: str  # unique per provider; the same report told twice has the same id, so it is recorded once
    status: ShipmentStatus
    provider_reference: str | None = None  # Shipment.reference of the shipment it is about...
    reference: str | None = None  # ...or ShipmentRequest.reference; give at least one
    occurred_at: dt.datetime | None = None  # timezone-aware
    raw_status: str = ""  # the courier's own word, at most 64 characters
    note: str | None = None  # e.g. the driver's name and plate, at most 255 characters
    tracking_url: str | None = None  # at most 500 characters


@dataclass(frozen=True)
class ShipmentStatusRequest:
    reference: str
    provider_reference: str | None


class DeliveryProvider(abc.ABC):
    """Brings an order's goods to the buyer, or lets the buyer collect them. `quote` says what it can do for a parcel."""

    code: str  # lowercase letters, digits and underscores; unique among delivery providers
    display_name: str
    kind: DeliveryKind
    # A courier booked per parcel (an aggregator such as Biteship): create_shipment is called when the seller marks the
    # order ready, not at checkout, so no driver comes before the goods are packed; its reports then move the order on.
    books_when_ready: bool = False
    # Quotes need the shop's and the buyer's coordinates; without them the host does not ask, and says why.
    needs_coordinates: bool = False

    @abc.abstractmethod
    def quote(self, request: QuoteRequest) -> MaybeAwaitable[list[DeliveryQuote]]:
        """The services available for this parcel, with their fees; an empty list when none is. Retried, within one
        timeout in all."""

    def create_shipment(self, request: ShipmentRequest) -> MaybeAwaitable[Shipment]:
        """Called once with the service the buyer chose: when the order is placed, or for books_when_ready providers when
        the seller marks it ready (again, with a new reference, if an earlier booking was cancelled). Not retried."""
        return Shipment()

    def cancel_shipment(self, request: ShipmentCancelRequest) -> MaybeAwaitable[None]:
        """Called when the order is cancelled, or when placing it failed after create_shipment succeeded. Retried, so
        it must be idempotent."""
        return None

    def get_shipment_status(self, request: ShipmentStatusRequest) -> MaybeAwaitable[ShipmentEvent | None]:
        """Ask the courier where a booked shipment is now (polling, when a webhook went missing); None when it does not
        know it. Retried. Providers that cannot be asked keep this default."""
        return None

    def parse_webhook(self, raw: bytes, headers: Mapping[str, str]) -> MaybeAwaitable[list[ShipmentEvent]]:
        """Verify a request to POST /webhooks/delivery/{code} over its raw bytes, comparing in constant time, and read
        its events. Raise WebhookSignatureError or WebhookPayloadError. Providers without webhooks keep this default,
        and the host answers 404."""
        raise NotImplementedError(f"{self.display_name} takes no webhooks")


# -- Payment ------------------------------------------------------------------------------------------------------------


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


# -- Notifications ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """One message to one person on one channel, already written in their language. The host decides who hears what;
    a notifier only delivers."""

    id: int  # the outbox row's id: the same id sent again is a retry, so use it as the idempotency key
    channel: str  # the notifier's channel, e.g. "email"
    address: str  # where on that channel: an email address, or a phone number as digits with the country code (62...)
    kind: str  # what it is about, e.g. "ORDER_ACCEPTED"; a template channel picks its template by it
    language: str  # "id" (Bahasa Indonesia) or "en"
    subject: str
    body: str
    parameters: tuple[str, ...] = ()  # the kind's values in their documented order, for a template's placeholders


class Notifier(abc.ABC):
    """Delivers messages on one channel (email, WhatsApp, web push, ...)."""

    channel: str  # lowercase letters, digits and underscores; unique among notifiers
    display_name: str

    @abc.abstractmethod
    def send(self, message: Message) -> MaybeAwaitable[None]:
        """Deliver one message. Raise to have it tried again later, with backoff, up to the host's bound; raise
        ProviderRefused when trying again cannot help (e.g. the address does not exist)."""


# -- Hooks: each asked once, at start-up; each may answer a list or an awaitable of one (not firstresult) ---------------


@hookspec
def register_payment_providers(settings: PluginSettings) -> MaybeAwaitable[list[PaymentProvider]]:  # type: ignore[empty-body]
    """Return the payment providers this plugin offers; an empty list when it is not configured."""


@hookspec
def register_delivery_providers(settings: PluginSettings) -> MaybeAwaitable[list[DeliveryProvider]]:  # type: ignore[empty-body]
    """Return the delivery providers this plugin offers; an empty list when it is not configured."""


@hookspec
def register_notifiers(settings: PluginSettings) -> MaybeAwaitable[list[Notifier]]:  # type: ignore[empty-body]
    """Return the notifiers this plugin offers; an empty list when it is not configured."""


# -- Asked when the host describes its plugins (`umkm-graph plugins`); sync -------------------------------------------


@hookspec
def plugin_needs(settings: PluginSettings) -> list[str]:  # type: ignore[empty-body]
    """Return what this plugin still needs before it offers anything (one line each); an empty list when configured."""
