"""An office's purchases: the procurement officer turns an order of theirs into the office's procurement (a budget
account and a purpose: the purchase order is issued), the seller and a receiving officer of the OPD sign the BAST once
the goods are delivered, and the kuitansi is issued once the BAST is signed and the order paid. Every step writes its
audit entry in its own transaction.

Who may see a procurement: its officer and the OPD's other procurement officers, the receiving officer the buyer named
(another ASN of the OPD: the one who signs the BAST for the office), its shop's seller, and city officers. Anyone else
is told it does not exist.
"""

from __future__ import annotations

import datetime as dt

from tortoise.expressions import Q

from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.text import ascii_digits
from umkm_graph.core.paging import Page, Window, page_of
from umkm_graph.orders.models import Order, OrderStatus
from umkm_graph.payments.models import Payment
from umkm_graph.people.access import require_user
from umkm_graph.people.models import Role, User
from umkm_graph.people.nip import parse_nip
from umkm_graph.procurement import audit
from umkm_graph.procurement.accounts import parse_budget_account
from umkm_graph.procurement.audit import Action
from umkm_graph.procurement.models import AuditEntry, Procurement, ProcurementOfficer, ProcurementStatus
from umkm_graph.procurement.officers import is_procurement_officer_of, require_procurement_officer

PURPOSE_LENGTH = (5, 300)
_DELIVERED = (OrderStatus.DELIVERED, OrderStatus.COMPLETED)
_NOT_FOUND = "No procurement you may see has this id"


async def _receiver(nip: str, opd_id: int, buyer: User) -> User:
    try:
        parse_nip(nip)
    except ValueError as error:
        raise DomainError(ErrorCode.INVALID, str(error), "input.receiverNip") from None
    receiver = await User.get_or_none(nip=ascii_digits(nip), opd_unit_id=opd_id)
    if receiver is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No ASN of the office has this NIP", "input.receiverNip")
    if receiver.id == buyer.id:
        raise DomainError(ErrorCode.INVALID, "The goods are received by another officer than the one who buys them",
                          "input.receiverNip")
    return receiver


async def create_procurement(user: User | None, order_id: int, budget_account: str, purpose: str,
                             receiver_nip: str) -> Procurement:
    appointment = await require_procurement_officer(user)
    officer = require_user(user)
    check = Validator(["input"])
    try:
        account = parse_budget_account(budget_account, "input.budgetAccount")
    except DomainError as error:
        check.errors.append(error)
    purpose = " ".join(purpose.split())
    low, high = PURPOSE_LENGTH
    check.check(low <= len(purpose) <= high, "purpose",
                f"Say what the office buys this for (keperluan), {low} to {high} characters")
    check.raise_if_any()
    receiver = await _receiver(receiver_nip, appointment.opd_id, officer)  # type: ignore[attr-defined]
    order = await Order.get_or_none(id=order_id, buyer_id=officer.id)
    if order is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No order of yours has this id", "input.orderId")
    if order.status == OrderStatus.CANCELLED:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "A cancelled order cannot be bought for the office",
                          "input.orderId")
    now = dt.datetime.now(dt.UTC)

    async def step() -> Procurement:
        # Inside the step: a racing second request fails on the unique order, and its retry finds the first one here.
        if await Procurement.exists(order_id=order.id):
            raise DomainError(ErrorCode.ALREADY_EXISTS, "This order is already one of the office's procurements",
                              "input.orderId")
        procurement = await Procurement.create(
            number=f"PBJ-{order.reference}", order_id=order.id, opd_id=appointment.opd_id,  # type: ignore[attr-defined]
            officer_id=officer.id, receiver_id=receiver.id, budget_account=account, purpose=purpose, created_at=now)
        await audit.append(procurement.id, officer, Action.PURCHASE_ORDER_ISSUED, {
            "order": order.reference, "opd": appointment.opd.code, "budgetAccount": account, "purpose": purpose,
            "receiverNip": receiver.nip, "total": order.total, "shopId": order.shop_id}, now)  # type: ignore[attr-defined]
        return procurement

    return await audit.in_step(step)


async def _sight(user: User | None, procurement: Procurement) -> str | None:
    """How the user stands to the procurement: 'seller', 'receiver', 'office' (its buyer or another procurement
    officer of its OPD), 'city', or None."""
    if user is None:
        return None
    if procurement.order.shop.owner_id == user.id:  # type: ignore[attr-defined]
        return "seller"
    if user.id == procurement.receiver_id:  # type: ignore[attr-defined]
        return "receiver"
    if user.id == procurement.officer_id or await is_procurement_officer_of(user, procurement.opd_id):  # type: ignore[attr-defined]
        return "office"
    return "city" if user.has_role(Role.CITY_OFFICER) else None


