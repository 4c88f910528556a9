"""Checkout: a buyer's cart, which may span several shops, becomes one order per shop under one Checkout, all or nothing.

The steps, in order: check the cart against the catalog; plan one order per shop with its delivery choice; ask each chosen
delivery provider for a quote; let the providers create the shipments and payments; then take the stock and write every
row, all or nothing (on PostgreSQL in one statement: services/checkout_sql.py). Provider calls happen before that, so no
database lock waits on a gateway; if anything after them fails, what they created is cancelled again. Duplicate cart
lines of one product are rejected, not merged, so every error points at the one line to fix.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from tortoise.transactions import in_transaction

from umkm_graph.catalog.models import Product
from umkm_graph.checkout.models import Checkout
from umkm_graph.checkout.sql import NewOrder, cart_products, take_stocks, write_postgres
from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.regions import canonical_kecamatan
from umkm_graph.delivery.models import CourierShipment
from umkm_graph.delivery.parcels import (
    MAX_LINES,
    MAX_QUANTITY,
    Address,
    CartLine,
    buyer_info,
    destination_of,
    missing_location,
    pack_grams,
    parcel_weight,
    shop_info,
)
from umkm_graph.events import EventBus, OrderStatusChanged
from umkm_graph.hookspecs import (
    DeliveryKind,
    DeliveryProvider,
    DeliveryQuote,
    Destination,
    Item,
    PaymentCancelRequest,
    PaymentRequest,
    PaymentResult,
    QuoteRequest,
    Shipment,
    ShipmentCancelRequest,
    ShipmentRequest,
)
from umkm_graph.orders.models import Order, OrderLine, OrderStatus, OrderTransition, new_order_reference
from umkm_graph.payments.models import Payment
from umkm_graph.payments.service import usable
from umkm_graph.people.access import require_role
from umkm_graph.people.models import Role, User
from umkm_graph.plugin_host import PaymentOption, Providers
from umkm_graph.shops.access import can_see_shop
from umkm_graph.shops.models import Shop, ShopStatus

log = logging.getLogger("umkm_graph.checkout")

MAX_NOTE = 500
PAYMENT_FIELD = ["input", "paymentMethod"]
DEFAULT_PAYMENT_EXPIRY = dt.timedelta(minutes=60)




@dataclass
class ShopChoice:
    """How one shop's part of the cart reaches the buyer."""

    shop_id: int
    delivery_provider: str
    delivery_service: str | None = None  # None: the provider's first quote
    note: str | None = None




@dataclass
class CheckoutDraft:
    lines: list[CartLine]
    shops: list[ShopChoice]
    payment_method: str
    address: Address | None = None


@dataclass
class _Line:
    index: int  # position in the input, for error paths
    product: Product
    quantity: int


@dataclass
class _Plan:
    """One order, before it is written."""

    shop: Shop
    lines: list[_Line]
    choice_index: int = -1
    choice: ShopChoice | None = None
    provider: DeliveryProvider | None = None
    quote: DeliveryQuote | None = None
    reference: str = field(default_factory=new_order_reference)
    shipment: Shipment = field(default_factory=Shipment)
    payment: PaymentResult = field(default_factory=PaymentResult)
    payment_expires_at: dt.datetime | None = None  # cashless only

    @property
    def subtotal(self) -> int:
        return sum(line.product.price * line.quantity for line in self.lines)

    @property
    def fee(self) -> int:
        return self.quote.fee if self.quote else 0

    @property
    def total(self) -> int:
        return self.subtotal + self.fee

    @property
    def path(self) -> str:
        return f"shops.{self.choice_index}"

    @property
    def field(self) -> list[str]:
        return ["input", "shops", str(self.choice_index), "deliveryProvider"]


