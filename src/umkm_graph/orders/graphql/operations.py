"""The buyer's and the shop's orders, and one mutation per change of an order (a transition, cash collected, a payment
confirmed or refunded); each mutation answers with the order, through one helper."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import strawberry
from strawberry.types import Info

from umkm_graph.events import EventBus
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.graphql_common.pagination import Connection, connection, window
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.orders import payment_events, refunds
from umkm_graph.orders import service as orders
from umkm_graph.orders.graphql.types import OrderStatusEnum, OrderType, PaymentStatusEnum, load_order
from umkm_graph.orders.models import Order
from umkm_graph.orders.states import Action
from umkm_graph.people.models import User
from umkm_graph.plugin_host import Providers

# What a mutation asks of a service: the asker and the order's id, with the request's providers and events.
OrderChange = Callable[[User | None, int, Providers, EventBus], Awaitable[Order]]


@strawberry.type
class OrderPayload:
    order: OrderType | None = None
    errors: list[UserError]


async def change_order(
    info: Info[Context, None], id: strawberry.ID, change: OrderChange, field: str = "id"
) -> OrderPayload:
    """Run a change of one order as a mutation: the order as it is after it, or the errors of why not."""
    context = info.context
    return await mutate(
        info, OrderPayload,
        lambda user: change(user, parse_id(id, field), context.providers, context.events),
        lambda order: {"order": OrderType.from_model(order)},
    )


def _transition(action: Action, **extra: str | None) -> OrderChange:
    return lambda user, order_id, providers, events: orders.transition(
        user, order_id, action, providers, events, **extra
    )


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
        settings = info.context.settings
        page = await orders.my_orders(await info.context.user(), status, window(
            first, after, default=settings.default_page_size, cap=settings.max_page_size))
        return connection(page, OrderType.from_model)

    @strawberry.field(description="A shop's orders, newest first: for its seller, and city officers.")
    async def shop_orders(
        self, info: Info[Context, None], shop_id: strawberry.ID,
        status: OrderStatusEnum | None = None,  # type: ignore[valid-type]
        first: int | None = None, after: str | None = None,
        payment_status: PaymentStatusEnum | None = None,  # type: ignore[valid-type]
    ) -> Connection[OrderType]:
        settings = info.context.settings
        page = await orders.shop_orders(await info.context.user(), parse_id(shop_id, "shopId"), status, window(
            first, after, default=settings.default_page_size, cap=settings.max_page_size), payment_status)
        return connection(page, OrderType.from_model)

    @strawberry.field(description="City officers: delivered cash-on-delivery orders whose cash the seller still has not "
                      "confirmed UMKM_COD_CASH_CITY_HOURS after delivery, oldest first.")
    async def cash_unconfirmed_orders(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None,
    ) -> Connection[OrderType]:
        settings = info.context.settings
        page = await orders.cash_unconfirmed_orders(await info.context.user(), window(
            first, after, default=settings.default_page_size, cap=settings.max_page_size))
        return connection(page, OrderType.from_model)


@strawberry.type
class OrdersMutation:
    @strawberry.mutation(description="The seller accepts a PLACED order.")
    async def accept_order(self, info: Info[Context, None], id: strawberry.ID) -> OrderPayload:
        return await change_order(info, id, _transition(Action.ACCEPT))

    @strawberry.mutation(description="The seller has a PICKUP order ready at the shop.")
    async def mark_ready_for_pickup(self, info: Info[Context, None], id: strawberry.ID) -> OrderPayload:
        return await change_order(info, id, _transition(Action.MARK_READY_FOR_PICKUP))

    @strawberry.mutation(description="The seller sends a DELIVERY order on its way.")
    async def mark_out_for_delivery(self, info: Info[Context, None], id: strawberry.ID) -> OrderPayload:
        return await change_order(info, id, _transition(Action.MARK_OUT_FOR_DELIVERY))

    @strawberry.mutation(description="The seller has handed the goods over; a PICKUP order needs the buyer's pickup code.")
    async def mark_delivered(
        self, info: Info[Context, None], id: strawberry.ID, pickup_code: str | None = None
    ) -> OrderPayload:
        return await change_order(info, id, _transition(Action.MARK_DELIVERED, pickup_code=pickup_code))

    @strawberry.mutation(description=(
        "The seller confirms the cash of a cash-on-delivery order; its payment becomes PAID. `amount`: the cash "
        "collected, when it is not the order's total; the difference is kept on the cash ledger as a discrepancy."))
    async def confirm_cash_collected(
        self, info: Info[Context, None], id: strawberry.ID, amount: Rupiah | None = None
    ) -> OrderPayload:
        return await change_order(info, id, lambda user, order, providers, events: orders.confirm_cash_collected(
            user, order, providers, events, amount))

    @strawberry.mutation(description="The buyer confirms receipt of a DELIVERED, paid order.")
    async def complete_order(self, info: Info[Context, None], id: strawberry.ID) -> OrderPayload:
        return await change_order(info, id, _transition(Action.COMPLETE))

    @strawberry.mutation(
        description="The buyer or the seller cancels an AWAITING_PAYMENT, PLACED or ACCEPTED order with a reason; stock "
        "returns, and a paid order is refunded in full: through its gateway, or owed by transfer where the gateway "
        "cannot refund (a virtual account; see payment.refunds)."
    )
    async def cancel_order(self, info: Info[Context, None], id: strawberry.ID, reason: str) -> OrderPayload:
        return await change_order(info, id, _transition(Action.CANCEL, reason=reason))

    @strawberry.mutation(
        description="The buyer says they have paid an AWAITING_PAYMENT order: the gateway is asked now instead of "
        "waiting for its notification. Safe to repeat."
    )
    async def confirm_payment(self, info: Info[Context, None], id: strawberry.ID) -> OrderPayload:
        return await change_order(info, id, payment_events.confirm)

    @strawberry.mutation(
        description="The seller gives part or all of a paid order's money back without cancelling it (e.g. an item "
        "ran out): through its gateway where the method allows it (paymentMethods' refundable and partialRefunds), "
        "else owed to the buyer and paid by transfer (setRefundAccount, payOwedRefund)."
    )
    async def refund_payment(
        self, info: Info[Context, None], order_id: strawberry.ID, amount: Rupiah, reason: str,
        idempotency_key: Annotated[str | None, strawberry.argument(description=(
            "A key of yours for this refund (a UUID): sending it again, at once or after a lost answer, answers the "
            "order and refunds nothing more. The same key with another amount or reason is refused. Kept for "
            "UMKM_IDEMPOTENCY_KEY_HOURS; a failed refund keeps no key."))] = None,
    ) -> OrderPayload:
        hours = info.context.settings.idempotency_key_hours

        def refund(user: User | None, order: int, providers: Providers, events: EventBus) -> Awaitable[Order]:
            return refunds.refund_part(user, order, amount, reason, providers, events,
                                       idempotency_key=idempotency_key, key_hours=hours)

        return await change_order(info, order_id, refund, "orderId")
