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
    PaymentPart,
    PaymentRequest,
    PaymentResult,
    ShipmentCancelRequest,
    ShipmentRequest,
)
from umkm_graph.orders.models import new_order_reference
from umkm_graph.people.models import User
from umkm_graph.plugin_host import PaymentOption, Providers

Undo = Callable[[], Awaitable[None]]


async def create_at_providers(
    plans: list[OrderPlan], buyer: User, destination: Destination | None, providers: Providers
) -> list[Undo]:
    """Shipments and payments at their providers; on a failure, what was already created is cancelled again. The
    cashless orders of a checkout share one payment (plan.MIXED_PAYMENTS); cash is paid per order."""
    undo: list[Undo] = []
    cashless = [plan for plan in plans if not plan.pays_cash]
    try:
        for plan in plans:
            assert plan.provider is not None and plan.quote is not None
            if not plan.provider.books_when_ready:  # a booked courier is called when the seller marks the order ready
                await _create_shipment(plan, buyer, destination, providers)
                undo.append(functools.partial(providers.cancel_shipment, plan.provider, ShipmentCancelRequest(
                    reference=plan.reference, provider_reference=plan.shipment.reference, reason="checkout failed"),
                    plan.field))
            if plan.pays_cash or len(cashless) == 1:
                await _pay(plan.reference, [plan], buyer, providers, undo)
        if len(cashless) > 1:
            await _pay(new_charge_reference(), cashless, buyer, providers, undo)
    except BaseException:
        await run_undo(undo)
        raise
    return undo


def new_charge_reference() -> str:
    """A shared payment's reference: an order reference's randomness, with a prefix that tells it from an order's."""
    return new_order_reference().replace("UMKM-", "UMKM-PAY-", 1)


async def _pay(reference: str, plans: list[OrderPlan], buyer: User, providers: Providers, undo: list[Undo]) -> None:
    """One payment at the provider for these orders (all by one method), each told of it."""
    option = _option(plans[0])
    amount = sum(plan.total for plan in plans)
    result = await _create_payment(reference, plans, buyer, providers)
    for plan in plans:
        plan.payment, plan.gateway_reference, plan.gateway_amount = result, reference, amount
    undo.append(functools.partial(providers.cancel_payment, option.provider, PaymentCancelRequest(
        reference=reference, provider_reference=result.provider_reference, amount=amount, reason="checkout failed"),
        _field(plans[0])))


def _option(plan: OrderPlan) -> PaymentOption:
    assert plan.option is not None
    return plan.option


def _field(plan: OrderPlan) -> list[str]:
    return ["input", *plan.payment_field.split(".")]


async def _create_shipment(plan: OrderPlan, buyer: User, destination: Destination | None, providers: Providers) -> None:
    assert plan.provider is not None and plan.quote is not None
    weight, estimated = plan.weight()
    plan.shipment = await providers.create_shipment(plan.provider, ShipmentRequest(
        reference=plan.reference, service=plan.quote.service, shop=shop_info(plan.shop), buyer=buyer_info(buyer),
        destination=plan.destination(destination), items=plan.items(), weight_grams=weight, fee=plan.fee,
        cash_on_delivery_amount=plan.total if plan.pays_cash else 0, weight_estimated=estimated,
    ), plan.field)


async def _create_payment(reference: str, plans: list[OrderPlan], buyer: User, providers: Providers) -> PaymentResult:
    first, option = plans[0], _option(plans[0])
    amount = sum(plan.total for plan in plans)
    parts = tuple(PaymentPart(reference=plan.reference, shop=shop_info(plan.shop), amount=plan.total,
                              delivery_fee=plan.fee) for plan in plans) if len(plans) > 1 else ()
    request = PaymentRequest(
        reference=reference, method=option.method.code, amount=amount, delivery_fee=sum(plan.fee for plan in plans),
        items=tuple(item for plan in plans for item in plan.items()), buyer=buyer_info(buyer),
        shop=shop_info(first.shop), expires_at=first.payment_expires_at, parts=parts,
        discount=sum(plan.discount for plan in plans),
    )
    try:
        return await providers.create_payment(option.provider, request, _field(first))
    except DomainError:
        if not option.method.cash_on_delivery:
            # A gateway that timed out may have made the payment all the same: cancel it, so it cannot be paid.
            cancel = PaymentCancelRequest(reference=reference, provider_reference=None, amount=amount,
                                          reason="checkout failed")
            await run_undo([functools.partial(providers.cancel_payment, option.provider, cancel, _field(first))])
        raise


async def run_undo(undo: list[Undo]) -> None:
    """Every undo step, newest first; one that fails does not stop the others."""
    for step in reversed(undo):
        try:
            await step()
        except DomainError:
            pass  # already logged by Providers; the checkout's own error is the one to report