async def checkout(
    user: User | None, draft: CheckoutDraft, providers: Providers, events: EventBus,
    *, payment_expiry: dt.timedelta = DEFAULT_PAYMENT_EXPIRY,
) -> Checkout:
    """Cash on delivery places the orders at once; a cashless method leaves them AWAITING_PAYMENT until the gateway
    says they are paid, or until payment_expiry passes."""
    buyer = require_role(user, Role.BUYER)
    lines = await _check_lines(buyer, draft.lines)
    plans, destination, option = _plan(draft, lines, providers)
    if not option.method.cash_on_delivery:
        for plan in plans:
            plan.payment_expires_at = dt.datetime.now(dt.UTC) + payment_expiry
    await _quote(plans, destination, option, providers)
    undo = await _create_with_providers(plans, buyer, destination, option, providers)
    try:
        made, orders = await _write(buyer, plans, destination, option)
    except BaseException:
        await _run_undo(undo)
        raise
    for order in orders:
        await events.publish(OrderStatusChanged(
            order_id=order.id, shop_id=order.shop_id, buyer_id=buyer.id, from_status=None,  # type: ignore[attr-defined]
            to_status=order.status.value, actor_id=buyer.id, reason=None, at=order.created_at,
        ))
    return made


async def _check_lines(buyer: User, cart: list[CartLine]) -> list[_Line]:
    check = Validator(["input"])
    if not cart:
        raise DomainError(ErrorCode.REQUIRED, "The cart is empty", ["input", "lines"])
    if len(cart) > MAX_LINES:
        raise DomainError(ErrorCode.INVALID, f"A checkout takes at most {MAX_LINES} lines", ["input", "lines"])
    first_line: dict[int, int] = {}
    for i, line in enumerate(cart):
        check.check(1 <= line.quantity <= MAX_QUANTITY, f"lines.{i}.quantity", f"Quantity must be 1 to {MAX_QUANTITY}")
        if line.product_id in first_line:
            check.add(f"lines.{i}.productId",
                      f"This product is already on line {first_line[line.product_id] + 1}; put the whole quantity there")
        else:
            first_line[line.product_id] = i
    products = await cart_products(list(first_line))
    lines: list[_Line] = []
    for i, line in enumerate(cart):
        if first_line[line.product_id] != i:
            continue
        product = products.get(line.product_id)
        if product is None or product.shop.status != ShopStatus.VERIFIED:
            check.add(f"lines.{i}.productId", "No product on sale has this id", ErrorCode.NOT_FOUND)
        elif product.shop.owner_id == buyer.id:  # type: ignore[attr-defined]
            check.add(f"lines.{i}.productId", "You cannot buy from your own shop", ErrorCode.FORBIDDEN)
        elif not product.is_active:
            check.add(f"lines.{i}.productId", f"{product.name} is no longer on sale", ErrorCode.NOT_AVAILABLE)
        elif 1 <= line.quantity <= MAX_QUANTITY and product.stock < line.quantity:
            left = f"only {product.stock} left" if product.stock else "out of stock"
            check.add(f"lines.{i}.quantity", f"{product.name} is {left}", ErrorCode.OUT_OF_STOCK)
        else:
            lines.append(_Line(i, product, line.quantity))
    check.raise_if_any()
    return lines


def _plan(
    draft: CheckoutDraft, lines: list[_Line], providers: Providers
) -> tuple[list[_Plan], Destination | None, PaymentOption]:
    """One plan per shop in the cart, each with its delivery choice; the address and the payment method, checked."""
    check = Validator(["input"])
    plans: dict[int, _Plan] = {}
    for line in lines:
        plans.setdefault(line.product.shop.id, _Plan(shop=line.product.shop, lines=[])).lines.append(line)
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
        if choice.note is not None and len(choice.note.strip()) > MAX_NOTE:
            check.add(f"shops.{j}.note", f"A note has at most {MAX_NOTE} characters")
    for plan in plans.values():
        if plan.choice is None:
            check.add("shops", f"Choose how {plan.shop.name} (shop {plan.shop.id}) delivers its part of the cart",
                      ErrorCode.REQUIRED)
    destination = destination_of(draft.address, check)
    needs_address = [p.shop.name for p in plans.values() if p.provider and p.provider.kind == DeliveryKind.DELIVERY]
    if needs_address and draft.address is None:
        check.add("address", f"A delivery address is needed for the delivery from {', '.join(needs_address)}",
                  ErrorCode.REQUIRED)
    option = providers.payment_options.get(draft.payment_method)
    if option is None:
        check.add("paymentMethod", f"No payment method is coded {draft.payment_method!r}; paymentMethods lists them")
    elif not usable(option):
        check.add("paymentMethod", f"{option.method.display_name} cannot be used: its gateway cannot tell us when it is paid",
                  ErrorCode.NOT_AVAILABLE)
    check.raise_if_any()
    assert option is not None
    return list(plans.values()), destination, option