async def _seen(user: User | None, procurement_id: int) -> tuple[Procurement, str]:
    procurement = await Procurement.get_or_none(id=procurement_id).select_related(
        "order__shop", "opd", "officer", "seller_signed_by", "receiver")
    sight = await _sight(user, procurement) if procurement is not None else None
    if procurement is None or sight is None:
        raise DomainError(ErrorCode.NOT_FOUND, _NOT_FOUND, "id")
    return procurement, sight


async def procurement_of(user: User | None, procurement_id: int) -> Procurement:
    require_user(user)
    return (await _seen(user, procurement_id))[0]


async def sign_handover(user: User | None, procurement_id: int) -> Procurement:
    """The BAST signed, as a recorded action, by the shop's seller or by the receiving officer, once the order is
    delivered; each side signs once. Both signed: the goods are handed over."""
    signer = require_user(user)
    procurement, sight = await _seen(signer, procurement_id)
    if sight not in ("seller", "receiver"):
        raise DomainError(ErrorCode.FORBIDDEN, "The BAST is signed by the shop's seller and the receiving officer")
    if procurement.order.status not in _DELIVERED:
        raise DomainError(ErrorCode.NOT_AVAILABLE, "The BAST is signed once the order is delivered; it is "
                          f"{procurement.order.status.value}", "id")
    side = sight
    now = dt.datetime.now(dt.UTC)

    async def step() -> bool:
        signed = await Procurement.filter(id=procurement.id, **{f"{side}_signed_at__isnull": True}).update(
            **{f"{side}_signed_at": now,
                                   **({"seller_signed_by_id": signer.id} if side == "seller" else {})})
        if not signed:
            return False
        action = Action.BAST_SIGNED_BY_SELLER if side == "seller" else Action.BAST_SIGNED_BY_RECEIVER
        await audit.append(procurement.id, signer, action, {"order": procurement.order.reference,
                                                           "nip": signer.nip if side == "receiver" else None}, now)
        await Procurement.filter(id=procurement.id, status=ProcurementStatus.ORDERED, seller_signed_at__not_isnull=True,
                                 receiver_signed_at__not_isnull=True).update(
            status=ProcurementStatus.HANDED_OVER, handed_over_at=now)
        return True

    if not await audit.in_step(step):
        raise DomainError(ErrorCode.INVALID_TRANSITION, f"The BAST is signed by the {side} already", "id")
    return await procurement_of(signer, procurement.id)


async def paid_orders(procurements: list[Procurement]) -> set[int]:
    """Which of the procurements' orders are paid, in one query (a page's kuitansi links)."""
    order_ids = [p.order_id for p in procurements]  # type: ignore[attr-defined]
    paid = Payment.filter(order_id__in=order_ids, paid_at__not_isnull=True)
    return set(await paid.values_list("order_id", flat=True))  # type: ignore[arg-type]


async def issue_kuitansi(user: User | None, procurement_id: int) -> Procurement:
    """The kuitansi, for a procurement handed over and paid: its first issue is its date, and an audit entry."""
    reader = require_user(user)
    procurement, _ = await _seen(reader, procurement_id)
    if procurement.status != ProcurementStatus.HANDED_OVER or not await paid_orders([procurement]):
        raise DomainError(ErrorCode.NOT_AVAILABLE, "The kuitansi comes once the BAST is signed by both sides and the "
                          "order is paid", "id")
    if procurement.kuitansi_issued_at is not None:
        return procurement
    now = dt.datetime.now(dt.UTC)

    async def step() -> None:
        if await Procurement.filter(id=procurement.id, kuitansi_issued_at__isnull=True).update(kuitansi_issued_at=now):
            await audit.append(procurement.id, reader, Action.KUITANSI_ISSUED,
                               {"order": procurement.order.reference, "total": procurement.order.total}, now)

    await audit.in_step(step)
    return (await _seen(reader, procurement_id))[0]


async def procurements(user: User | None, window: Window) -> Page[Procurement]:
    """The procurements the user may see, newest first: an officer's OPD's, a seller's shops', or every one for the city."""
    person = require_user(user)
    query = Procurement.all()
    if not person.has_role(Role.CITY_OFFICER):
        offices = await ProcurementOfficer.filter(user_id=person.id, active=True).values_list("opd_id", flat=True)
        mine = Q(order__shop__owner_id=person.id) | Q(receiver_id=person.id) | Q(officer_id=person.id)
        query = query.filter(Q(opd_id__in=list(offices)) | mine if offices else mine)
    return await page_of(query.select_related("order__shop", "opd", "officer", "seller_signed_by", "receiver"),
                         window, ("-created_at", "-id"))


async def audit_trail(user: User | None, procurement_id: int) -> list[AuditEntry]:
    """The procurement's steps as the audit trail records them, oldest first."""
    procurement = await procurement_of(user, procurement_id)
    return await AuditEntry.filter(procurement_id=procurement.id).order_by("id")
