"""Each planned order's delivery quote, from the service the buyer chose, checked against the payment method; what is
unavailable is reported for every shop at once."""

from __future__ import annotations

from umkm_graph.checkout.plan import OrderPlan
from umkm_graph.core.errors import ErrorCode, Validator
from umkm_graph.delivery.parcels import missing_location, shop_info
from umkm_graph.hookspecs import Destination, QuoteRequest
from umkm_graph.plugin_host import Providers


async def quote_plans(
    plans: list[OrderPlan], destination: Destination | None, providers: Providers
) -> None:
    """Set each plan's quote, or raise a DomainError naming every shop whose choice cannot be had."""
    check = Validator(["input"])
    for plan in plans:
        assert plan.provider is not None and plan.choice is not None and plan.option is not None
        method = plan.option.method
        to = plan.destination(destination)
        origin = shop_info(plan.shop)
        missing = missing_location(origin, to) if plan.provider.needs_coordinates else None
        if missing:
            where = "address.latitude" if origin.latitude is not None else f"{plan.path}.deliveryProvider"
            check.add(where, f"{plan.provider.display_name} needs {missing}", ErrorCode.NOT_AVAILABLE)
            continue
        weight, estimated = plan.weight()
        request = QuoteRequest(shop=origin, destination=to, items=plan.items(), weight_grams=weight,
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
            check.add(plan.payment_field, f"{plan.quote.display_name} cannot collect cash on delivery",
                      ErrorCode.NOT_AVAILABLE)
        if method.max_amount is not None and plan.total > method.max_amount:
            check.add(plan.payment_field, f"{method.display_name} takes orders up to {rupiah(method.max_amount)}; "
                      f"the order from {plan.shop.name} totals {rupiah(plan.total)}", ErrorCode.NOT_AVAILABLE)
    check.raise_if_any()


def rupiah(amount: int) -> str:
    """Rp2.000.000: Indonesian thousands separators."""
    return f"Rp{amount:,}".replace(",", ".")