async def _quote(plans: list[_Plan], destination: Destination | None, option: PaymentOption, providers: Providers) -> None:
    """Each plan gets the quote of the service the buyer chose; what is unavailable is reported for every shop at once."""
    check = Validator(["input"])
    method = option.method
    for plan in plans:
        assert plan.provider is not None and plan.choice is not None
        to = destination if plan.provider.kind == DeliveryKind.DELIVERY else None
        origin = shop_info(plan.shop)
        missing = missing_location(origin, to) if plan.provider.needs_coordinates else None
        if missing:
            where = "address.latitude" if origin.latitude is not None else f"{plan.path}.deliveryProvider"
            check.add(where, f"{plan.provider.display_name} needs {missing}", ErrorCode.NOT_AVAILABLE)
            continue
        weight, estimated = _weight(plan)
        request = QuoteRequest(shop=origin, destination=to, items=_items(plan), weight_grams=weight,
                               order_value=plan.subtotal, weight_estimated=estimated)
        quotes = await providers.quote(plan.provider, request, plan.field)
        wanted = plan.choice.delivery_service
        plan.quote = next((q for q in quotes if wanted is None or q.service == wanted), None)
        if plan.quote is None:
            name = plan.provider.display_name
            if quotes:
                check.add(f"{plan.path}.deliveryService", f"{name} has no service {wanted!r} for {plan.shop.name}",
                          ErrorCode.NOT_AVAILABLE)
            else:
                where = f" to Kecamatan {to.kecamatan}" if to else ""
                check.add(f"{plan.path}.deliveryProvider", f"{name} is not available for {plan.shop.name}{where}",
                          ErrorCode.NOT_AVAILABLE)
            continue
        if method.cash_on_delivery and not plan.quote.cash_on_delivery:
            check.add("paymentMethod", f"{plan.quote.display_name} cannot collect cash on delivery", ErrorCode.NOT_AVAILABLE)
        if method.max_amount is not None and plan.total > method.max_amount:
            check.add("paymentMethod", f"{method.display_name} takes orders up to {rupiah(method.max_amount)}; "
                      f"the order from {plan.shop.name} totals {rupiah(plan.total)}", ErrorCode.NOT_AVAILABLE)
    check.raise_if_any()


Undo = Callable[[], Awaitable[None]]


async def _create_with_providers(
    plans: list[_Plan], buyer: User, destination: Destination | None, option: PaymentOption, providers: Providers
) -> list[Undo]:
    """Shipments and payments at their providers; on a failure, what was already created is cancelled again."""
    undo: list[Undo] = []
    try:
        for plan in plans:
            assert plan.provider is not None and plan.quote is not None
            if not plan.provider.books_when_ready:  # a booked courier is called when the seller marks the order ready
                await _create_shipment(plan, buyer, destination, option, providers)
                undo.append(functools.partial(providers.cancel_shipment, plan.provider, ShipmentCancelRequest(
                    reference=plan.reference, provider_reference=plan.shipment.reference, reason="checkout failed"),
                    plan.field))
            plan.payment = await _create_payment(plan, buyer, option, providers)
            undo.append(functools.partial(providers.cancel_payment, option.provider, PaymentCancelRequest(
                reference=plan.reference, provider_reference=plan.payment.provider_reference, amount=plan.total,
                reason="checkout failed"), PAYMENT_FIELD))
    except BaseException:
        await _run_undo(undo)
        raise
    return undo


