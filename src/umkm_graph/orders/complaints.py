"""Complaints and returns: a buyer complains about lines of a DELIVERED order within its completion window, or requests
a refund (a REFUND_REQUEST, with the amount); the seller answers (refund through the payments service, owed by
transfer where the gateway cannot refund; replace; or reject with a reason); the buyer may escalate a rejected or
unanswered complaint to the city, whose officer's decision is final and recorded. An open complaint (OPEN, REJECTED or
ESCALATED) stops the order completing itself (orders/deadlines.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tortoise.functions import Count
from tortoise.transactions import in_transaction

from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.paging import Page, Window, page_of
from umkm_graph.core.text import clean_text
from umkm_graph.events import EventBus, PaymentStatusChanged
from umkm_graph.orders import subsidies
from umkm_graph.orders.models import (
    Complaint, ComplaintLine, ComplaintPhoto, ComplaintReason, ComplaintResolution, ComplaintStatus, Order, OrderLine,
    OrderStatus,
)
from umkm_graph.orders import announcements
from umkm_graph.orders.deadlines import OPEN_COMPLAINTS
from umkm_graph.orders.service import order_of_party
from umkm_graph.orders.states import Party
from umkm_graph.payments import service as payments
from umkm_graph.payments.models import Payment
from umkm_graph.people.access import is_city, require_role, require_user
from umkm_graph.people.models import Role, User
from umkm_graph.plugin_host import Providers
from umkm_graph.shops.service import get_owned_shop
from umkm_graph.uploads.models import Upload
from umkm_graph.uploads.service import own_uploads


OPEN_STATUSES = OPEN_COMPLAINTS
MAX_TEXT = 1000


MAX_PHOTOS = 5


@dataclass(frozen=True)
class ComplaintDraft:
    order_id: int
    reason: ComplaintReason
    text: str
    order_line_ids: list[int]
    photo_upload_ids: tuple[int, ...] = ()  # the buyer's own uploads (POST /uploads), at most MAX_PHOTOS
    refund_amount: int | None = None  # a REFUND_REQUEST: what the buyer asks back


def _text(value: str, field: str, label: str, max_length: int) -> str:
    check = Validator()
    text = clean_text(check, field, value, label=label, max_length=max_length, multiline=True)
    check.raise_if_any()
    return text


async def open_complaint(
    user: User | None, draft: ComplaintDraft, window: dt.timedelta | None, now: dt.datetime | None = None
) -> Complaint:
    """The buyer's complaint; refused after the completion window, or on lines another open complaint holds."""
    buyer = require_user(user)
    now = now or dt.datetime.now(dt.UTC)
    order, party = await order_of_party(buyer, draft.order_id)
    if party != Party.BUYER:
        raise DomainError(ErrorCode.FORBIDDEN, "The buyer complains about an order", ["input", "orderId"])
    since = order.status_since or order.created_at
    if order.status != OrderStatus.DELIVERED or (window is not None and since + window <= now):
        raise DomainError(ErrorCode.INVALID_TRANSITION, "A complaint is opened on a delivered order, within "
                          "the time before it completes", ["input", "orderId"])
    text = _text(draft.text, "input.text", "The complaint", MAX_TEXT)
    if not draft.order_line_ids:
        raise DomainError(ErrorCode.REQUIRED, "Name the lines the complaint is about", ["input", "orderLineIds"])
    lines = {line.id: line for line in await OrderLine.filter(order_id=order.id)}
    for i, line_id in enumerate(draft.order_line_ids):
        if line_id not in lines:
            raise DomainError(ErrorCode.NOT_FOUND, "This order has no line with this id", ["input", "orderLineIds", str(i)])
    photos = await own_uploads(buyer, draft.photo_upload_ids, "input.photoUploadIds", MAX_PHOTOS)
    requested = await _requested(order, draft)
    async with in_transaction():
        held = await ComplaintLine.filter(order_line_id__in=draft.order_line_ids,
                                          complaint__status__in=OPEN_STATUSES).exists()
        if held:
            raise DomainError(ErrorCode.ALREADY_EXISTS, "An open complaint already covers these lines",
                              ["input", "orderLineIds"])
        complaint = await Complaint.create(order_id=order.id, reason=draft.reason, text=text,
                                           requested_amount=requested)
        await ComplaintLine.bulk_create([ComplaintLine(complaint_id=complaint.id, order_line_id=line_id)
                                         for line_id in dict.fromkeys(draft.order_line_ids)])
        await ComplaintPhoto.bulk_create([ComplaintPhoto(complaint_id=complaint.id, upload_id=photo.id, position=i)
                                          for i, photo in enumerate(photos)])
        await announcements.complaint_opened(order, text)
    return complaint


