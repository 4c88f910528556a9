"""The cart on the server: myCart, adding, changing and removing lines, and checking out from it."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from umkm_graph.catalog.graphql.types import ProductType, load_product
from umkm_graph.checkout import cart
from umkm_graph.checkout import service as checkout
from umkm_graph.checkout.graphql.operations import (
    IDEMPOTENCY_KEY, OFFICE_DAY, SHARE_TOKEN, VOUCHER_CODES, CheckoutPayload, CheckoutShopInput, checkout_limits,
    office_day_id, shop_choices,
)
from umkm_graph.checkout.graphql.types import CheckoutType
from umkm_graph.delivery.graphql.operations import DeliveryAddressInput
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.growth import sharing

CartChangeEnum = strawberry.enum(cart.CartChange, name="CartChange",
                                 description="What changed about a cart line since it was added.")


@strawberry.type(name="CartLine", description="One product in your cart, as it is now and as it was when added.")
class CartLineType:
    product_id: strawberry.ID
    variant_id: strawberry.ID | None = strawberry.field(description="The variant of the product this line buys.")
    quantity: int
    price_when_added: Rupiah
    price: Rupiah = strawberry.field(description="The price now; checkout charges this one.")
    changes: list[CartChangeEnum]  # type: ignore[valid-type]
    buyable: bool = strawberry.field(description="False while the product is gone, out of stock or its shop suspended.")

    @strawberry.field(description="The product, while buyers may see it; null once it is gone or its shop suspended.")
    async def product(self, info: Info[Context, None]) -> ProductType | None:
        return await load_product(info, self.product_id)

    @classmethod
    def from_entry(cls, entry: cart.CartEntry) -> CartLineType:
        variant = None if entry.variant is None else strawberry.ID(str(entry.variant.id))
        return cls(product_id=strawberry.ID(str(entry.product.id)), variant_id=variant, quantity=entry.item.quantity,
                   price_when_added=Rupiah(entry.item.price_when_added), price=Rupiah(entry.product.price),
                   changes=list(entry.changes), buyable=entry.buyable)


@strawberry.type(name="Cart", description="Your cart, kept on the server: the same on every device.")
class CartType:
    lines: list[CartLineType]
    subtotal: Rupiah = strawberry.field(description="The buyable lines at today's prices.")

    @classmethod
    def of(cls, entries: list[cart.CartEntry]) -> CartType:
        subtotal = sum(e.product.price * e.item.quantity for e in entries if e.buyable)
        return cls(lines=[CartLineType.from_entry(e) for e in entries], subtotal=Rupiah(subtotal))


@strawberry.type
class CartPayload:
    cart: CartType | None = None
    errors: list[UserError]


@strawberry.input(description="Checkout from your cart: its lines, with these choices; errors on lines name "
                  "input.lines.N, the cart's N-th line (myCart's order).")
class CartCheckoutInput:
    shops: list[CheckoutShopInput]
    payment_method: str
    address: DeliveryAddressInput | None = None
    address_id: strawberry.ID | None = strawberry.field(default=None, description="One of myAddresses.")
    voucher_codes: list[str] = strawberry.field(default_factory=list, description=VOUCHER_CODES)
    office_delivery_day_id: strawberry.ID | None = strawberry.field(default=None, description=OFFICE_DAY)

    def choices(self) -> checkout.CartCheckout:
        return checkout.CartCheckout(
            shops=shop_choices(self.shops), payment_method=self.payment_method,
            address=None if self.address is None else self.address.address(),
            address_id=None if self.address_id is None else parse_id(self.address_id, "input.addressId"),
            voucher_codes=list(self.voucher_codes),
            office_delivery_day_id=office_day_id(self.office_delivery_day_id),
        )


VARIANT_ID = "Which of the product's variants; may be left out when it has only one on sale (or is in the cart)."


def _variant(variant_id: strawberry.ID | None) -> int | None:
    return None if variant_id is None else parse_id(variant_id, "variantId")


def _answer(entries: list[cart.CartEntry]) -> dict[str, object]:
    return {"cart": CartType.of(entries)}


@strawberry.type
class CartQuery:
    @strawberry.field(description="The signed-in buyer's (or seller's) cart.")
    async def my_cart(self, info: Info[Context, None]) -> CartType:
        return CartType.of(await cart.my_cart(await info.context.user()))


@strawberry.type
class CartMutation:
    @strawberry.mutation(description="Put a quantity of a product in your cart (more on its line if it is there).")
    async def add_to_cart(
        self, info: Info[Context, None], product_id: strawberry.ID, quantity: int = 1,
        variant_id: Annotated[strawberry.ID | None, strawberry.argument(description=VARIANT_ID)] = None,
    ) -> CartPayload:
        return await mutate(info, CartPayload, lambda user: cart.add_to_cart(
            user, parse_id(product_id, "productId"), quantity, _variant(variant_id)), _answer)

    @strawberry.mutation(description="Set a line's quantity (0 removes it), or its variant; the line takes today's "
                         "price.")
    async def update_cart_line(
        self, info: Info[Context, None], product_id: strawberry.ID, quantity: int,
        variant_id: Annotated[strawberry.ID | None, strawberry.argument(description=VARIANT_ID)] = None,
    ) -> CartPayload:
        return await mutate(info, CartPayload, lambda user: cart.set_cart_quantity(
            user, parse_id(product_id, "productId"), quantity, _variant(variant_id)), _answer)

    @strawberry.mutation(description="Take a product out of your cart.")
    async def remove_from_cart(self, info: Info[Context, None], product_id: strawberry.ID) -> CartPayload:
        return await mutate(info, CartPayload,
                            lambda user: cart.remove_from_cart(user, parse_id(product_id, "productId")), _answer)

    @strawberry.mutation(description="Check out your cart as checkout does; the cart is emptied with the same write.")
    async def checkout_cart(
        self, info: Info[Context, None], input: CartCheckoutInput,
        idempotency_key: Annotated[str | None, strawberry.argument(description=IDEMPOTENCY_KEY)] = None,
        share_token: Annotated[str | None, strawberry.argument(description=SHARE_TOKEN)] = None,
    ) -> CheckoutPayload:
        context = info.context
        return await mutate(
            info, CheckoutPayload,
            lambda user: sharing.attributed_checkout(context.settings, share_token, lambda: checkout.checkout_cart(
                user, input.choices(), context.providers, context.events, idempotency_key=idempotency_key,
                **checkout_limits(context.settings))),
            lambda result: {"checkout": CheckoutType.from_model(result)},
        )
