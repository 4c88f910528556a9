"""Cash on delivery withdrawn from a buyer who refused too many cash-on-delivery orders at handover, as marketplaces do
(the sellers' records: delivery/refusals.py). The limit is the setting `cod_refusals_limit`; 0 never withdraws it."""

from __future__ import annotations

from umkm_graph.checkout.plan import OrderPlan
from umkm_graph.core.errors import ErrorCode, Validator
from umkm_graph.delivery.refusals import refusals_of

DEFAULT_LIMIT = 2  # marketplaces withdraw cash on delivery from a buyer who refuses twice


async def withdrawn_because(buyer_id: int | None, limit: int) -> str | None:
    """Why cash on delivery is not offered to this buyer, or None when it is (and for no one signed in)."""
    if buyer_id is None or limit <= 0:
        return None
    refused = await refusals_of(buyer_id)
    if refused < limit:
        return None
    return (f"Cash on delivery is no longer offered to you: you refused {refused} cash-on-delivery orders at handover "
            f"(it is withdrawn from {limit}); pay with a cashless method")


async def check_cash_allowed(buyer_id: int, plans: list[OrderPlan], limit: int) -> None:
    """Refuse the checkout, naming each order's payment field, if it pays cash and the buyer lost cash on delivery."""
    cash = [plan for plan in plans if plan.pays_cash]
    why = await withdrawn_because(buyer_id, limit) if cash else None
    if why is None:
        return
    check = Validator(["input"])
    for field in dict.fromkeys(plan.payment_field for plan in cash):  # one error per field, in the plans' order
        check.add(field, why, ErrorCode.NOT_AVAILABLE)
    check.raise_if_any()