async def _create_shipment(
    plan: _Plan, buyer: User, destination: Destination | None, option: PaymentOption, providers: Providers
) -> None:
    assert plan.provider is not None and plan.quote is not None
    is_delivery = plan.provider.kind == DeliveryKind.DELIVERY
    weight, estimated = _weight(plan)
    plan.shipment = await providers.create_shipment(plan.provider, ShipmentRequest(
        reference=plan.reference, service=plan.quote.service, shop=shop_info(plan.shop), buyer=buyer_info(buyer),
        destination=destination if is_delivery else None, items=_items(plan), weight_grams=weight, fee=plan.fee,
        cash_on_delivery_amount=plan.total if option.method.cash_on_delivery else 0, weight_estimated=estimated,
    ), plan.field)


async def _create_payment(plan: _Plan, buyer: User, option: PaymentOption, providers: Providers) -> PaymentResult:
    request = PaymentRequest(
        reference=plan.reference, method=option.method.code, amount=plan.total, delivery_fee=plan.fee,
        items=_items(plan), buyer=buyer_info(buyer), shop=shop_info(plan.shop), expires_at=plan.payment_expires_at,
    )
    try:
        return await providers.create_payment(option.provider, request, PAYMENT_FIELD)
    except DomainError:
        if not option.method.cash_on_delivery:
            # A gateway that timed out may have made the payment all the same: cancel it, so it cannot be paid.
            cancel = PaymentCancelRequest(reference=plan.reference, provider_reference=None, amount=plan.total,
                                          reason="checkout failed")
            await _run_undo([functools.partial(providers.cancel_payment, option.provider, cancel, PAYMENT_FIELD)])
        raise


async def _run_undo(undo: list[Undo]) -> None:
    for step in reversed(undo):
        try:
            await step()
        except DomainError:
            pass  # already logged by Providers; the checkout's own error is the one to report


async def _write(
    buyer: User, plans: list[_Plan], destination: Destination | None, option: PaymentOption
) -> tuple[Checkout, list[Order]]:
    """The stock and every row, all or nothing: on PostgreSQL one statement (a transaction only when courier shipments
    are written too), on SQLite a transaction of one statement per table."""
    lines = sorted((line for plan in plans for line in plan.lines), key=lambda line: line.product.id)
    wanted = {line.product.id: line.quantity for line in lines}
    checkout = Checkout(buyer=buyer, total=sum(plan.total for plan in plans))
    orders = [_new_order(buyer, plan, destination, option) for plan in plans]
    booked = [(plan, new) for plan, new in zip(plans, orders, strict=True)
              if plan.provider is not None and plan.provider.books_when_ready]
    if Checkout._meta.db.capabilities.dialect == "postgres" and not booked:
        _raise_if_short(lines, await write_postgres(Checkout._meta.db, wanted, checkout, orders))
        return checkout, [new.order for new in orders]
    async with in_transaction() as connection:
        if connection.capabilities.dialect == "postgres":
            _raise_if_short(lines, await write_postgres(connection, wanted, checkout, orders))
        else:
            _raise_if_short(lines, await take_stocks(connection, wanted))
            await _write_with_tortoise(checkout, orders)
        if booked:
            await CourierShipment.bulk_create([_courier_shipment(new.order, plan, destination) for plan, new in booked])
    return checkout, [new.order for new in orders]


def _raise_if_short(lines: list[_Line], taken: set[int]) -> None:
    """OUT_OF_STOCK for the first line, in product order, whose stock was not taken."""
    for line in lines:
        if line.product.id not in taken:
            raise DomainError(ErrorCode.OUT_OF_STOCK, f"{line.product.name} sold out while you were checking out",
                              ["input", "lines", str(line.index), "quantity"])


async def _write_with_tortoise(checkout: Checkout, orders: list[NewOrder]) -> None:
    """What write_postgres does in one statement, in one per order and one per table."""
    await checkout.save()
    for new in orders:
        new.order.checkout = checkout
        await new.order.save()
        for row in (*new.lines, new.payment, new.transition):
            row.order = new.order
    await OrderLine.bulk_create([line for new in orders for line in new.lines])
    await Payment.bulk_create([new.payment for new in orders])
    await OrderTransition.bulk_create([new.transition for new in orders])


