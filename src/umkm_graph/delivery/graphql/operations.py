"""Delivery quotes from every provider at once, booking the courier when an order is ready, and asking it for tracking;
the parcel's inputs (cart lines, address), which checkout's input shares."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from umkm_graph.delivery import quotes
from umkm_graph.delivery import refusals
from umkm_graph.delivery import service as delivery
from umkm_graph.delivery.graphql.types import DeliveryQuotesType
from umkm_graph.delivery.parcels import Address, CartLine
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.orders.graphql.operations import OrderPayload, change_order


@strawberry.input
class CheckoutLineInput:
    product_id: strawberry.ID
    quantity: int
    variant_id: strawberry.ID | None = strawberry.field(default=None, description=(
        "Which of the product's variants (Product.variants); may be left out when it has only one on sale."))

    def cart_line(self, path: str) -> CartLine:
        variant = None if self.variant_id is None else parse_id(self.variant_id, f"{path}.variantId")
        return CartLine(parse_id(self.product_id, f"{path}.productId"), self.quantity, variant)


@strawberry.input(description="Where a DELIVERY order goes, in Kota Malang.")
class DeliveryAddressInput:
    kecamatan: str
    kelurahan: str
    street: str
    latitude: float | None = strawberry.field(
        default=None, description="The buyer's point, with longitude: couriers that quote by coordinates need it."
    )
    longitude: float | None = None

    def address(self) -> Address:
        return Address(kecamatan=self.kecamatan, kelurahan=self.kelurahan, street=self.street,
                       latitude=self.latitude, longitude=self.longitude)


@strawberry.input(description="One shop's part of a cart, and where it goes: what the couriers price.")
class DeliveryQuotesInput:
    shop_id: strawberry.ID
    lines: list[CheckoutLineInput] = strawberry.field(description="The shop's products and quantities: weight and value.")
    address: DeliveryAddressInput | None = strawberry.field(
        default=None, description="Where to; with latitude and longitude for couriers that quote by coordinates."
    )

    def draft(self) -> quotes.QuoteDraft:
        lines = [line.cart_line(f"input.lines.{i}") for i, line in enumerate(self.lines)]
        address = None if self.address is None else self.address.address()
        return quotes.QuoteDraft(shop_id=parse_id(self.shop_id, "input.shopId"), lines=lines, address=address)


@strawberry.type
class DeliveryQuery:
    @strawberry.field(
        description="Every delivery provider's options for a parcel, asked at once, each within the provider timeout: "
        "price, ETA and whether it takes cash on delivery. A provider that fails or is slow is left out and named. "
        "For signed-in users."
    )
    async def delivery_quotes(self, info: Info[Context, None], input: DeliveryQuotesInput) -> DeliveryQuotesType:
        context = info.context
        found = await quotes.delivery_quotes(await context.user(), input.draft(), context.providers)
        return DeliveryQuotesType.from_quotes(found)


@strawberry.type
class DeliveryMutation:
    @strawberry.mutation(
        description="The seller has an ACCEPTED courier order packed: the courier is booked now (with the cash to "
        "collect, for cash on delivery) and the order waits for it, READY_FOR_PICKUP. The courier's reports then move it."
    )
    async def mark_ready_for_courier(self, info: Info[Context, None], id: strawberry.ID) -> OrderPayload:
        return await change_order(info, id, delivery.mark_ready_for_courier)

    @strawberry.mutation(
        description="The buyer or the seller asks the courier where the parcel is now, in case a report went missing. "
        "Safe to repeat."
    )
    async def refresh_shipment(self, info: Info[Context, None], id: strawberry.ID) -> OrderPayload:
        return await change_order(info, id, delivery.refresh_shipment)

    @strawberry.mutation(
        description="The seller records that the buyer refused a cash-on-delivery order at handover, with a reason: an "
        "order still at handover is cancelled (stock back, payment voided); a booked courier's parcel is recorded once "
        "the courier reports it returned. Past UMKM_COD_REFUSALS_LIMIT refusals the buyer loses cash on delivery."
    )
    async def record_cash_refusal(self, info: Info[Context, None], id: strawberry.ID, reason: str) -> OrderPayload:
        return await change_order(info, id, lambda user, order_id, providers, events: refusals.record_refusal(
            user, order_id, reason, providers, events))
