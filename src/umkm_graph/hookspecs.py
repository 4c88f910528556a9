"""Every hook a plugin can implement, and the public types that cross them (datasette's hookspecs.py is the model).

A plugin imports only this module. It implements hooks with `@hookimpl`, whose parameters are a subset of the spec's and
have no defaults; pluggy calls hooks with keyword arguments only. No hook here is firstresult: every plugin's answer
counts. Providers are objects built on the base classes below; the host calls their methods, and a method may return its
value or an awaitable of it. The host awaits with a timeout (UMKM_PROVIDER_TIMEOUT_SECONDS), and a method that raises or
hangs fails only the operation that called it. Keep blocking work out of plain methods: anything that waits on the network
belongs in an `async def`.

Money is int rupiah everywhere. The dataclasses only ever grow fields with defaults, so a plugin written today keeps working.
"""

from __future__ import annotations

import abc
import datetime as dt
import enum
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TypeVar

import pluggy

from umkm_graph.settings import Settings

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


# -- Delivery -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteRequest:
    shop: ShopInfo
    destination: Destination | None  # None when the buyer has not given an address (pickup needs none)
    items: tuple[Item, ...] = ()
    weight_grams: int = 0  # total of the items whose weight is known
    order_value: int = 0  # the goods' value in rupiah, e.g. for a courier's COD limit


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


class DeliveryProvider(abc.ABC):
    """Brings an order's goods to the buyer, or lets the buyer collect them. `quote` says what it can do for a parcel."""

    code: str  # lowercase letters, digits and underscores; unique among delivery providers
    display_name: str
    kind: DeliveryKind

    @abc.abstractmethod
    def quote(self, request: QuoteRequest) -> MaybeAwaitable[list[DeliveryQuote]]:
        """The services available for this parcel, with their fees; an empty list when none is."""

    def create_shipment(self, request: ShipmentRequest) -> MaybeAwaitable[Shipment]:
        """Called once when the order is placed, with the service the buyer chose."""
        return Shipment()

    def cancel_shipment(self, request: ShipmentCancelRequest) -> MaybeAwaitable[None]:
        """Called when the order is cancelled, or when placing it failed after create_shipment succeeded."""
        return None


# -- Payment ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentMethodInfo:
    code: str  # unique among all providers' methods, e.g. "COD" or "MIDTRANS_QRIS"
    display_name: str
    cash_on_delivery: bool = False  # paid in cash on handover and confirmed by the seller
    max_amount: int | None = None  # the largest order total this method accepts


@dataclass(frozen=True)
class PaymentRequest:
    reference: str  # unique per payment; the gateway's order id and idempotency key (at most 50 characters)
    method: str
    amount: int  # the order's total, delivery fee included
    delivery_fee: int
    items: tuple[Item, ...]
    buyer: BuyerInfo
    shop: ShopInfo


@dataclass(frozen=True)
class PaymentAction:
    """What the buyer must do to pay a cashless payment."""

    kind: str  # e.g. "QR_STRING", "VA_NUMBER", "REDIRECT_URL", "DEEPLINK"
    value: str


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


class PaymentProvider(abc.ABC):
    """Takes the buyer's money for an order by one of its methods."""

    code: str  # lowercase letters, digits and underscores; unique among payment providers
    display_name: str
    methods: tuple[PaymentMethodInfo, ...]

    @abc.abstractmethod
    def create_payment(self, request: PaymentRequest) -> MaybeAwaitable[PaymentResult]:
        """Called once when the order is placed; for cash on delivery there is nothing to do until the cash arrives."""

    def cancel_payment(self, request: PaymentCancelRequest) -> MaybeAwaitable[None]:
        """Called when an unpaid order is cancelled, or when placing it failed after create_payment succeeded."""
        return None

    def refund_payment(self, request: RefundRequest) -> MaybeAwaitable[RefundResult]:
        """Give a paid amount back."""
        raise NotImplementedError(f"{self.display_name} cannot refund")


# -- Hooks: providers, collected once at start-up; each may return a list or an awaitable of a list ---------------------


@hookspec
def register_payment_providers(settings: Settings) -> MaybeAwaitable[list[PaymentProvider]]:  # type: ignore[empty-body]
    """Return the payment providers this plugin offers."""


@hookspec
def register_delivery_providers(settings: Settings) -> MaybeAwaitable[list[DeliveryProvider]]:  # type: ignore[empty-body]
    """Return the delivery providers this plugin offers."""
