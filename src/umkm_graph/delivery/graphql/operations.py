"""Delivery quotes from every provider at once, booking the courier when an order is ready, and asking it for tracking."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from umkm_graph.delivery import service as delivery
from umkm_graph.delivery.graphql.types import DeliveryQuotesType
from umkm_graph.delivery.parcels import CartLine
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.orders.graphql.operations import CheckoutLineInput, DeliveryAddressInput, OrderPayload
from umkm_graph.orders.graphql.types import OrderType
from umkm_graph.orders.models import Order


@strawberry.input(description="One shop's part of a cart, and where it goes: what the couriers price.")
class DeliveryQuotesInput:
    shop_id: strawberry.ID
    lines: list[CheckoutLineInput] = strawberry.field(description="The shop's products and quantities: weight and value.")
    address: DeliveryAddressInput | None = strawberry.field(
        default=None, description="Where to; with latitude and longitude for couriers that quote by coordinates."
    )

    def draft(self) -> delivery.QuoteDraft:
        lines = [CartLine(parse_id(line.product_id, f"input.lines.{i}.productId"), line.quantity)
                 for i, line in enumerate(self.lines)]
        address = None if self.address is None else self.address.address()
        return delivery.QuoteDraft(shop_id=parse_id(self.shop_id, "input.shopId"), lines=lines, address=address)


def _order(order: Order) -> dict[str, object]:
    return {"order": OrderType.from_model(order)}


@strawberry.type
class DeliveryQuery:
    @strawberry.field(
        description="Every delivery provider's options for a parcel, asked at once, each within the provider timeout: "
        "price, ETA and whether it takes cash on delivery. A provider that fails or is slow is left out and named. "
        "For signed-in users."
    )
    async def delivery_quotes(self, info: Info[Context, None], input: DeliveryQuotesInput) -> DeliveryQuotesType:
        context = info.context
        quotes = await delivery.delivery_quotes(await context.user(), input.draft(), context.providers)
        return DeliveryQuotesType.from_quotes(quotes)


@strawberry.type
class DeliveryMutation:
    @strawberry.mutation(
        description="The seller has an ACCEPTED courier order packed: the courier is booked now (with the cash to "
        "collect, for cash on delivery) and the order waits for it, READY_FOR_PICKUP. The courier's reports then move it."
    )
    async def mark_ready_for_courier(self, info: Info[Context, None], id: strawberry.ID) -> OrderPayload:
        context = info.context
        return await mutate(
            info, OrderPayload,
            lambda user: delivery.mark_ready_for_courier(user, parse_id(id, "id"), context.providers, context.events),
            _order,
        )

    @strawberry.mutation(
        description="The buyer or the seller asks the courier where the parcel is now, in case a report went missing. "
        "Safe to repeat."
    )
    async def refresh_shipment(self, info: Info[Context, None], id: strawberry.ID) -> OrderPayload:
        context = info.context
        return await mutate(
            info, OrderPayload,
            lambda user: delivery.refresh_shipment(user, parse_id(id, "id"), context.providers, context.events),
            _order,
        )
