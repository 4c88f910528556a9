"""A checkout's plan: what the buyer asked for (the draft), and one order per shop in the cart with its delivery choice,
its quote and what the providers made of it, before anything is written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from umkm_graph.checkout.validation import CheckedLine
from umkm_graph.core.errors import ErrorCode, Validator
from umkm_graph.core.text import clean_text
from umkm_graph.delivery.parcels import Address, CartLine, destination_of, item, parcel_weight
from umkm_graph.hookspecs import (
    DeliveryKind,
    DeliveryProvider,
    DeliveryQuote,
    Destination,
    Item,
    PaymentResult,
    Shipment,
)
from umkm_graph.orders.models import new_order_reference
from umkm_graph.payments.service import usable
from umkm_graph.plugin_host import PaymentOption, Providers
from umkm_graph.promotions.applying import Grant
from umkm_graph.shops.models import Shop

MAX_NOTE = 500


@dataclass
class ShopChoice:
    """How one shop's part of the cart reaches the buyer."""

    shop_id: int
    delivery_provider: str
    delivery_service: str | None = None  # None: the provider's first quote
    note: str | None = None
    payment_method: str | None = None  # None: the checkout's; see MIXED_PAYMENTS


@dataclass
class CheckoutDraft:
    lines: list[CartLine]
    shops: list[ShopChoice]
    payment_method: str
    address: Address | None = None
    address_id: int | None = None  # a saved address of the buyer's, instead of `address`
    voucher_codes: list[str] = field(default_factory=list)  # promotions/__init__.py: what stacks
    office_delivery_day_id: int | None = None  # delivered to the buyer's office on that day (checkout/office.py)


@dataclass
class OrderPlan:
    """One order, before it is written."""

    shop: Shop
    lines: list[CheckedLine]
    choice_index: int = -1
    choice: ShopChoice | None = None
    provider: DeliveryProvider | None = None
    quote: DeliveryQuote | None = None
    reference: str = field(default_factory=new_order_reference)
    shipment: Shipment = field(default_factory=Shipment)
    payment: PaymentResult = field(default_factory=PaymentResult)
    option: PaymentOption | None = None  # how this order is paid
    payment_expires_at: dt.datetime | None = None  # cashless only
    # The charge at the gateway, when one covers several orders of the checkout (checkout/providers.py).
    gateway_reference: str | None = None
    gateway_amount: int | None = None
    grants: list[Grant] = field(default_factory=list)  # the vouchers' discounts on this order (checkout/vouchers.py)

    @property
    def subtotal(self) -> int:
        return sum(line.product.price * line.quantity for line in self.lines)

    @property
    def fee(self) -> int:
        return self.quote.fee if self.quote else 0

    @property
    def discount(self) -> int:
        return sum(grant.amount for grant in self.grants)

    @property
    def total(self) -> int:
        return self.subtotal + self.fee - self.discount

    @property
    def path(self) -> str:
        return f"shops.{self.choice_index}"

    @property
    def field(self) -> list[str]:
        return ["input", "shops", str(self.choice_index), "deliveryProvider"]

    @property
    def payment_field(self) -> str:
        """Where this order's payment method was chosen: its shop's choice, or the checkout's."""
        return f"{self.path}.paymentMethod" if self.choice and self.choice.payment_method else "paymentMethod"

    @property
    def pays_cash(self) -> bool:
        return self.option is not None and self.option.method.cash_on_delivery

    @property
    def is_delivery(self) -> bool:
        return self.provider is not None and self.provider.kind == DeliveryKind.DELIVERY

    def destination(self, address: Destination | None) -> Destination | None:
        """Where this order's goods go: the address for a delivery, nowhere for a pickup."""
        return address if self.is_delivery else None

    def items(self) -> tuple[Item, ...]:
        return tuple(item(line.product, line.quantity) for line in self.lines)

    def weight(self) -> tuple[int, bool]:
        """The parcel's grams, and whether part of it is estimated."""
        return parcel_weight((line.product, line.quantity) for line in self.lines)


def plan_orders(
    draft: CheckoutDraft, lines: list[CheckedLine], providers: Providers
) -> tuple[list[OrderPlan], Destination | None]:
    """One plan per shop in the cart, each with its delivery choice and payment method; the address, checked."""
    check = Validator(["input"])
    plans: dict[int, OrderPlan] = {}
    for line in lines:
        plans.setdefault(line.product.shop.id, OrderPlan(shop=line.product.shop, lines=[])).lines.append(line)
    for j, choice in enumerate(draft.shops):
        plan = plans.get(choice.shop_id)
        if plan is None:
            check.add(f"shops.{j}.shopId", "No line in the cart is from this shop")
            continue
        if plan.choice is not None:
            check.add(f"shops.{j}.shopId", f"{plan.shop.name} appears twice; give one choice per shop")
            continue
        plan.choice, plan.choice_index = choice, j
        plan.provider = providers.delivery.get(choice.delivery_provider)
        if plan.provider is None:
            check.add(f"shops.{j}.deliveryProvider",
                      f"No delivery provider is coded {choice.delivery_provider!r}; deliveryOptions lists them")
        if choice.note is not None:  # read by the seller: no invisible or direction-changing characters
            choice.note = clean_text(check, f"shops.{j}.note", choice.note, label="A note", max_length=MAX_NOTE,
                                     required=False, multiline=True)
    for plan in plans.values():
        if plan.choice is None:
            check.add("shops", f"Choose how {plan.shop.name} (shop {plan.shop.id}) delivers its part of the cart",
                      ErrorCode.REQUIRED)
    destination = destination_of(draft.address, check)
    needs_address = [p.shop.name for p in plans.values() if p.is_delivery]
    if needs_address and draft.address is None:
        check.add("address", f"A delivery address is needed for the delivery from {', '.join(needs_address)}",
                  ErrorCode.REQUIRED)
    option = _payment_option(check, "paymentMethod", draft.payment_method, providers)
    for plan in plans.values():
        own = plan.choice.payment_method if plan.choice else None
        plan.option = option if own is None else _payment_option(check, f"{plan.path}.paymentMethod", own, providers)
    _check_mixed(check, list(plans.values()))
    check.raise_if_any()
    return list(plans.values()), destination


MIXED_PAYMENTS = (
    "A checkout may mix cash on delivery for some shops with one cashless method for all the others: the cashless "
    "orders share one payment at the gateway (one QR code, one virtual account), so the buyer pays online once and "
    "in cash to each shop that takes cash. Two cashless methods in one checkout would be two payments to make."
)


def _payment_option(check: Validator, path: str, code: str, providers: Providers) -> PaymentOption | None:
    option = providers.payment_options.get(code)
    if option is None:
        check.add(path, f"No payment method is coded {code!r}; paymentMethods lists them")
    elif not usable(option):
        check.add(path, f"{option.method.display_name} cannot be used: its gateway cannot tell us when it is paid",
                  ErrorCode.NOT_AVAILABLE)
        return None
    return option


def _check_mixed(check: Validator, plans: list[OrderPlan]) -> None:
    """At most one cashless method per checkout (MIXED_PAYMENTS)."""
    first: OrderPlan | None = None
    for plan in plans:
        if plan.option is None or plan.pays_cash:
            continue
        if first is None:
            first = plan
        elif first.option is not None and plan.option.method.code != first.option.method.code:
            check.add(plan.payment_field, f"Pay every shop that does not take cash by one method: this checkout pays "
                      f"{first.shop.name} by {first.option.method.display_name}, in one payment with the others",
                      ErrorCode.NOT_AVAILABLE)
