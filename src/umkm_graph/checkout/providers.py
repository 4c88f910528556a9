"""The providers' part of a checkout: each order's shipment and payment created at its provider, with a way to undo
them. This happens before any row is written, so no database lock waits on a gateway; if anything after fails, what the
providers made is cancelled again."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from umkm_graph.checkout.plan import OrderPlan
from umkm_graph.core.errors import DomainError
from umkm_graph.delivery.parcels import buyer_info, shop_info
from umkm_graph.hookspecs import (
    Destination,
    PaymentCancelRequest,
    PaymentRequest,
    PaymentResult,
    ShipmentCancelRequest,
    ShipmentRequest,
)
from umkm_graph.people.models import User
from umkm_graph.plugin_host import PaymentOption, Providers

PAYMENT_FIELD = ["input", "paymentMethod"]

Undo = Callable[[], Awaitable[None]]


async def create_at_providers(
    plans: list[OrderPlan], buyer: User, destination: Destination | None, option: PaymentOption, providers: Providers
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
        await run_undo(undo)
        raise
    return undo


async def _create_shipment(
    plan: OrderPlan, buyer: User, destination: Destination | None, option: PaymentOption, providers: Providers
) -> None:
    assert plan.provider is not None and plan.quote is not None
    weight, estimated = plan.weight()
    plan.shipment = await providers.create_shipment(plan.provider, ShipmentRequest(
        reference=plan.reference, service=plan.quote.service, shop=shop_info(plan.shop), buyer=buyer_info(buyer),
        destination=plan.destination(destination), items=plan.items(), weight_grams=weight, fee=plan.fee,
        cash_on_delivery_amount=plan.total if option.method.cash_on_delivery else 0, weight_estimated=estimated,
    ), plan.field)


async def _create_payment(plan: OrderPlan, buyer: User, option: PaymentOption, providers: Providers) -> PaymentResult:
    request = PaymentRequest(
        reference=plan.reference, method=option.method.code, amount=plan.total, delivery_fee=plan.fee,
        items=plan.items(), buyer=buyer_info(buyer), shop=shop_info(plan.shop), expires_at=plan.payment_expires_at,
    )
    try:
        return await providers.create_payment(option.provider, request, PAYMENT_FIELD)
    except DomainError:
        if not option.method.cash_on_delivery:
            # A gateway that timed out may have made the payment all the same: cancel it, so it cannot be paid.
            cancel = PaymentCancelRequest(reference=plan.reference, provider_reference=None, amount=plan.total,
                                          reason="checkout failed")
            await run_undo([functools.partial(providers.cancel_payment, option.provider, cancel, PAYMENT_FIELD)])
        raise


async def run_undo(undo: list[Undo]) -> None:
    """Every undo step, newest first; one that fails does not stop the others."""
    for step in reversed(undo):
        try:
            await step()
        except DomainError:
            pass  # already logged by Providers; the checkout's own error is the one to report
