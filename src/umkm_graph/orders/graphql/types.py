"""Orders and their payments as their buyer, their shop's seller and city officers see them (the rules of who sees what
are orders/visibility.py's; these types only ask)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from umkm_graph.catalog.graphql.types import ProductType, load_product
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.later import later_class
from umkm_graph.graphql_common.loaders import load_visible
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.hookspecs import DeliveryKind
from umkm_graph.orders import deadlines
from umkm_graph.orders.contract import delivery_kind
from umkm_graph.orders.models import Order, OrderLine, OrderStatus, OrderTransition
from umkm_graph.orders.receipts import has_receipt
from umkm_graph.orders.states import Party
from umkm_graph.orders.visibility import OrderSight, side_of
from umkm_graph.payments.models import (
    Payment, PaymentEventSource, PaymentRefund, PaymentStatus, RefundRoute, RefundStatus, ReportedPaymentStatus,
)
from umkm_graph.payments.service import PendingAction, gateway_amount, gateway_reference, pending_action
from umkm_graph.promotions.graphql.types import OrderDiscountType
from umkm_graph.shops.graphql.types import ShopType

if TYPE_CHECKING:
    from umkm_graph.delivery.graphql.types import CourierShipmentType

_DELIVERY = "umkm_graph.delivery.graphql.types"  # delivery comes after orders: its types are reached lazily

OrderStatusEnum = strawberry.enum(OrderStatus, name="OrderStatus")
PaymentStatusEnum = strawberry.enum(PaymentStatus, name="PaymentStatus")
PaymentEventStatusEnum = strawberry.enum(
    ReportedPaymentStatus, name="PaymentEventStatus", description="A gateway's report, in our words."
)
PaymentEventSourceEnum = strawberry.enum(
    PaymentEventSource, name="PaymentEventSource",
    description="WEBHOOK: the gateway told us. POLL: we asked it. HOST: we expired the payment ourselves.",
)
DeliveryKindEnum = strawberry.enum(
    DeliveryKind, name="DeliveryKind", description="PICKUP: the buyer collects at the shop. DELIVERY: to an address."
)
OrderPartyEnum = strawberry.enum(Party, name="OrderParty")


@strawberry.type(name="OrderLine", description="One product of an order, priced as it was when bought.")
class OrderLineType:
    id: strawberry.ID
    product_name: str = strawberry.field(description="The product's name when it was bought.")
    unit_price: Rupiah = strawberry.field(description="The price of one pack when it was bought.")
    quantity: int
    line_total: Rupiah
    model: strawberry.Private[OrderLine]

    @classmethod
    def from_model(cls, line: OrderLine) -> OrderLineType:
        return cls(id=strawberry.ID(str(line.id)), product_name=line.product_name, unit_price=Rupiah(line.unit_price),
                   quantity=line.quantity, line_total=Rupiah(line.line_total), model=line)

    @strawberry.field(description="The product as it is now; null when you can no longer see it.")
    async def product(self, info: Info[Context, None]) -> ProductType | None:
        return await load_product(info, self.model.product_id)  # type: ignore[attr-defined]

    @strawberry.field(description="Which of the product's variants was bought (Product.variants).")
    def variant_id(self) -> strawberry.ID | None:
        variant = self.model.variant_id  # type: ignore[attr-defined]
        return None if variant is None else strawberry.ID(str(variant))

    @strawberry.field(description="What vouchers took off this line (floored per line); the line pays lineTotal less this.")
    async def discount(self, info: Info[Context, None]) -> Rupiah:
        rows = await info.context.loaders.discounts_of_order.load(self.model.order_id)  # type: ignore[attr-defined]
        return Rupiah(sum(r.amount for r in rows if r.product_id == self.model.product_id))  # type: ignore[attr-defined]


@strawberry.type(name="PaymentAction", description="What the buyer does to pay a cashless payment; one of the values is set.")
class PaymentActionType:
    kind: str = strawberry.field(description="QR_STRING, VA_NUMBER, REDIRECT_URL or DEEPLINK (as the gateway says).")
    qr_string: str | None = strawberry.field(description="QRIS: render this string as a QR code for any bank app.")
    va_number: str | None = strawberry.field(description="Virtual account: transfer the exact amount to this number.")
    bank: str | None = strawberry.field(description="Virtual account: the bank that holds the number, e.g. BCA.")
    redirect_url: str | None = strawberry.field(description="E-wallets and hosted pages: open this URL or deeplink.")
    expires_at: dt.datetime | None = strawberry.field(description="Pay before this; the order is cancelled after it.")

    @classmethod
    def from_action(cls, action: PendingAction) -> PaymentActionType:
        kind, value = action.kind, action.value
        return cls(kind=kind, qr_string=value if kind == "QR_STRING" else None,
                   va_number=value if kind == "VA_NUMBER" else None, bank=action.bank,
                   redirect_url=value if kind in ("REDIRECT_URL", "DEEPLINK") else None, expires_at=action.expires_at)


@strawberry.type(name="PaymentHistoryEntry", description="One thing a gateway reported about the payment, or the host decided.")
class PaymentHistoryEntryType:
    status: PaymentEventStatusEnum  # type: ignore[valid-type]
    gateway_status: str = strawberry.field(description="The gateway's own word, e.g. settlement.")
    amount: Rupiah | None
    source: PaymentEventSourceEnum  # type: ignore[valid-type]
    outcome: str = strawberry.field(description="What it changed, or why it changed nothing (e.g. a repeat).")
    at: dt.datetime


RefundRouteEnum = strawberry.enum(RefundRoute, name="RefundRoute", description=(
    "GATEWAY: given back by the payment's gateway; TRANSFER: the gateway cannot (a virtual account, cash), so it is "
    "owed and paid by bank transfer to the buyer's account (setRefundAccount, payOwedRefund)."))
RefundStatusEnum = strawberry.enum(RefundStatus, name="RefundStatus")


@strawberry.type(name="PaymentRefund", description="Money given back to the buyer: by the gateway, or owed and paid "
                 "by transfer.")
class PaymentRefundType:
    id: strawberry.ID
    amount: Rupiah
    reason: str
    at: dt.datetime
    route: RefundRouteEnum  # type: ignore[valid-type]
    status: RefundStatusEnum  # type: ignore[valid-type]
    bank_account_given: bool = strawberry.field(description="TRANSFER: whether the buyer gave the account it goes to.")
    transfer_reference: str | None = strawberry.field(description=(
        "TRANSFER: the latest attempt's reference (the disbursement gateway's idempotency key)."))
    failure: str = strawberry.field(description="TRANSFER: why the latest attempt was refused; empty otherwise.")
    paid_at: dt.datetime | None = strawberry.field(description="TRANSFER: when the transfer was made.")

    @classmethod
    def from_model(cls, r: PaymentRefund) -> PaymentRefundType:
        return cls(id=strawberry.ID(str(r.id)), amount=Rupiah(r.amount), reason=r.reason, at=r.created_at,
                   route=r.route, status=r.status, bank_account_given=bool(r.account_number),
                   transfer_reference=r.transfer_reference, failure=r.failure, paid_at=r.paid_at)


@strawberry.type(name="Payment", description="How an order is paid; cash on delivery is PAID once the seller confirms it.")
class PaymentType:
    method: str
    provider: str
    status: PaymentStatusEnum  # type: ignore[valid-type]
    amount: Rupiah
    paid_at: dt.datetime | None
    refunded_amount: Rupiah = strawberry.field(description="Given back so far, through refunds.")
    expires_at: dt.datetime | None = strawberry.field(description="Cashless: when an unpaid payment lapses.")
    gateway_amount: Rupiah = strawberry.field(description=(
        "What the buyer pays at the gateway: this order's amount or, when one payment (one QR code, one virtual "
        "account) pays every order of a cashless checkout from several shops, their sum."))
    model: strawberry.Private[Payment]

    @classmethod
    def from_model(cls, payment: Payment) -> PaymentType:
        return cls(method=payment.method, provider=payment.provider, status=payment.status,
                   amount=Rupiah(payment.amount), paid_at=payment.paid_at,
                   refunded_amount=Rupiah(payment.refunded_amount), expires_at=payment.expires_at,
                   gateway_amount=Rupiah(gateway_amount(payment)), model=payment)

    async def _sees_details(self, info: Info[Context, None]) -> bool:
        order = await info.context.loaders.order.load(self.model.order_id)  # type: ignore[attr-defined]
        return (await sight_of(info, order)).sees_payment_details

    @strawberry.field(description="What the buyer does to pay, while the payment is PENDING; for the buyer and seller.")
    async def action(self, info: Info[Context, None]) -> PaymentActionType | None:
        action = pending_action(self.model)
        if action is None or not await self._sees_details(info):
            return None
        return PaymentActionType.from_action(action)

    @strawberry.field(description="What the gateway reported, oldest first; for the buyer and the seller only.")
    async def history(self, info: Info[Context, None]) -> list[PaymentHistoryEntryType]:
        if not await self._sees_details(info):
            return []
        return [
            PaymentHistoryEntryType(status=e.status, gateway_status=e.raw_status,
                                    amount=None if e.amount is None else Rupiah(e.amount), source=e.source,
                                    outcome=e.outcome, at=e.received_at)
            for e in await info.context.loaders.charge_events.load(gateway_reference(self.model))
            if e.provider == self.model.provider and e.payment_id is not None
        ]

    @strawberry.field(description="Refunds given or owed, oldest first; for the buyer and the seller only.")
    async def refunds(self, info: Info[Context, None]) -> list[PaymentRefundType]:
        if not await self._sees_details(info):
            return []
        return [PaymentRefundType.from_model(r) for r in await info.context.loaders.payment_refunds.load(self.model.id)]


@strawberry.type(name="OrderDelivery", description="How the goods reach the buyer; the address only for DELIVERY.")
class OrderDeliveryType:
    kind: DeliveryKindEnum  # type: ignore[valid-type]
    provider: str
    service: str
    kecamatan: str | None
    kelurahan: str | None
    address: str | None


@strawberry.type(name="OrderBuyer", description="Who placed the order. The seller sees the name only.")
class OrderBuyerType:
    id: strawberry.ID | None
    name: str
    phone: str | None


@strawberry.type(name="OrderTransition", description="One change of an order's status: by whom, when and why.")
class OrderTransitionType:
    from_status: OrderStatusEnum | None  # type: ignore[valid-type]
    to_status: OrderStatusEnum  # type: ignore[valid-type]
    by: OrderPartyEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="The side that made the change; null for the system."
    )
    reason: str | None
    at: dt.datetime


@strawberry.federation.type(keys=["id"], name="Order", description="One shop's part of a checkout.")
class OrderType:
    id: strawberry.ID
    reference: str = strawberry.field(description="The order number people quote, e.g. UMKM-7K3QX9PD2M.")
    status: OrderStatusEnum  # type: ignore[valid-type]
    subtotal: Rupiah
    delivery_fee: Rupiah
    total: Rupiah = strawberry.field(description="Subtotal plus delivery fee, less discount: what the buyer pays.")
    delivery: OrderDeliveryType
    payment_method: str
    note: str
    cancel_reason: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    model: strawberry.Private[Order]

    @classmethod
    def from_model(cls, order: Order) -> OrderType:
        return cls(
            id=strawberry.ID(str(order.id)), reference=order.reference, status=order.status,
            subtotal=Rupiah(order.subtotal), delivery_fee=Rupiah(order.delivery_fee), total=Rupiah(order.total),
            delivery=OrderDeliveryType(
                kind=delivery_kind(order.delivery_method), provider=order.delivery_provider, service=order.delivery_service,
                kecamatan=order.delivery_kecamatan, kelurahan=order.delivery_kelurahan, address=order.delivery_address,
            ),
            payment_method=order.payment_method, note=order.note, cancel_reason=order.cancel_reason,
            created_at=order.created_at, updated_at=order.updated_at, model=order,
        )

    @strawberry.field(description="When this PLACED order is cancelled by the system unless the seller accepts it; "
                      "null for other orders.")
    def accept_by(self, info: Info[Context, None]) -> dt.datetime | None:
        return deadlines.accept_by(self.model, deadlines.Windows.of(info.context.settings))

    @strawberry.field(description="When this DELIVERED order completes itself if paid and no complaint is open; null for "
                      "other orders.")
    def completes_at(self, info: Info[Context, None]) -> dt.datetime | None:
        return deadlines.completes_at(self.model, deadlines.Windows.of(info.context.settings))

    @strawberry.field(description="When the system flagged this delivered order's cash on delivery as still "
                      "unconfirmed to the seller; null if never.")
    def cash_flagged_at(self) -> dt.datetime | None:
        return self.model.cash_flagged_at

    @strawberry.field(description="When the system flagged it, later, to the city; null if never.")
    def cash_escalated_at(self) -> dt.datetime | None:
        return self.model.cash_escalated_at

    @strawberry.field
    async def shop(self, info: Info[Context, None]) -> ShopType:
        return ShopType.from_model(await info.context.loaders.shop.load(self.model.shop_id))  # type: ignore[attr-defined]

    @strawberry.field
    async def buyer(self, info: Info[Context, None]) -> OrderBuyerType:
        user = await info.context.loaders.user.load(self.model.buyer_id)  # type: ignore[attr-defined]
        card = (await sight_of(info, self.model)).buyer(user)
        return OrderBuyerType(id=None if card.id is None else strawberry.ID(str(card.id)), name=card.name, phone=card.phone)

    @strawberry.field
    async def lines(self, info: Info[Context, None]) -> list[OrderLineType]:
        return [OrderLineType.from_model(line) for line in await info.context.loaders.order_lines.load(self.model.id)]

    @strawberry.field(description="What vouchers took off the lines and the delivery fee, in all.")
    def discount(self) -> Rupiah:
        return Rupiah(self.model.subtotal + self.model.delivery_fee - self.model.total)

    @strawberry.field(description="Each voucher's discount on each line (and on the delivery fee), and who funds it.")
    async def discounts(self, info: Info[Context, None]) -> list[OrderDiscountType]:
        return [OrderDiscountType.from_model(row)
                for row in await info.context.loaders.discounts_of_order.load(self.model.id)]

    @strawberry.field(description="The code the buyer shows to collect a pickup order; for the buyer and the seller only.")
    async def pickup_code(self, info: Info[Context, None]) -> str | None:
        return (await sight_of(info, self.model)).pickup_code(self.model)

    @strawberry.field(description="The courier booked for this order and its tracking; for the buyer and the seller only.")
    async def shipment(
        self, info: Info[Context, None]
    ) -> Annotated[CourierShipmentType, strawberry.lazy(_DELIVERY)] | None:
        shipment = await info.context.loaders.courier_shipment_of_order.load(self.model.id)
        if shipment is None or not (await sight_of(info, self.model)).sees_tracking:
            return None
        return later_class(_DELIVERY, "CourierShipmentType").from_model(shipment)

    @strawberry.field
    async def payment(self, info: Info[Context, None]) -> PaymentType | None:
        payment = await info.context.loaders.payment_of_order.load(self.model.id)
        return PaymentType.from_model(payment) if payment else None

    @strawberry.field(description="Where the order's receipt (kuitansi, a PDF) is downloaded with the same bearer "
                      "token, relative to the API's address (GET /receipts/{id}.pdf); null until the order is paid.")
    async def receipt_url(self, info: Info[Context, None]) -> str | None:
        payment = await info.context.loaders.payment_of_order.load(self.model.id)
        return f"/receipts/{self.model.id}.pdf" if has_receipt(payment) else None

    @strawberry.field(description="Every change of status, oldest first.")
    async def history(self, info: Info[Context, None]) -> list[OrderTransitionType]:
        shop = await info.context.loaders.shop.load(self.model.shop_id)  # type: ignore[attr-defined]
        steps: list[OrderTransition] = await info.context.loaders.order_transitions.load(self.model.id)
        return [
            OrderTransitionType(
                from_status=step.from_status, to_status=step.to_status,
                by=side_of(step.actor_id, self.model, shop.owner_id),  # type: ignore[attr-defined]
                reason=step.reason, at=step.created_at,
            )
            for step in steps
        ]

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], id: strawberry.ID) -> OrderType | None:
        return await load_order(info, id)


async def sight_of(info: Info[Context, None], order: Order) -> OrderSight:
    """What the asker may see of this order, through the loaders."""
    shop = await info.context.loaders.shop.load(order.shop_id)  # type: ignore[attr-defined]
    return OrderSight.of(await info.context.user(), order, shop.owner_id)


async def load_order(info: Info[Context, None], order_id: int | str) -> OrderType | None:
    """An order the asker may see, through the loaders; None otherwise."""

    async def visible(order: Order) -> bool:
        return (await sight_of(info, order)).sees_order

    order = await load_visible(info.context.loaders.order, order_id, visible)
    return OrderType.from_model(order) if order is not None else None
