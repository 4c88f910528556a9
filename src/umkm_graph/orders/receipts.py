"""Receipts (kuitansi): what a paid order's receipt says, who may have it, and its verification token.

A receipt exists once the order's payment was paid (cash collected, or settled at the gateway); its buyer, its shop's
seller and city officers may have it (orders/visibility.py; anyone else learns nothing, not even that the order
exists). Its QR code carries a token, `r1.<order number>.<total>.<paid at, Unix seconds>.<HMAC-SHA256 of the rest,
base64url>`, signed under UMKM_RECEIPT_SIGNING_KEY (or a key derived from UMKM_SECRET_KEY): short enough for a small
QR code and a printed URL, readable without the key, and only the key makes one. Anyone may ask the API whether a token
is genuine; a receipt whose number, total or date was edited has no token that is.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.orders.models import Order, OrderLine
from umkm_graph.orders.visibility import can_see_order
from umkm_graph.payments.models import Payment, PaymentRefund, PaymentStatus
from umkm_graph.payments.service import gateway_amount, is_shared
from umkm_graph.people.models import User
from umkm_graph.promotions.models import Funder, OrderDiscount
from umkm_graph.settings import Settings
from umkm_graph.shops.service import npwp_seen_by

TOKEN_VERSION = "r1"
_TOKEN = re.compile(r"r1\.(UMKM-[0-9A-Z]{1,15})\.([0-9]{1,15})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})")


def signing_key(settings: Settings) -> bytes:
    """The receipts' own key: the set one, or one derived from the secret key (so a bearer token is never a receipt's
    token, nor the reverse)."""
    if settings.receipt_signing_key:
        return hashlib.sha256(settings.receipt_signing_key.encode()).digest()
    return hmac.new(settings.secret_key.encode(), b"umkm-graph receipts", hashlib.sha256).digest()


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    quantity: int
    unit_price: int
    total: int


@dataclass(frozen=True)
class Receipt:
    number: str  # the order's reference
    order_id: int
    ordered_at: dt.datetime
    paid_at: dt.datetime
    shop_name: str
    shop_address: str
    shop_kecamatan: str
    nib: str | None
    npwp: str | None  # as the reader may see it: the shop's seller and the city (shops.service.npwp_seen_by)
    buyer_name: str
    lines: tuple[ReceiptLine, ...]
    subtotal: int
    delivery_fee: int
    total: int
    refunds: tuple[int, ...]  # amounts given back, oldest first
    discounts: tuple[tuple[str, bool, int], ...]  # (voucher code, funded by the city, rupiah off) per voucher
    payment_method: str  # the method's code: COD, MIDTRANS_QRIS, ...
    payment_bank: str | None  # a virtual account's bank
    cash_on_delivery: bool
    shared_payment: int | None  # the whole of one payment that paid this order and others of its checkout
    token: str


def has_receipt(payment: Payment | None) -> bool:
    return payment is not None and payment.paid_at is not None


async def receipt_of(user: User | None, order_id: int, settings: Settings, cash_methods: set[str]) -> Receipt:
    """The receipt of an order the user may see; NOT_FOUND for any other order, NOT_AVAILABLE while it is unpaid."""
    if user is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "Sign in to download a receipt")
    order = await Order.get_or_none(id=order_id).select_related("shop", "buyer")
    if order is None or not can_see_order(user, order, order.shop.owner_id):  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.NOT_FOUND, "No order of yours has this id", "orderId")
    payment = await Payment.get_or_none(order_id=order.id)
    if payment is None or payment.paid_at is None:
        raise DomainError(ErrorCode.NOT_AVAILABLE, "The order is not paid yet; its receipt comes with the payment",
                          "orderId")
    lines = await OrderLine.filter(order_id=order.id).order_by("id")
    refunds = await PaymentRefund.filter(payment_id=payment.id).order_by("created_at", "id")
    discounts = await discounts_of(order.id)
    shop = order.shop
    return Receipt(
        number=order.reference, order_id=order.id, ordered_at=order.created_at, paid_at=payment.paid_at,
        shop_name=shop.name, shop_address=shop.address, shop_kecamatan=shop.kecamatan, nib=shop.nib or None,
        npwp=npwp_seen_by(user, shop), buyer_name=order.buyer.name,
        lines=tuple(ReceiptLine(line.product_name, line.quantity, line.unit_price, line.line_total) for line in lines),
        subtotal=order.subtotal, delivery_fee=order.delivery_fee, total=order.total,
        refunds=tuple(refund.amount for refund in refunds), discounts=discounts, payment_method=payment.method,
        payment_bank=payment.action_bank, cash_on_delivery=payment.method in cash_methods,
        shared_payment=gateway_amount(payment) if is_shared(payment) else None,
        token=sign(order.reference, order.total, payment.paid_at, signing_key(settings)),
    )


async def discounts_of(order_id: int) -> tuple[tuple[str, bool, int], ...]:
    """What each voucher took off the order, lines and delivery fee together, in the order they were applied."""
    found: dict[str, list[object]] = {}
    rows = await OrderDiscount.filter(order_id=order_id).order_by("id").select_related("use__promotion")
    for row in rows:
        code = row.use.promotion.code  # type: ignore[attr-defined]
        entry = found.setdefault(code, [row.funder == Funder.CITY, 0])
        entry[1] = int(entry[1]) + row.amount  # type: ignore[call-overload]
    return tuple((code, bool(city), int(amount)) for code, (city, amount) in found.items())  # type: ignore[call-overload]


def sign(number: str, total: int, paid_at: dt.datetime, key: bytes) -> str:
    signed = f"{TOKEN_VERSION}.{number}.{total}.{int(paid_at.timestamp())}"
    return f"{signed}.{signature(signed, key)}"


def signature(signed: str, key: bytes) -> str:
    """The HMAC-SHA256 of a token's signed part, base64url without padding (procurement papers sign with it too)."""
    digest = hmac.new(key, signed.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


@dataclass(frozen=True)
class Verification:
    """Whether a token is a genuine receipt's, and if so what that receipt says (nothing about the buyer)."""

    genuine: bool
    number: str | None = None
    shop_name: str | None = None
    total: int | None = None
    paid_at: dt.datetime | None = None
    refunded: int | None = None  # given back since


async def verify(token: str, settings: Settings) -> Verification:
    """Genuine when the token is signed with the receipts' key and names a paid order with that total and that
    moment of payment; an edited, forged or foreign token is not."""
    found = _TOKEN.fullmatch(token)
    if found is None:
        return Verification(genuine=False)
    number, total, paid, sent = found.groups()
    expected = signature(token.rsplit(".", 1)[0], signing_key(settings))
    if not hmac.compare_digest(sent.encode(), expected.encode()):
        return Verification(genuine=False)
    order = await Order.get_or_none(reference=number).select_related("shop")
    payment = await Payment.get_or_none(order_id=order.id) if order is not None else None
    if (order is None or payment is None or payment.paid_at is None or order.total != int(total)
            or int(payment.paid_at.timestamp()) != int(paid) or payment.status == PaymentStatus.PENDING):
        return Verification(genuine=False)
    return Verification(genuine=True, number=order.reference, shop_name=order.shop.name, total=order.total,
                        paid_at=payment.paid_at, refunded=payment.refunded_amount)