async def _requested(order: Order, draft: ComplaintDraft) -> int | None:
    """What a refund request asks back: 1 rupiah to what is left of the order's payment. Other complaints ask none."""
    field = ["input", "refundAmount"]
    if draft.reason != ComplaintReason.REFUND_REQUEST:
        if draft.refund_amount is not None:
            raise DomainError(ErrorCode.INVALID, "Only a REFUND_REQUEST names an amount", field)
        return None
    payment = await Payment.get_or_none(order_id=order.id)
    if payment is None or payment.status not in payments.REFUNDABLE:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "A refund is requested of a paid order", ["input", "orderId"])
    left = payment.amount - payment.refunded_amount
    if draft.refund_amount is None:
        raise DomainError(ErrorCode.REQUIRED, f"Name the amount you ask back (1 to {left} rupiah)", field)
    if not 0 < draft.refund_amount <= left:
        raise DomainError(ErrorCode.INVALID, f"Ask 1 to {left} rupiah: what is left of the payment", field)
    return draft.refund_amount


async def _complaint_of(user: User, complaint_id: int) -> tuple[Complaint, Order, Party | None]:
    complaint = await Complaint.get_or_none(id=complaint_id)
    if complaint is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No complaint of yours has this id", "id")
    if user.role == Role.CITY_OFFICER:
        return complaint, await Order.get(id=complaint.order_id), None  # type: ignore[attr-defined]
    try:
        order, party = await order_of_party(user, complaint.order_id)  # type: ignore[attr-defined]
    except DomainError:
        raise DomainError(ErrorCode.NOT_FOUND, "No complaint of yours has this id", "id") from None
    return complaint, order, party


async def _refund(complaint: Complaint, order: Order, amount: int, reason: str, actor: User,
                  providers: Providers) -> PaymentStatusChanged:
    """Part or all of the order's money back through its gateway, under a key of this complaint (safe to retry)."""
    payment = await Payment.get_or_none(order_id=order.id)
    if payment is None or payment.status not in payments.REFUNDABLE:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "Only a paid order is refunded", "refundAmount")
    left = payment.amount - payment.refunded_amount
    if not 0 < amount <= left:
        raise DomainError(ErrorCode.INVALID, f"Refund 1 to {left} rupiah: what is left of the payment", "refundAmount")
    key = f"{payment.reference}-C{complaint.id}-{'city' if complaint.status == ComplaintStatus.ESCALATED else 'seller'}"
    event = await payments.refund(payment, providers, amount, reason, actor, key, ["refundAmount"])
    if amount == left:  # refunded whole: its vouchers are given back, as a cancel gives them
        await subsidies.give_back(order)
    complaint.refund_amount += amount
    await Complaint.filter(id=complaint.id).update(refund_amount=complaint.refund_amount)
    return event


