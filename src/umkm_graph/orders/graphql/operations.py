"""Checkout, the buyer's and the shop's orders, one mutation per order transition, and what a checkout form offers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from strawberry.types import Info

from umkm_graph.checkout import service as checkout
from umkm_graph.delivery import parcels
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.graphql_common.pagination import Connection, paginate
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.orders import payment_events, refunds
from umkm_graph.orders import service as orders
from umkm_graph.orders.graphql.types import (
    CheckoutType,
    DeliveryOptionType,
    OrderStatusEnum,
    OrderType,
    PaymentMethodType,
    load_order,
)
from umkm_graph.orders.models import Order
from umkm_graph.orders.states import Action
from umkm_graph.payments import service as payments
from umkm_graph.people.models import User


@strawberry.input
class CheckoutLineInput:
    product_id: strawberry.ID
    quantity: int


@strawberry.input(description="How one shop in the cart delivers its part; give one per shop.")
class CheckoutShopInput:
    shop_id: strawberry.ID
    delivery_provider: str = strawberry.field(description="A provider from deliveryOptions, e.g. pickup or shop_courier.")
    delivery_service: str | None = strawberry.field(
        default=None, description="The option's service, when the provider offers several; null takes the first."
    )
    note: str | None = strawberry.field(default=None, description="A note for the seller, at most 500 characters.")


@strawberry.input(description="Where a DELIVERY order goes, in Kota Malang.")
class DeliveryAddressInput:
    kecamatan: str
    kelurahan: str
    street: str
    latitude: float | None = strawberry.field(
        default=None, description="The buyer's point, with longitude: couriers that quote by coordinates need it."
    )
    longitude: float | None = None

    def address(self) -> parcels.Address:
        return parcels.Address(kecamatan=self.kecamatan, kelurahan=self.kelurahan, street=self.street,
                                latitude=self.latitude, longitude=self.longitude)


@strawberry.input(description="A cart, which may hold products of several shops: it becomes one order per shop.")
class CheckoutInput:
    lines: list[CheckoutLineInput] = strawberry.field(description="One line per product; quantity 1 to 1000.")
    shops: list[CheckoutShopInput]
    payment_method: str = strawberry.field(
        description="A code from paymentMethods, e.g. COD; a cashless one leaves the orders AWAITING_PAYMENT, and "
        "each order's payment.action says how to pay."
    )
    address: DeliveryAddressInput | None = strawberry.field(default=None, description="Required for DELIVERY options.")

    def draft(self) -> checkout.CheckoutDraft:
        lines = [parcels.CartLine(parse_id(line.product_id, f"input.lines.{i}.productId"), line.quantity)
                 for i, line in enumerate(self.lines)]
        shops = [checkout.ShopChoice(parse_id(s.shop_id, f"input.shops.{j}.shopId"), s.delivery_provider,
                                     s.delivery_service, s.note)
                 for j, s in enumerate(self.shops)]
        address = None if self.address is None else self.address.address()
        return checkout.CheckoutDraft(lines=lines, shops=shops, payment_method=self.payment_method, address=address)


@strawberry.type
class CheckoutPayload:
    checkout: CheckoutType | None = None
    errors: list[UserError]


@strawberry.type
class OrderPayload:
    order: OrderType | None = None
    errors: list[UserError]


def _order(order: Order) -> dict[str, object]:
    return {"order": OrderType.from_model(order)}


@strawberry.type
class OrdersQuery:
    @strawberry.field(description="An order you bought, sold, or (city officers) any order; otherwise null.")
    async def order(self, info: Info[Context, None], id: strawberry.ID) -> OrderType | None:
        return await load_order(info, parse_id(id, "id"))

    @strawberry.field(description="The signed-in buyer's orders, newest first.")
    async def my_orders(
        self, info: Info[Context, None], status: OrderStatusEnum | None = None,  # type: ignore[valid-type]
        first: int | None = None, after: str | None = None,
    ) -> Connection[OrderType]:
        query = orders.my_orders(await info.context.user(), status)
        return await _page(info, query, first, after)

    @strawberry.field(description="A shop's orders, newest first: for its seller, and city officers.")
    async def shop_orders(
        self, info: Info[Context, None], shop_id: strawberry.ID,
        status: OrderStatusEnum | None = None,  # type: ignore[valid-type]
        first: int | None = None, after: str | None = None,
    ) -> Connection[OrderType]:
        query = await orders.shop_orders(await info.context.user(), parse_id(shop_id, "shopId"), status)
        return await _page(info, query, first, after)

    @strawberry.field(description="The payment methods checkout accepts now.")
    def payment_methods(self, info: Info[Context, None]) -> list[PaymentMethodType]:
        return [PaymentMethodType.from_option(option) for option in payments.payment_methods(info.context.providers)]

    @strawberry.field(description="How a shop's goods can reach the buyer; give a kecamatan to include its delivery.")
    async def delivery_options(
        self, info: Info[Context, None], shop_id: strawberry.ID, kecamatan: str | None = None
    ) -> list[DeliveryOptionType]:
        options = await checkout.delivery_options(
            await info.context.user(), parse_id(shop_id, "shopId"), kecamatan, info.context.providers
        )
        return [DeliveryOptionType.from_quote(provider, quote) for provider, quote in options]


async def _page(info: Info[Context, None], query: Any, first: int | None, after: str | None) -> Connection[OrderType]:
    settings = info.context.settings
    return await paginate(query, first, after, OrderType.from_model,
                          default=settings.default_page_size, cap=settings.max_page_size)


def _transition(
    info: Info[Context, None], id: strawberry.ID, action: Action, **extra: str | None
) -> Callable[[User | None], Awaitable[Order]]:
    context = info.context
    return lambda user: orders.transition(user, parse_id(id, "id"), action, context.providers, context.events, **extra)


@strawberry.type
class OrdersMutation:
    @strawberry.mutation(description="A buyer checks out a cart: one order per shop, all placed or none.")
    async def checkout(self, info: Info[Context, None], input: CheckoutInput) -> CheckoutPayload:
        context = info.context
        expiry = dt.timedelta(minutes=context.settings.payment_expiry_minutes)
        return await mutate(
            info, CheckoutPayload,
            lambda user: checkout.checkout(user, input.draft(), context.providers, context.events, payment_expiry=expiry),
            lambda result: {"checkout": CheckoutType.from_model(result)},
        )

    @strawberry.mutation(description="The seller accepts a PLACED order.")
    async def accept_order(self, info: Info[Context, None], id: strawberry.ID) -> OrderPayload:
        return await mutate(info, OrderPayload, _transition(info, id, Action.ACCEPT), _order)

    @strawberry.mutation(description="The seller has a PICKUP order ready at the shop.")
    async def mark_ready_for_pickup(self, info: Info[Context, None], id: strawberry.ID) -> OrderPayload:
        return await mutate(info, OrderPayload, _transition(info, id, Action.MARK_READY_FOR_PICKUP), _order)

    @strawberry.mutation(description="The seller sends a DELIVERY order on its way.")
    async def mark_out_for_delivery(self, info: Info[Context, None], id: strawberry.ID) -> OrderPayload:
        return await mutate(info, OrderPayload, _transition(info, id, Action.MARK_OUT_FOR_DELIVERY), _order)

    @strawberry.mutation(description="The seller has handed the goods over; a PICKUP order needs the buyer's pickup code.")
    async def mark_delivered(
        self, info: Info[Context, None], id: strawberry.ID, pickup_code: str | None = None
    ) -> OrderPayload:
        return await mutate(info, OrderPayload, _transition(info, id, Action.MARK_DELIVERED, pickup_code=pickup_code), _order)

    @strawberry.mutation(description="The seller confirms the cash of a cash-on-delivery order; its payment becomes PAID.")
    async def confirm_cash_collected(self, info: Info[Context, None], id: strawberry.ID) -> OrderPayload:
        context = info.context
        return await mutate(
            info, OrderPayload,
            lambda user: orders.confirm_cash_collected(user, parse_id(id, "id"), context.providers, context.events),
            _order,
        )

    @strawberry.mutation(description="The buyer confirms receipt of a DELIVERED, paid order.")
    async def complete_order(self, info: Info[Context, None], id: strawberry.ID) -> OrderPayload:
        return await mutate(info, OrderPayload, _transition(info, id, Action.COMPLETE), _order)

    @strawberry.mutation(
        description="The buyer or the seller cancels an AWAITING_PAYMENT, PLACED or ACCEPTED order with a reason; stock "
        "returns, and a paid order is refunded in full through its gateway."
    )
    async def cancel_order(self, info: Info[Context, None], id: strawberry.ID, reason: str) -> OrderPayload:
        return await mutate(info, OrderPayload, _transition(info, id, Action.CANCEL, reason=reason), _order)

    @strawberry.mutation(
        description="The buyer says they have paid an AWAITING_PAYMENT order: the gateway is asked now instead of "
        "waiting for its notification. Safe to repeat."
    )
    async def confirm_payment(self, info: Info[Context, None], id: strawberry.ID) -> OrderPayload:
        context = info.context
        return await mutate(
            info, OrderPayload,
            lambda user: payment_events.confirm(user, parse_id(id, "id"), context.providers, context.events),
            _order,
        )

    @strawberry.mutation(
        description="The seller gives part or all of a paid order's money back through its gateway, without cancelling "
        "it (e.g. an item ran out). Where the method allows it: see paymentMethods' refundable and partialRefunds."
    )
    async def refund_payment(
        self, info: Info[Context, None], order_id: strawberry.ID, amount: Rupiah, reason: str
    ) -> OrderPayload:
        context = info.context
        return await mutate(
            info, OrderPayload,
            lambda user: refunds.refund_part(
                user, parse_id(order_id, "orderId"), amount, reason, context.providers, context.events
            ),
            _order,
        )

