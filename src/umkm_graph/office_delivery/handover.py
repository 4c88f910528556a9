"""The handover at the office: the day's contact person confirms a shop's batch received in one step; each order still
riding becomes DELIVERED, and what was missing from an order is recorded on it (the buyer can complain about those
lines, as about any delivered order's)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tortoise.transactions import in_transaction

from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.text import clean_text
from umkm_graph.events import EventBus, OrderStatusChanged
from umkm_graph.office_delivery.models import OfficeBatch, OfficeOrder
from umkm_graph.orders.models import OrderLine
from umkm_graph.orders.service import move
from umkm_graph.orders.states import OFFICE_HANDED_OVER
from umkm_graph.people.access import require_user
from umkm_graph.people.models import User

MAX_NOTE = 500


@dataclass(frozen=True)
class Missing:
    order_id: int
    line_ids: list[int] = field(default_factory=list)
    note: str | None = None


async def confirm_handover(user: User | None, batch_id: int, missing: list[Missing], events: EventBus,
                           now: dt.datetime | None = None) -> OfficeBatch:
    """The batch received by its day's contact person: all of it at once, or, on any wrong input, nothing."""
    contact = require_user(user)
    now = now or dt.datetime.now(dt.UTC)
    batch = await OfficeBatch.get_or_none(id=batch_id).prefetch_related("delivery_day")
    if batch is None or batch.delivery_day.contact_id != contact.id:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.NOT_FOUND, "No batch for your office has this id", ["input", "batchId"])
    if batch.handed_over_at is not None:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "This batch was already handed over", ["input", "batchId"])
    members = await OfficeOrder.filter(batch_id=batch.id).prefetch_related("order")
    riding = {m.order_id: m for m in members if m.order.status in OFFICE_HANDED_OVER.sources}  # type: ignore[attr-defined]
    notes = await _checked(missing, riding)
    moved: list[OrderStatusChanged] = []
    async with in_transaction():
        taken = await OfficeBatch.filter(id=batch.id, handed_over_at=None).update(handed_over_at=now,
                                                                                  received_by_id=contact.id)
        if not taken:
            raise DomainError(ErrorCode.INVALID_TRANSITION, "This batch was already handed over", ["input", "batchId"])
        for member in riding.values():
            moved.append(await move(member.order, OFFICE_HANDED_OVER.to, contact, OFFICE_HANDED_OVER.verb))
        for entry, note in zip(missing, notes, strict=True):
            await OfficeOrder.filter(id=riding[entry.order_id].id).update(missing_line_ids=sorted(set(entry.line_ids)),
                                                                           missing_note=note)
    for event in moved:
        await events.publish(event)
    await batch.refresh_from_db()
    return batch


async def _checked(missing: list[Missing], riding: dict[int, OfficeOrder]) -> list[str | None]:
    """Each missing entry names an order of the batch, once, with lines of that order; answers the cleaned notes."""
    check = Validator(["input"])
    seen: set[int] = set()
    notes: list[str | None] = []
    lines = {(line["order_id"], line["id"]) for line in await OrderLine.filter(order_id__in=list(riding)).values(
        "id", "order_id")}
    for i, entry in enumerate(missing):
        at = f"missing.{i}"
        if entry.order_id not in riding:
            check.add(f"{at}.orderId", "No order of this batch waiting for the handover has this id", ErrorCode.NOT_FOUND)
        elif entry.order_id in seen:
            check.add(f"{at}.orderId", "This order appears twice; give one entry per order")
        seen.add(entry.order_id)
        for line_id in entry.line_ids:
            if (entry.order_id, line_id) not in lines:
                check.add(f"{at}.lineIds", f"Line {line_id} is not a line of order {entry.order_id}", ErrorCode.NOT_FOUND)
        if not entry.line_ids and not (entry.note or "").strip():
            check.add(f"{at}.lineIds", "Name the missing lines, or say in a note what is missing", ErrorCode.REQUIRED)
        notes.append(None if entry.note is None else clean_text(
            check, f"{at}.note", entry.note, label="A note", max_length=MAX_NOTE, required=False, multiline=True))
    check.raise_if_any()
    return notes