async def answer_complaint(
    user: User | None, complaint_id: int, resolution: ComplaintResolution, reason: str | None, refund_amount: int | None,
    providers: Providers, events: EventBus,
) -> Complaint:
    """The seller refunds (whole or part), replaces, or rejects with a reason; once."""
    seller = require_user(user)
    complaint, order, party = await _complaint_of(seller, complaint_id)
    if party != Party.SELLER:
        raise DomainError(ErrorCode.FORBIDDEN, "The seller answers a complaint", "id")
    if complaint.status != ComplaintStatus.OPEN:
        raise DomainError(ErrorCode.INVALID_TRANSITION, f"This complaint is {complaint.status.value}", "id")
    if resolution == ComplaintResolution.REJECT and not (reason or "").strip():
        raise DomainError(ErrorCode.REQUIRED, "Give the buyer a reason for rejecting", "reason")
    text = _text(reason, "reason", "A reason", 500) if (reason or "").strip() else None
    status = ComplaintStatus.REJECTED if resolution == ComplaintResolution.REJECT else ComplaintStatus.RESOLVED
    now = dt.datetime.now(dt.UTC)
    event = None
    async with in_transaction():
        if resolution == ComplaintResolution.REFUND:  # approving a refund request refunds what it asked, by default
            amount = refund_amount or complaint.requested_amount or 0
            event = await _refund(complaint, order, amount, text or "Complaint refunded", seller, providers)
        changed = await Complaint.filter(id=complaint.id, status=ComplaintStatus.OPEN).update(
            status=status, resolution=resolution, seller_reason=text, answered_at=now)
        if not changed:
            raise DomainError(ErrorCode.INVALID_TRANSITION, "The complaint changed meanwhile; reload it", "id")
        await announcements.complaint_answered(order, _answer(resolution, text))
    if event is not None:
        await events.publish(event)
    complaint.update_from_dict({"status": status, "resolution": resolution, "seller_reason": text, "answered_at": now})
    return complaint


async def escalate_complaint(
    user: User | None, complaint_id: int, answer_window: dt.timedelta | None, now: dt.datetime | None = None
) -> Complaint:
    """The buyer takes a rejected complaint, or one the seller left unanswered past the window, to the city."""
    buyer = require_user(user)
    now = now or dt.datetime.now(dt.UTC)
    complaint, _, party = await _complaint_of(buyer, complaint_id)
    if party != Party.BUYER:
        raise DomainError(ErrorCode.FORBIDDEN, "The buyer escalates a complaint", "id")
    unanswered = complaint.status == ComplaintStatus.OPEN and answer_window is not None and \
        complaint.created_at + answer_window <= now
    if complaint.status != ComplaintStatus.REJECTED and not unanswered:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "A complaint goes to the city once the seller rejected it or "
                          "left it unanswered past the answer deadline", "id")
    if not await Complaint.filter(id=complaint.id, status=complaint.status).update(
            status=ComplaintStatus.ESCALATED, escalated_at=now):
        raise DomainError(ErrorCode.INVALID_TRANSITION, "The complaint changed meanwhile; reload it", "id")
    complaint.update_from_dict({"status": ComplaintStatus.ESCALATED, "escalated_at": now})
    return complaint


async def decide_complaint(
    user: User | None, complaint_id: int, decision: str, refund_amount: int | None, providers: Providers,
    events: EventBus,
) -> Complaint:
    """A city officer decides an escalated complaint, with the reasons recorded, and optionally a refund; final."""
    officer = require_role(user, Role.CITY_OFFICER)
    complaint, order, _ = await _complaint_of(officer, complaint_id)
    if complaint.status != ComplaintStatus.ESCALATED:
        raise DomainError(ErrorCode.INVALID_TRANSITION, f"This complaint is {complaint.status.value}; the city decides "
                          "escalated ones", "id")
    text = _text(decision, "decision", "A decision", MAX_TEXT)
    now = dt.datetime.now(dt.UTC)
    event = None
    async with in_transaction():
        if refund_amount:
            event = await _refund(complaint, order, refund_amount, text, officer, providers)
        if not await Complaint.filter(id=complaint.id, status=ComplaintStatus.ESCALATED).update(
                status=ComplaintStatus.DECIDED, decision=text, decided_by_id=officer.id, decided_at=now):
            raise DomainError(ErrorCode.INVALID_TRANSITION, "The complaint changed meanwhile; reload it", "id")
        await announcements.complaint_answered(order, text)
    if event is not None:
        await events.publish(event)
    complaint.update_from_dict({"status": ComplaintStatus.DECIDED, "decision": text, "decided_at": now})
    return complaint


