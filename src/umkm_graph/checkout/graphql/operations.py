"""Checkout, and what a checkout form offers: the payment methods and each shop's delivery options."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from umkm_graph.checkout import cash_refusals
from umkm_graph.checkout import service as checkout
from umkm_graph.checkout.graphql.types import CheckoutType, PaymentMethodType
from umkm_graph.delivery import quotes
from umkm_graph.delivery.graphql.operations import CheckoutLineInput, DeliveryAddressInput
from umkm_graph.delivery.graphql.types import DeliveryOptionType
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.growth import sharing
from umkm_graph.payments import service as payments
from umkm_graph.settings import Settings


IDEMPOTENCY_KEY = (
    "A key of yours for this checkout (a UUID; 1 to 100 printable ASCII characters): sending the same checkout again "
    "with it, at once or after a lost answer, answers the first checkout instead of making another. The same key on "
    "another cart is refused. Kept for UMKM_IDEMPOTENCY_KEY_HOURS (24 by default); a failed checkout keeps no key."
)
SHARE_TOKEN = ("The token of the share link that brought the buyer here (the `share` of the page the link led to): the "
               "orders it led to are attributed to the link. A token that is not a share link is refused.")


VOUCHER_CODES = (
    "Voucher codes, at most one per place: a shop's discount, a city programme's discount, free delivery. The shop's "
    "discount comes off each line first, the city's off what is left; each order's discounts show on it. A code "
    "refused fails the checkout with its reason (VOUCHER_EXPIRED, VOUCHER_MIN_SPEND, ...) at input.voucherCodes.N."
)


OFFICE_DAY = ("Deliver to my office on that day (one of officeDeliveryDays), instead of an address: each shop's order "
              "joins its batch for the office and day, paid in cash at the handover, and its delivery fee is a share "
              "of the batch's one trip (OfficeBatch says how it is shared).")


def office_day_id(value: strawberry.ID | None) -> int | None:
    return None if value is None else parse_id(value, "input.officeDeliveryDayId")


@strawberry.input(description="How one shop in the cart delivers its part; give one per shop.")
class CheckoutShopInput:
    shop_id: strawberry.ID
    delivery_provider: str = strawberry.field(description="A provider from deliveryOptions, e.g. pickup or shop_courier.")
    delivery_service: str | None = strawberry.field(
        default=None, description="The option's service, when the provider offers several; null takes the first."
    )
    note: str | None = strawberry.field(default=None, description="A note for the seller, at most 500 characters.")
    payment_method: str | None = strawberry.field(default=None, description=(
        "How this shop's order is paid, when not by the checkout's paymentMethod: cash on delivery for some shops mixes "
        "with one cashless method for all the others, which share one payment."))


@strawberry.input(description="A cart, which may hold products of several shops: it becomes one order per shop.")
class CheckoutInput:
    lines: list[CheckoutLineInput] = strawberry.field(description="One line per product; quantity 1 to 1000.")
    shops: list[CheckoutShopInput]
    payment_method: str = strawberry.field(
        description="A code from paymentMethods, e.g. COD; a cashless one leaves the orders AWAITING_PAYMENT, and "
        "each order's payment.action says how to pay: one payment for every cashless order of the checkout."
    )
    address: DeliveryAddressInput | None = strawberry.field(
        default=None, description="Required for DELIVERY options, unless addressId names a saved address."
    )
    address_id: strawberry.ID | None = strawberry.field(
        default=None, description="One of myAddresses, instead of address."
    )
    voucher_codes: list[str] = strawberry.field(default_factory=list, description=VOUCHER_CODES)
    office_delivery_day_id: strawberry.ID | None = strawberry.field(default=None, description=OFFICE_DAY)

    def draft(self) -> checkout.CheckoutDraft:
        lines = [line.cart_line(f"input.lines.{i}") for i, line in enumerate(self.lines)]
        shops = shop_choices(self.shops)
        address = None if self.address is None else self.address.address()
        address_id = None if self.address_id is None else parse_id(self.address_id, "input.addressId")
        return checkout.CheckoutDraft(lines=lines, shops=shops, payment_method=self.payment_method, address=address,
                                      address_id=address_id, voucher_codes=list(self.voucher_codes),
                                      office_delivery_day_id=office_day_id(self.office_delivery_day_id))


def shop_choices(shops: list[CheckoutShopInput]) -> list[checkout.ShopChoice]:
    return [checkout.ShopChoice(parse_id(s.shop_id, f"input.shops.{j}.shopId"), s.delivery_provider, s.delivery_service,
                                s.note, s.payment_method) for j, s in enumerate(shops)]


@strawberry.type
class CheckoutPayload:
    checkout: CheckoutType | None = None
    errors: list[UserError]


@strawberry.type
class CheckoutQuery:
    @strawberry.field(description=(
        "The payment methods checkout accepts now; for the signed-in buyer, `unavailableReason` says why one is not "
        "offered to them."))
    async def payment_methods(self, info: Info[Context, None]) -> list[PaymentMethodType]:
        user = await info.context.user()
        why = await cash_refusals.withdrawn_because(user.id if user else None, info.context.settings.cod_refusals_limit)
        return [PaymentMethodType.from_option(option, why if option.method.cash_on_delivery else None)
                for option in payments.payment_methods(info.context.providers)]

    @strawberry.field(description="How a shop's goods can reach the buyer; give a kecamatan to include its delivery.")
    async def delivery_options(
        self, info: Info[Context, None], shop_id: strawberry.ID, kecamatan: str | None = None
    ) -> list[DeliveryOptionType]:
        options = await quotes.delivery_options(
            await info.context.user(), parse_id(shop_id, "shopId"), kecamatan, info.context.providers
        )
        return [DeliveryOptionType.from_quote(provider, quote) for provider, quote in options]


@strawberry.type
class CheckoutMutation:
    @strawberry.mutation(description="A buyer checks out a cart: one order per shop, all placed or none.")
    async def checkout(
        self, info: Info[Context, None], input: CheckoutInput,
        idempotency_key: Annotated[str | None, strawberry.argument(description=IDEMPOTENCY_KEY)] = None,
        share_token: Annotated[str | None, strawberry.argument(description=SHARE_TOKEN)] = None,
    ) -> CheckoutPayload:
        context = info.context
        return await mutate(
            info, CheckoutPayload,
            lambda user: sharing.attributed_checkout(context.settings, share_token, lambda: checkout.checkout(
                user, input.draft(), context.providers, context.events, idempotency_key=idempotency_key,
                **checkout_limits(context.settings))),
            lambda result: {"checkout": CheckoutType.from_model(result)},
        )


def checkout_limits(settings: Settings) -> dict[str, Any]:
    """The settings a checkout runs under: payment expiry, how long keys count, the unpaid caps."""
    return {"payment_expiry": dt.timedelta(minutes=settings.payment_expiry_minutes),
            "key_hours": settings.idempotency_key_hours,
            "caps": checkout.UnpaidCaps(settings.max_unpaid_units_per_product, settings.max_unpaid_orders,
                                        settings.max_unpaid_rupiah),
            "cod_refusals_limit": settings.cod_refusals_limit}
