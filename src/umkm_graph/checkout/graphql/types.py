"""A checkout as its buyer sees it (one order per shop), and what a checkout form offers: the payment methods."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from umkm_graph.checkout.models import Checkout
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.orders.graphql.types import OrderType
from umkm_graph.plugin_host import PaymentOption


@strawberry.type(name="Checkout", description="One checkout of a cart: one order per shop.")
class CheckoutType:
    id: strawberry.ID
    total: Rupiah = strawberry.field(description="What the buyer pays across all the orders.")
    created_at: dt.datetime
    model: strawberry.Private[Checkout]

    @classmethod
    def from_model(cls, checkout: Checkout) -> CheckoutType:
        return cls(id=strawberry.ID(str(checkout.id)), total=Rupiah(checkout.total), created_at=checkout.created_at,
                   model=checkout)

    @strawberry.field
    async def orders(self, info: Info[Context, None]) -> list[OrderType]:
        return [OrderType.from_model(order) for order in await info.context.loaders.orders_of_checkout.load(self.model.id)]


@strawberry.type(name="PaymentMethod", description="A way to pay that checkout accepts now.")
class PaymentMethodType:
    code: str = strawberry.field(description="What to send as paymentMethod at checkout.")
    provider: str
    display_name: str
    cash_on_delivery: bool
    max_amount: Rupiah | None = strawberry.field(description="The largest order total this method takes, if limited.")
    refundable: bool = strawberry.field(description="Whether a paid order can be refunded through the gateway.")
    partial_refunds: bool = strawberry.field(description="Whether part of a payment can be refunded.")
    unavailable_reason: str | None = strawberry.field(default=None, description=(
        "Why checkout will not take this method from the signed-in buyer (cash on delivery, after too many refusals "
        "at handover); null when it will."))

    @classmethod
    def from_option(cls, option: PaymentOption, unavailable_reason: str | None = None) -> PaymentMethodType:
        method = option.method
        return cls(code=method.code, provider=option.provider.code, display_name=method.display_name,
                   cash_on_delivery=method.cash_on_delivery,
                   max_amount=None if method.max_amount is None else Rupiah(method.max_amount),
                   refundable=method.refundable, partial_refunds=method.partial_refunds,
                   unavailable_reason=unavailable_reason)
