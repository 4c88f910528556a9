"""An office's purchases: the procurement officer turns an order of theirs into the office's procurement (a budget
account and a purpose: the purchase order is issued), the seller and a receiving officer of the OPD sign the BAST once
the goods are delivered, and the kuitansi is issued once the BAST is signed and the order paid. Every step writes its
audit entry in its own transaction.

Who may see a procurement: its officer and the OPD's other procurement officers, the ASN who signed it for the office,
its shop's seller, and city officers. Anyone else is told it does not exist.
"""

from __future__ import annotations

import datetime as dt

from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.paging import Page, Window, page_of
from umkm_graph.orders.models import Order, OrderStatus
from umkm_graph.payments.models import Payment
from umkm_graph.people.access import require_user
from umkm_graph.people.models import Role, User
from umkm_graph.procurement import audit
from umkm_graph.procurement.accounts import parse_budget_account
from umkm_graph.procurement.audit import Action
from umkm_graph.procurement.models import AuditEntry, Procurement, ProcurementOfficer, ProcurementStatus
from umkm_graph.procurement.officers import is_procurement_officer_of, require_procurement_officer

PURPOSE_LENGTH = (5, 300)
_DELIVERED = (OrderStatus.DELIVERED, OrderStatus.COMPLETED)
_NOT_FOUND = "No procurement you may see has this id"


async def create_procurement(user: User | None, order_id: int, budget_account: str, purpose: str) -> Procurement:
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
    order = await Order.get_or_none(id=order_id, buyer_id=officer.id)
    if order is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No order of yours has this id", "input.orderId")
    if order.status == OrderStatus.CANCELLED:
        raise DomainError(ErrorCode.INVALID_TRANSITION, "A cancelled order cannot be bought for the office",
                          "input.orderId")
    if await Procurement.exists(order_id=order.id):
        raise DomainError(ErrorCode.ALREADY_EXISTS, "This order is already one of the office's procurements",
                          "input.orderId")
    now = dt.datetime.now(dt.UTC)

    async def step() -> Procurement:
        procurement = await Procurement.create(
            number=f"PBJ-{order.reference}", order_id=order.id, opd_id=appointment.opd_id,  # type: ignore[attr-defined]
            officer_id=officer.id, budget_account=account, purpose=purpose, created_at=now)
        await audit.append(procurement.id, officer, Action.PURCHASE_ORDER_ISSUED, {
            "order": order.reference, "opd": appointment.opd.code, "budgetAccount": account, "purpose": purpose,
            "total": order.total, "shopId": order.shop_id}, now)  # type: ignore[attr-defined]
        return procurement

    return await audit.in_step(step)


def _sight(user: User | None, procurement: Procurement) -> str | None:
    """How the user stands to the procurement: 'seller', 'office' (an ASN of its OPD), 'city', or None."""
    if user is None:
        return None
    order = procurement.order
    if order.shop.owner_id == user.id:  # type: ignore[attr-defined]
        return "seller"
    if user.opd_unit_id == procurement.opd_id and user.is_asn:  # type: ignore[attr-defined]
        return "office"
    if user.has_role(Role.CITY_OFFICER):
        return "city"
    return None


async def _seen(user: User | None, procurement_id: int) -> tuple[Procurement, str]:
    procurement = await Procurement.get_or_none(id=procurement_id).select_related(
        "order__shop", "opd", "officer", "seller_signed_by", "receiver_signed_by")
    sight = _sight(user, procurement) if procurement is not None else None
    if procurement is None or sight is None or not await _may_read(user, procurement, sight):  # type: ignore[arg-type]
        raise DomainError(ErrorCode.NOT_FOUND, _NOT_FOUND, "id")
    return procurement, sight


async def _may_read(user: User, procurement: Procurement, sight: str) -> bool:
    """Any of the office's ASN may sign the BAST; reading the office's purchases is for its procurement officers and
    the one who signed."""
    if sight != "office":
        return True
    return (user.id in (procurement.officer_id, procurement.receiver_signed_by_id)  # type: ignore[attr-defined]
            or await is_procurement_officer_of(user, procurement.opd_id))  # type: ignore[attr-defined]


async def procurement_of(user: User | None, procurement_id: int) -> Procurement:
    require_user(user)
    return (await _seen(user, procurement_id))[0]


async def sign_handover(user: User | None, procurement_id: int) -> Procurement:
    """The BAST signed, as a recorded action, by the shop's seller or by an ASN of the buying OPD (the receiving
    officer), once the order is delivered; each side signs once. Both signed: the goods are handed over."""
    signer = require_user(user)
    procurement = await Procurement.get_or_none(id=procurement_id).select_related("order__shop", "opd")
    sight = _sight(signer, procurement) if procurement is not None else None
    if procurement is None or sight not in ("seller", "office"):
        raise DomainError(ErrorCode.NOT_FOUND, _NOT_FOUND, "id")
    if procurement.order.status not in _DELIVERED:
        raise DomainError(ErrorCode.NOT_AVAILABLE, "The BAST is signed once the order is delivered; it is "
                          f"{procurement.order.status.value}", "id")
    side = "seller" if sight == "seller" else "receiver"
    now = dt.datetime.now(dt.UTC)

    async def step() -> bool:
        signed = await Procurement.filter(id=procurement.id, **{f"{side}_signed_at__isnull": True}).update(
            **{f"{side}_signed_at": now, f"{side}_signed_by_id": signer.id})
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
        query = query.filter(opd_id__in=list(offices)) if offices else query.filter(order__shop__owner_id=person.id)
    return await page_of(query.select_related("order__shop", "opd", "officer", "seller_signed_by",
                                              "receiver_signed_by"), window, ("-created_at", "-id"))


async def audit_trail(user: User | None, procurement_id: int) -> list[AuditEntry]:
    """The procurement's steps as the audit trail records them, oldest first."""
    procurement = await procurement_of(user, procurement_id)
    return await AuditEntry.filter(procurement_id=procurement.id).order_by("id")
