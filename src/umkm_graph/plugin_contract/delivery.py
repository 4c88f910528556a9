"""What a delivery provider receives and returns: quotes, shipments and a courier's reports."""

from __future__ import annotations

import abc
import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass

from umkm_graph.plugin_contract.common import BuyerInfo, Destination, Item, MaybeAwaitable, ShopInfo


class DeliveryKind(str, enum.Enum):
    PICKUP = "PICKUP"  # the buyer collects the goods at the shop
    DELIVERY = "DELIVERY"  # the goods travel to the buyer's address, which is then required


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
class CashRemittance:
    """A courier's report that it paid a shop the cash it collected on delivery for one shipment (courier COD): from a
    webhook, or from asking it (get_cash_remittance). The host settles what the courier owed the shop with it, once;
    a remitted or collected amount unlike what was owed stays on record as a discrepancy."""

    event_id: str  # unique per provider; the same report told twice has the same id, so it settles once
    remitted: int  # rupiah the courier paid the shop (after no fee: a courier's fee is not taken from the cash)
    collected: int | None = None  # what the courier took from the buyer; None: what it was asked to collect
    provider_reference: str | None = None  # Shipment.reference of the shipment it is about...
    reference: str | None = None  # ...or ShipmentRequest.reference; give at least one
    remitted_at: dt.datetime | None = None  # timezone-aware
    remittance_reference: str | None = None  # the courier's id for the transfer, at most 128 characters


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

    def get_cash_remittance(self, request: ShipmentStatusRequest) -> MaybeAwaitable[CashRemittance | None]:
        """Ask the courier whether it has paid the shop the cash it collected for a delivered cash-on-delivery shipment
        (polling, when a webhook went missing); None while it has not. Retried. Couriers that collect no cash, or
        cannot be asked, keep this default."""
        return None

    def parse_webhook(
        self, raw: bytes, headers: Mapping[str, str]
    ) -> MaybeAwaitable[list[ShipmentEvent | CashRemittance]]:
        """Verify a request to POST /webhooks/delivery/{code} over its raw bytes, comparing in constant time, and read
        its events: where parcels are, and cash remitted to shops. Raise WebhookSignatureError or WebhookPayloadError. Providers without webhooks keep this default,
        and the host answers 404."""
        raise NotImplementedError(f"{self.display_name} takes no webhooks")
