"""Courier shipments as an order's buyer and seller see them, and what delivery costs: the options of deliveryQuotes and
of the checkout form's deliveryOptions."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from umkm_graph.delivery.models import CourierShipment, CourierStatus, ShipmentEventRecord, ShipmentEventSource
from umkm_graph.delivery.quotes import LeftOut, LeftOutReason, Quotes
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.hookspecs import DeliveryProvider, DeliveryQuote
from umkm_graph.orders.graphql.types import DeliveryKindEnum

ShipmentStatusEnum = strawberry.enum(
    CourierStatus, name="ShipmentStatus",
    description="Where a booked courier's parcel is: picked and dropping_off mean OUT_FOR_DELIVERY, delivered means "
    "DELIVERED, returned cancels the order, cancelled (before pickup) sends it back to the seller to book again.",
)
ShipmentEventSourceEnum = strawberry.enum(
    ShipmentEventSource, name="ShipmentEventSource", description="WEBHOOK: the courier told us. POLL: we asked it."
)
LeftOutReasonEnum = strawberry.enum(
    LeftOutReason, name="LeftOutReason",
    description="UNAVAILABLE: the provider failed, hung or answered garbage. NEEDS_LOCATION: it needs the shop's and "
    "your coordinates.",
)


@strawberry.type(name="ShipmentEvent", description="One report of the courier, recorded once, and what it changed.")
class ShipmentEventType:
    status: ShipmentStatusEnum  # type: ignore[valid-type]
    courier_status: str = strawberry.field(description="The courier's own word.")
    source: ShipmentEventSourceEnum  # type: ignore[valid-type]
    outcome: str = strawberry.field(description="What the report did to the order, or why it did nothing.")
    occurred_at: dt.datetime | None
    received_at: dt.datetime

    @classmethod
    def from_model(cls, event: ShipmentEventRecord) -> ShipmentEventType:
        return cls(status=event.status, courier_status=event.raw_status, source=event.source, outcome=event.outcome,
                   occurred_at=event.occurred_at, received_at=event.received_at)


@strawberry.type(name="CourierShipment", description="The courier booked for a DELIVERY order, and its tracking.")
class CourierShipmentType:
    provider: str
    service: str
    status: ShipmentStatusEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="Null until the seller marks the order ready for the courier."
    )
    courier_reference: str | None = strawberry.field(description="The courier's own id for the booking.")
    tracking_url: str | None
    note: str | None = strawberry.field(description="The courier's latest word, e.g. the driver's name.")
    weight_grams: int
    weight_estimated: bool = strawberry.field(description="Part of the weight is estimated: 1 kg a litre or a pack.")
    cash_on_delivery_amount: Rupiah = strawberry.field(description="What the courier collects from the buyer.")
    booked_at: dt.datetime | None
    model: strawberry.Private[CourierShipment]

    @classmethod
    def from_model(cls, shipment: CourierShipment) -> CourierShipmentType:
        return cls(provider=shipment.provider, service=shipment.service, status=shipment.status,
                   courier_reference=shipment.provider_reference, tracking_url=shipment.tracking_url, note=shipment.note, weight_grams=shipment.weight_grams,
                   weight_estimated=shipment.weight_estimated,
                   cash_on_delivery_amount=Rupiah(shipment.cash_on_delivery_amount), booked_at=shipment.booked_at,
                   model=shipment)

    @strawberry.field(description="Every report of the courier, oldest first.")
    async def events(self, info: Info[Context, None]) -> list[ShipmentEventType]:
        return [ShipmentEventType.from_model(e) for e in await info.context.loaders.shipment_events.load(self.model.id)]


@strawberry.type(name="DeliveryOption", description="One way a shop's goods can reach the buyer, with its fee.")
class DeliveryOptionType:
    provider: str = strawberry.field(description="What to send as deliveryProvider at checkout.")
    service: str = strawberry.field(description="What to send as deliveryService, when a provider offers several.")
    kind: DeliveryKindEnum  # type: ignore[valid-type]
    display_name: str
    fee: Rupiah
    eta_minutes: int | None
    cash_on_delivery: bool = strawberry.field(description="Whether cash can be paid on handover.")

    @classmethod
    def from_quote(cls, provider: DeliveryProvider, quote: DeliveryQuote) -> DeliveryOptionType:
        return cls(provider=provider.code, service=quote.service, kind=provider.kind, display_name=quote.display_name,
                   fee=Rupiah(quote.fee), eta_minutes=quote.eta_minutes, cash_on_delivery=quote.cash_on_delivery)


@strawberry.type(name="LeftOutProvider", description="A delivery provider that gave no quotes this time, and why.")
class LeftOutProviderType:
    provider: str
    display_name: str
    reason: LeftOutReasonEnum  # type: ignore[valid-type]
    message: str

    @classmethod
    def from_left_out(cls, left: LeftOut) -> LeftOutProviderType:
        return cls(provider=left.provider.code, display_name=left.provider.display_name, reason=left.reason,
                   message=left.message)


@strawberry.type(name="DeliveryQuotes", description="Every delivery provider's options for one shop's parcel.")
class DeliveryQuotesType:
    options: list[DeliveryOptionType] = strawberry.field(description="Send provider and service at checkout.")
    left_out: list[LeftOutProviderType] = strawberry.field(description="Providers that could not quote, named.")
    weight_grams: int = strawberry.field(description="The parcel's weight the couriers were given.")
    weight_estimated: bool = strawberry.field(
        description="Some pack's weight is unknown and counted as 1 kg (a litre as 1 kg): sellers can set netWeightGrams."
    )

    @classmethod
    def from_quotes(cls, quotes: Quotes) -> DeliveryQuotesType:
        return cls(options=[DeliveryOptionType.from_quote(p, q) for p, q in quotes.options],
                   left_out=[LeftOutProviderType.from_left_out(left) for left in quotes.left_out],
                   weight_grams=quotes.weight_grams, weight_estimated=quotes.weight_estimated)