async def complaints_of_order(user: User | None, order_id: int) -> list[Complaint]:
    """An order's complaints, oldest first: for its buyer, its seller and city officers."""
    person = require_user(user)
    if person.role != Role.CITY_OFFICER:
        await order_of_party(person, order_id)
    return await Complaint.filter(order_id=order_id).order_by("created_at", "id")


async def photos_of(complaint_id: int) -> list[Upload]:
    rows = await ComplaintPhoto.filter(complaint_id=complaint_id).order_by("position").select_related("upload")
    return [row.upload for row in rows]  # type: ignore[attr-defined]


async def line_ids(complaint_id: int) -> list[int]:
    return [row.order_line_id for row in await ComplaintLine.filter(complaint_id=complaint_id)]  # type: ignore[attr-defined]


async def shop_complaint_counts(user: User | None, shop_id: int) -> dict[str, int]:
    """A shop's complaints by status and by resolution: for the city, and the shop's own seller. Counts only, no
    buyer named (each complaint is one order's, so no person's figure)."""
    person = require_user(user)
    if not is_city(person):
        await get_owned_shop(person, shop_id)
    rows = await Complaint.filter(order__shop_id=shop_id).annotate(n=Count("id")) \
        .group_by("status", "resolution").values("status", "resolution", "n")
    counts: dict[str, int] = {"TOTAL": 0}
    for row in rows:
        _add(counts, row)
    return counts


async def city_complaints(user: User | None, status: ComplaintStatus | None, window: Window) -> Page[Complaint]:
    """City officers' queue: complaints across shops (ESCALATED ones wait for their decision), oldest first. Officers
    only: a complaint's text is a buyer's own words."""
    require_role(user, Role.CITY_OFFICER)
    query = Complaint.all() if status is None else Complaint.filter(status=status)
    return await page_of(query, window, ("created_at", "id"))


@dataclass(frozen=True)
class KecamatanComplaints:
    kecamatan: str
    counts: dict[str, int]  # TOTAL, and each status and resolution that occurs


async def city_complaint_counts(user: User | None) -> tuple[dict[str, int], list[KecamatanComplaints]]:
    """Complaints across the city and per kecamatan of the shop, by status and resolution: for city officers and
    analysts. Counts of orders' complaints name nobody, so no k-anonymity threshold applies."""
    if not is_city(require_user(user)):
        raise DomainError(ErrorCode.FORBIDDEN, "Only city officers and analysts see complaints across shops")
    rows = await Complaint.all().annotate(n=Count("id")).group_by("order__shop__kecamatan", "status", "resolution") \
        .values("n", "status", "resolution", kecamatan="order__shop__kecamatan")
    city: dict[str, int] = {}
    by_kecamatan: dict[str, dict[str, int]] = {}
    for row in rows:
        for counts in (city, by_kecamatan.setdefault(row["kecamatan"], {})):
            _add(counts, row)
    return city, [KecamatanComplaints(k, c) for k, c in sorted(by_kecamatan.items())]


def _add(counts: dict[str, int], row: dict[str, object]) -> None:
    n = int(row["n"])  # type: ignore[call-overload]
    counts["TOTAL"] = counts.get("TOTAL", 0) + n
    for key in (row["status"], row["resolution"]):
        if key is not None:
            name = key.value if hasattr(key, "value") else str(key)
            counts[name] = counts.get(name, 0) + n


def _answer(resolution: ComplaintResolution, reason: str | None) -> str:
    """The seller's answer as the buyer reads it: what they will do, and why when they said."""
    done = {ComplaintResolution.REFUND: "dana dikembalikan", ComplaintResolution.REPLACE: "barang diganti",
            ComplaintResolution.REJECT: "ditolak"}[resolution]
    return f"{done} ({reason})" if reason else done
