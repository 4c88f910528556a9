"""Checkout: a buyer's cart, which may span several shops, becomes one order per shop under one Checkout, all or nothing.

The steps, in order, each in its own module: check the cart against the catalog (validation.py); plan one order per shop
with its delivery choice (plan.py); ask each chosen delivery provider for a quote (quotes.py); let the providers create
the shipments and payments (providers.py); then take the stock and write every row, all or nothing (write.py, and on
PostgreSQL in one statement: sql.py). Provider calls happen before the write, so no database lock waits on a gateway; if
anything after them fails, what they created is cancelled again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from umkm_graph.checkout import office
from umkm_graph.checkout.cart import cart_lines
from umkm_graph.checkout.holds import UnpaidCaps
from umkm_graph.checkout.models import Checkout
from umkm_graph.checkout.plan import CheckoutDraft, ShopChoice, plan_orders
from umkm_graph.checkout.providers import create_at_providers, run_undo
from umkm_graph.checkout.cash_refusals import DEFAULT_LIMIT as DEFAULT_REFUSALS
from umkm_graph.checkout.cash_refusals import check_cash_allowed
from umkm_graph.checkout.quotes import quote_plans
from umkm_graph.checkout.validation import check_lines
from umkm_graph.checkout.vouchers import apply_vouchers
from umkm_graph.checkout.write import NO_CAPS, write_orders
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.delivery.parcels import Address
from umkm_graph.events import EventBus, OrderStatusChanged
from umkm_graph.payments.idempotency import RequestKey, once, request_key
from umkm_graph.people.access import require_role
from umkm_graph.people.addresses import address_of
from umkm_graph.people.models import Role, User
from umkm_graph.plugin_host import Providers

__all__ = ["DEFAULT_PAYMENT_EXPIRY", "CartCheckout", "CheckoutDraft", "ShopChoice", "UnpaidCaps", "checkout",
           "checkout_cart"]

DEFAULT_PAYMENT_EXPIRY = dt.timedelta(minutes=60)
DEFAULT_KEY_HOURS = 24


async def checkout(
    user: User | None, draft: CheckoutDraft, providers: Providers, events: EventBus,
    *, payment_expiry: dt.timedelta = DEFAULT_PAYMENT_EXPIRY, idempotency_key: str | None = None,
    key_hours: int = DEFAULT_KEY_HOURS, caps: UnpaidCaps = NO_CAPS, cod_refusals_limit: int = DEFAULT_REFUSALS,
) -> Checkout:
    """Cash on delivery places the orders at once; a cashless method leaves them AWAITING_PAYMENT until the gateway
    says they are paid, or until payment_expiry passes. The buyer's open unpaid orders, this checkout's included, stay
    within `caps` (checkout/holds.py). With an idempotency key, a repeat of the same checkout answers
    the checkout the key first made (payments/idempotency.py)."""
    buyer = require_role(user, Role.BUYER, Role.SELLER)  # a seller buys too, though not from their own shop
    key = request_key(buyer.id, idempotency_key, "checkout", draft, key_hours)
    return await once(key, lambda: _check_out(buyer, draft, providers, events, payment_expiry, key, caps,
                                                  cod_refusals_limit),
                      lambda made: Checkout.get(id=made))


@dataclass(frozen=True)
class CartCheckout:
    """Checkout from the cart: everything but the lines, which are the cart's."""

    shops: list[ShopChoice]
    payment_method: str
    address: Address | None = None
    address_id: int | None = None
    voucher_codes: list[str] = dataclasses.field(default_factory=list)
    office_delivery_day_id: int | None = None


async def checkout_cart(
    user: User | None, choices: CartCheckout, providers: Providers, events: EventBus,
    *, payment_expiry: dt.timedelta = DEFAULT_PAYMENT_EXPIRY, idempotency_key: str | None = None,
    key_hours: int = DEFAULT_KEY_HOURS, caps: UnpaidCaps = NO_CAPS, cod_refusals_limit: int = DEFAULT_REFUSALS,
) -> Checkout:
    """The cart's lines checked out as `checkout` does; the cart is emptied in the transaction that writes the orders,
    so either the orders exist and the cart is empty, or neither changed. The key names the choices, not the lines: a
    repeat after the cart was emptied answers the first checkout."""
    buyer = require_role(user, Role.BUYER, Role.SELLER)
    key = request_key(buyer.id, idempotency_key, "checkoutCart", choices, key_hours)

    async def run() -> Checkout:
        lines, items = await cart_lines(buyer)
        draft = CheckoutDraft(lines=lines, shops=choices.shops, payment_method=choices.payment_method,
                              address=choices.address, address_id=choices.address_id,
                              voucher_codes=choices.voucher_codes,
                              office_delivery_day_id=choices.office_delivery_day_id)
        return await _check_out(buyer, draft, providers, events, payment_expiry, key, caps, cod_refusals_limit, items)

    return await once(key, run, lambda made: Checkout.get(id=made))


async def _check_out(
    buyer: User, draft: CheckoutDraft, providers: Providers, events: EventBus, payment_expiry: dt.timedelta,
    key: RequestKey | None, caps: UnpaidCaps, cod_refusals_limit: int, cart_items: list[int] | None = None,
) -> Checkout:
    now = dt.datetime.now(dt.UTC)
    draft, office_day = await office.to_office(buyer, draft, now)
    draft = await _with_saved_address(buyer, draft)
    lines = await check_lines(buyer, draft.lines)
    plans, destination = plan_orders(draft, lines, providers)
    if office_day is not None:
        office.check_plans(plans)
    await check_cash_allowed(buyer.id, plans, cod_refusals_limit)
    for plan in plans:
        if not plan.pays_cash:
            plan.payment_expires_at = now + payment_expiry
    await quote_plans(plans, destination, providers)
    join = None if office_day is None else await office.share_fees(office_day, plans)
    await apply_vouchers(buyer, draft.voucher_codes, plans, now)
    if office_day is not None:
        office.check_grants(plans)
    undo = await create_at_providers(plans, buyer, destination, providers)
    try:
        made, orders = await write_orders(buyer, plans, destination, key, caps, cart_items, join)
    except BaseException:
        await run_undo(undo)
        raise
    for order in orders:
        await events.publish(OrderStatusChanged(
            order_id=order.id, shop_id=order.shop_id, buyer_id=buyer.id, from_status=None,  # type: ignore[attr-defined]
            to_status=order.status.value, actor_id=buyer.id, reason=None, at=order.created_at,
        ))
    return made


async def _with_saved_address(buyer: User, draft: CheckoutDraft) -> CheckoutDraft:
    """The draft with the saved address it names, as if typed; an address id of someone else's is NOT_FOUND."""
    if draft.address_id is None:
        return draft
    if draft.address is not None:
        raise DomainError(ErrorCode.INVALID, "Give an address or an addressId, not both", ["input", "addressId"])
    saved = await address_of(buyer, draft.address_id, ["input", "addressId"])
    typed = Address(kecamatan=saved.kecamatan, kelurahan=saved.kelurahan, street=saved.street,
                    latitude=saved.latitude, longitude=saved.longitude)
    return dataclasses.replace(draft, address=typed, address_id=None)
