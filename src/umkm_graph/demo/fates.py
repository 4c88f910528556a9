"""Taking a placed demo order to its planned fate as its buyer and seller would (accept, send or ready it, deliver,
collect the cash, complete, or cancel with a reason from demo/data/orders.toml), then moving its rows to their place
in the history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from umkm_graph.catalog.models import Product
from umkm_graph.demo.loading import load
from umkm_graph.demo.reviews import review_order
from umkm_graph.demo.run import SeededShop, SeedRun
from umkm_graph.events import EventBus
from umkm_graph.hookspecs import DeliveryKind
from umkm_graph.orders import service as orders_service
from umkm_graph.orders.models import Order, OrderTransition
from umkm_graph.orders.states import Action
from umkm_graph.payments.models import Payment
from umkm_graph.people.models import User
from umkm_graph.plugin_host import Providers

# Why an order was cancelled, by "buyer" or "seller".
CANCEL_REASONS: dict[str, tuple[str, ...]] = {
    by: tuple(reasons) for by, reasons in load("orders").table("cancel_reasons").items()
}


@dataclass
class Part:
    """One shop's order within a planned checkout, and what becomes of it."""

    shop: SeededShop
    provider: str  # "shop_courier" or "pickup"
    lines: list[tuple[Product, int]]
    fate: str = "COMPLETED"


async def follow(
    run: SeedRun, order: Order, part: Part, buyer: User, placed_at: dt.datetime, providers: Providers,
    events: EventBus,
) -> int:
    """Take the order to its fate; restamp its history; answer the reviews made."""
    rng = run.rng
    seller, times, paid_at, reviews_made = part.shop.owner, [placed_at], None, 0

    async def step(action: Action, actor: User, low: float, high: float, **extra: str | None) -> None:
        times.append(run.later(times[-1], low, high))
        await orders_service.transition(actor, order.id, action, providers, events, **extra)

    if part.fate == "CANCELLED":
        if rng.random() < 0.4:
            await step(Action.ACCEPT, seller, 0.3, 3)
        by = rng.choice(("buyer", "seller"))
        await step(Action.CANCEL, buyer if by == "buyer" else seller, 0.2, 6, reason=rng.choice(CANCEL_REASONS[by]))
    elif part.fate != "PLACED":
        await step(Action.ACCEPT, seller, 0.3, 3)
        if part.fate != "ACCEPTED":
            pickup = order.delivery_method == DeliveryKind.PICKUP
            await step(Action.MARK_READY_FOR_PICKUP if pickup else Action.MARK_OUT_FOR_DELIVERY, seller, 0.5, 5)
            if part.fate != "ON_THE_WAY":
                await step(Action.MARK_DELIVERED, seller, 0.5, 20, pickup_code=order.pickup_code)
                await orders_service.confirm_cash_collected(seller, order.id, providers, events)
                paid_at = times[-1]
                if part.fate == "COMPLETED":
                    await step(Action.COMPLETE, buyer, 1, 48)
                reviews_made = await review_order(run, order, seller, buyer, paid_at)
    await _restamp(order, times, paid_at)
    return reviews_made


async def _restamp(order: Order, times: list[dt.datetime], paid_at: dt.datetime | None) -> None:
    """The services stamp rows with the time of the run; move them to the order's place in the history."""
    transitions = await OrderTransition.filter(order_id=order.id).order_by("id")
    for transition, at in zip(transitions, times, strict=True):
        await OrderTransition.filter(id=transition.id).update(created_at=at)
    await Order.filter(id=order.id).update(created_at=times[0], updated_at=times[-1])
    await Payment.filter(order_id=order.id).update(created_at=times[0], **({"paid_at": paid_at} if paid_at else {}))