def _new_order(buyer: User, plan: _Plan, destination: Destination | None, option: PaymentOption) -> NewOrder:
    assert plan.provider is not None and plan.quote is not None and plan.choice is not None
    to = destination if plan.provider.kind == DeliveryKind.DELIVERY else None
    order = Order(
        shop=plan.shop, buyer=buyer, reference=plan.reference, status=_first_status(option),
        delivery_method=plan.provider.kind, delivery_provider=plan.provider.code, delivery_service=plan.quote.service,
        delivery_reference=plan.shipment.reference, delivery_fee=plan.fee,
        delivery_kecamatan=to.kecamatan if to else None, delivery_kelurahan=to.kelurahan if to else None,
        delivery_address=to.address if to else None,
        pickup_code=plan.shipment.pickup_code if plan.provider.kind == DeliveryKind.PICKUP else None,
        payment_method=option.method.code, subtotal=plan.subtotal, total=plan.total,
        note=(plan.choice.note or "").strip(),
    )
    lines = [OrderLine(product=line.product, product_name=line.product.name, unit_price=line.product.price,
                       quantity=line.quantity, line_total=line.product.price * line.quantity) for line in plan.lines]
    transition = OrderTransition(from_status=None, to_status=order.status, actor=buyer)
    return NewOrder(order=order, lines=lines, payment=_payment(plan, option), transition=transition)


def _payment(plan: _Plan, option: PaymentOption) -> Payment:
    action = plan.payment.action
    return Payment(method=option.method.code, provider=option.provider.code, amount=plan.total,
                   reference=plan.reference, provider_reference=plan.payment.provider_reference,
                   action_kind=action.kind if action else None, action_value=action.value if action else None,
                   action_bank=action.bank if action else None,
                   expires_at=plan.payment.expires_at or plan.payment_expires_at)


def _courier_shipment(order: Order, plan: _Plan, destination: Destination | None) -> CourierShipment:
    assert plan.provider is not None and plan.quote is not None
    to = destination if plan.provider.kind == DeliveryKind.DELIVERY else None
    weight, estimated = _weight(plan)
    return CourierShipment(order=order, provider=plan.provider.code, service=plan.quote.service,
                           destination_latitude=to.latitude if to else None,
                           destination_longitude=to.longitude if to else None,
                           weight_grams=weight, weight_estimated=estimated)


def _first_status(option: PaymentOption) -> OrderStatus:
    return OrderStatus.PLACED if option.method.cash_on_delivery else OrderStatus.AWAITING_PAYMENT


async def delivery_options(
    user: User | None, shop_id: int, kecamatan: str | None, providers: Providers
) -> list[tuple[DeliveryProvider, DeliveryQuote]]:
    """What each delivery provider offers from this shop, to this kecamatan if given. A provider that fails or hangs
    hides only its own options (it is logged)."""
    shop = await Shop.get_or_none(id=shop_id)
    if shop is None or not can_see_shop(user, shop):
        raise DomainError(ErrorCode.NOT_FOUND, "No shop has this id", "shopId")
    destination = None
    if kecamatan is not None:
        canonical = canonical_kecamatan(kecamatan)
        if canonical is None:
            raise DomainError(ErrorCode.INVALID, f"{kecamatan!r} is not a kecamatan of Kota Malang", "kecamatan")
        destination = Destination(kecamatan=canonical, kelurahan="", address="")
    options: list[tuple[DeliveryProvider, DeliveryQuote]] = []
    for provider in providers.delivery.values():
        to = destination if provider.kind == DeliveryKind.DELIVERY else None
        try:
            quotes = await providers.quote(provider, QuoteRequest(shop=shop_info(shop), destination=to), ["shopId"])
        except DomainError:
            continue
        options.extend((provider, quote) for quote in quotes)
    return options






def _items(plan: _Plan) -> tuple[Item, ...]:
    return tuple(
        Item(product_id=line.product.id, name=line.product.name, unit_price=line.product.price, quantity=line.quantity,
             weight_grams=pack_grams(line.product))
        for line in plan.lines
    )








def _weight(plan: _Plan) -> tuple[int, bool]:
    return parcel_weight((line.product, line.quantity) for line in plan.lines)


def rupiah(amount: int) -> str:
    """Rp2.000.000: Indonesian thousands separators."""
    return f"Rp{amount:,}".replace(",", ".")
