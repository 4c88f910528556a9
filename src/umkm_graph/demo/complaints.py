"""Buyers' complaints about delivered demo orders (demo/data/orders.toml), made through the complaints service so the
city's queue and counts, and the orders' auto-completion, see them as they would real ones: some wait for the seller,
some the seller settled, some went to the city."""

from __future__ import annotations

import datetime as dt

from umkm_graph.demo.loading import DataTable, load
from umkm_graph.demo.run import SeedRun
from umkm_graph.events import EventBus
from umkm_graph.orders import complaints
from umkm_graph.orders.models import (
    Complaint, ComplaintReason, ComplaintResolution, Order, OrderLine, OrderStatus,
)
from umkm_graph.plugin_host import Providers

PLANNED: tuple[DataTable, ...] = tuple(load("orders").tables("complaints"))


async def add_complaints(run: SeedRun, providers: Providers, events: EventBus) -> int:
    """A complaint on each order still DELIVERED (waiting for its buyer to complete it), the planned ones in turn,
    oldest order first; answers how many were made. Draws nothing from the run's random stream, so the rest of the
    demo stays as it was."""
    delivered = await Order.filter(status=OrderStatus.DELIVERED).order_by("id").select_related("buyer", "shop__owner")
    made = 0
    for index, order in enumerate(delivered):
        plan = PLANNED[index % len(PLANNED)]
        lines = [line.id for line in await OrderLine.filter(order_id=order.id).order_by("id")][:1]
        draft = complaints.ComplaintDraft(order.id, ComplaintReason(plan["reason"]), str(plan["text"]), lines)
        complaint = await complaints.open_complaint(order.buyer, draft, None)
        latest = run.anchor - dt.timedelta(hours=10)  # room for the answer and the escalation before the anchor
        stamps: dict[str, dt.datetime] = {"created_at": min(order.updated_at + dt.timedelta(hours=2 + index % 7), latest)}
        if plan.get("answer") is not None:
            await complaints.answer_complaint(order.shop.owner, complaint.id, ComplaintResolution(plan["answer"]),
                                              str(plan["seller_reason"]), None, providers, events)
            stamps["answered_at"] = stamps["created_at"] + dt.timedelta(hours=3 + index % 5)
            if plan.get("escalate"):
                await complaints.escalate_complaint(order.buyer, complaint.id, None)
                stamps["escalated_at"] = stamps["answered_at"] + dt.timedelta(hours=6)
        await Complaint.filter(id=complaint.id).update(**stamps)
        made += 1
    return made
