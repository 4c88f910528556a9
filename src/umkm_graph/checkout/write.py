"""A checkout's rows: the stock of every line and every row of every order, written all or nothing, by one of three
paths. On PostgreSQL one statement (checkout/sql.py), inside a transaction only when courier shipments are written too,
an order is placed at once (cash on delivery: its seller's message goes in the outbox with it) or the buyer's unpaid
holdings are capped (checkout/holds.py); on SQLite a transaction of one statement per table."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tortoise.transactions import in_transaction

from umkm_graph.checkout.holds import UnpaidCaps, check_unpaid_caps
from umkm_graph.checkout.models import CartItem, Checkout
from umkm_graph.checkout.plan import OrderPlan
from umkm_graph.checkout.sql import NewOrder, take_stocks, write_postgres
from umkm_graph.checkout.validation import CheckedLine
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.core.orm_compat import connection_of
from umkm_graph.delivery.models import CourierShipment
from umkm_graph.hookspecs import DeliveryKind, Destination
from umkm_graph.orders import announcements
from umkm_graph.orders.contract import delivery_method
from umkm_graph.orders.models import Order, OrderLine, OrderStatus, OrderTransition
from umkm_graph.payments.idempotency import RequestKey
from umkm_graph.payments.models import Payment
from umkm_graph.people.models import User
from umkm_graph.plugin_host import PaymentOption
from umkm_graph.promotions import redeem

NO_CAPS = UnpaidCaps()


async def write_orders(
    buyer: User, plans: list[OrderPlan], destination: Destination | None, key: RequestKey | None = None,
    caps: UnpaidCaps = NO_CAPS, cart_items: list[int] | None = None,
    also: Callable[[list[Order]], Awaitable[None]] | None = None,
) -> tuple[Checkout, list[Order]]:
    """The checkout and its orders, written, with the stock taken, and the client's idempotency key with them;
    OUT_OF_STOCK, and nothing written, when a line's stock ran out since it was checked; LIMIT_REACHED when the
    buyer would hold more unpaid than the caps allow; IntegrityError, and nothing written, when another send of the
    key was written first. `cart_items` (checkout from the cart) are deleted in the same transaction, and `also` (an
office delivery's batches) is run in it with the written orders."""
    lines = sorted((line for plan in plans for line in plan.lines), key=lambda line: line.product.id)
    wanted = {line.variant.id: line.quantity for line in lines}
    checkout = Checkout(buyer=buyer, total=sum(plan.total for plan in plans))
    orders = [_new_order(buyer, plan, destination) for plan in plans]
    booked = [(plan, new) for plan, new in zip(plans, orders, strict=True)
              if plan.provider is not None and plan.provider.books_when_ready]
    key_row = None if key is None else key.row(result_id=0)  # its result, the checkout's id, once that has one
    placed = [new.order for new in orders if new.order.status == OrderStatus.PLACED]  # each tells its seller
    grants = [grant for plan in plans for grant in plan.grants]
    db = connection_of(Checkout)
    if (db.capabilities.dialect == "postgres" and not booked and not caps.any and not placed and not cart_items
            and not grants and also is None):
        _raise_if_short(lines, await write_postgres(db, wanted, checkout, orders, key_row))
        return checkout, [new.order for new in orders]
    async with in_transaction() as connection:
        await check_unpaid_caps(connection, buyer.id, plans, caps)
        await redeem.take(connection, buyer.id, grants)  # before the stock: promotions, then products, in id order
        if connection.capabilities.dialect == "postgres":
            _raise_if_short(lines, await write_postgres(connection, wanted, checkout, orders, key_row))
        else:
            _raise_if_short(lines, await take_stocks(connection, wanted,
                                                     {line.product.id: line.quantity for line in lines}))
            await _write_with_tortoise(checkout, orders)
            if key_row is not None:
                key_row.result_id = checkout.id
                await key_row.save()
        if grants:
            await redeem.record(connection, buyer.id,
                                [(new.order.id, plan.grants) for plan, new in zip(plans, orders, strict=True)])
        if booked:
            await CourierShipment.bulk_create([_courier_shipment(new.order, plan, destination) for plan, new in booked])
        for order in placed:
            await announcements.new_order(order)
        if cart_items:
            await CartItem.filter(id__in=cart_items).using_db(connection).delete()
        if also is not None:
            await also([new.order for new in orders])
    return checkout, [new.order for new in orders]


def _raise_if_short(lines: list[CheckedLine], taken: set[int]) -> None:
    """OUT_OF_STOCK for the first line, in product order, whose stock was not taken."""
    for line in lines:
        if line.variant.id not in taken:
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


def _new_order(buyer: User, plan: OrderPlan, destination: Destination | None) -> NewOrder:
    assert plan.provider is not None and plan.quote is not None and plan.choice is not None and plan.option is not None
    option = plan.option
    to = plan.destination(destination)
    order = Order(
        shop=plan.shop, buyer=buyer, reference=plan.reference, status=_first_status(option),
        delivery_method=delivery_method(plan.provider.kind), delivery_provider=plan.provider.code,
        delivery_service=plan.quote.service, delivery_reference=plan.shipment.reference, delivery_fee=plan.fee,
        delivery_kecamatan=to.kecamatan if to else None, delivery_kelurahan=to.kelurahan if to else None,
        delivery_address=to.address if to else None,
        pickup_code=plan.shipment.pickup_code if plan.provider.kind == DeliveryKind.PICKUP else None,
        payment_method=option.method.code, subtotal=plan.subtotal, total=plan.total,
        note=(plan.choice.note or "").strip(),
    )
    lines = [OrderLine(product=line.product, variant=line.variant, product_name=line.name,
                       unit_price=line.product.price, quantity=line.quantity,
                       line_total=line.product.price * line.quantity) for line in plan.lines]
    transition = OrderTransition(from_status=None, to_status=order.status, actor=buyer)
    return NewOrder(order=order, lines=lines, payment=_payment(plan, option), transition=transition)


def _payment(plan: OrderPlan, option: PaymentOption) -> Payment:
    action = plan.payment.action
    return Payment(method=option.method.code, provider=option.provider.code, amount=plan.total,
                   reference=plan.reference, provider_reference=plan.payment.provider_reference,
                   gateway_reference=plan.gateway_reference or plan.reference,
                   gateway_amount=plan.total if plan.gateway_amount is None else plan.gateway_amount,
                   action_kind=action.kind if action else None, action_value=action.value if action else None,
                   action_bank=action.bank if action else None,
                   expires_at=plan.payment.expires_at or plan.payment_expires_at)


def _courier_shipment(order: Order, plan: OrderPlan, destination: Destination | None) -> CourierShipment:
    assert plan.provider is not None and plan.quote is not None
    to = plan.destination(destination)
    weight, estimated = plan.weight()
    return CourierShipment(order=order, provider=plan.provider.code, service=plan.quote.service,
                           destination_latitude=to.latitude if to else None,
                           destination_longitude=to.longitude if to else None,
                           weight_grams=weight, weight_estimated=estimated)


def _first_status(option: PaymentOption) -> OrderStatus:
    return OrderStatus.PLACED if option.method.cash_on_delivery else OrderStatus.AWAITING_PAYMENT
