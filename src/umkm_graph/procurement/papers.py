"""The three papers of an office purchase, as data: the purchase order (surat pesanan), the BAST (berita acara serah
terima) and the kuitansi; each with its verification token.

A token is `p1.<O|B|K>.<procurement number>.<total>.<HMAC-SHA256 of the rest, base64url>`, signed under the receipts'
key (orders/receipts.py) but in its own form, so a receipt's token is never a procurement paper's. A token is genuine
while the procurement it names has that total and has reached that paper: a BAST only once both sides signed, a
kuitansi only once issued.
"""

from __future__ import annotations

import datetime as dt
import enum
import hmac
import re
from dataclasses import dataclass

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.orders.models import OrderLine
from umkm_graph.orders.receipts import ReceiptLine, signature, signing_key
from umkm_graph.people.models import User
from umkm_graph.procurement import service
from umkm_graph.procurement.models import Procurement, ProcurementStatus
from umkm_graph.settings import Settings

TOKEN_VERSION = "p1"
MAX_TOKEN = 200  # a genuine token is about 90 characters
_TOKEN = re.compile(r"p1\.([OBK])\.(PBJ-UMKM-[0-9A-Z]{1,15})\.([0-9]{1,15})\.([A-Za-z0-9_-]{43})")


class Paper(enum.Enum):
    PURCHASE_ORDER = "O"
    BAST = "B"
    KUITANSI = "K"


@dataclass(frozen=True)
class Signature:
    name: str
    nip: str | None
    at: dt.datetime


@dataclass(frozen=True)
class ProcurementPaper:
    paper: Paper
    number: str
    order_reference: str
    opd_name: str
    opd_address: str
    officer_name: str
    officer_nip: str | None
    shop_name: str
    shop_address: str
    nib: str | None
    budget_account: str
    purpose: str
    lines: tuple[ReceiptLine, ...]
    subtotal: int
    delivery_fee: int
    total: int
    ordered_at: dt.datetime
    seller: Signature | None
    receiver: Signature | None
    kuitansi_at: dt.datetime | None
    token: str


def sign(paper: Paper, number: str, total: int, key: bytes) -> str:
    signed = f"{TOKEN_VERSION}.{paper.value}.{number}.{total}"
    return f"{signed}.{signature(signed, key)}"


def _signature_of(user: User | None, at: dt.datetime | None, with_nip: bool) -> Signature | None:
    if user is None or at is None:
        return None
    return Signature(user.name, user.nip if with_nip else None, at)


async def paper_of(user: User | None, procurement_id: int, paper: Paper, settings: Settings) -> ProcurementPaper:
    """A paper of a procurement the user may see; NOT_AVAILABLE for a BAST before both signed and a kuitansi before
    it can be issued (asking for it issues it)."""
    if paper == Paper.KUITANSI:
        procurement = await service.issue_kuitansi(user, procurement_id)
    else:
        procurement = await service.procurement_of(user, procurement_id)
    if paper == Paper.BAST and procurement.status != ProcurementStatus.HANDED_OVER:
        raise DomainError(ErrorCode.NOT_AVAILABLE, "The BAST is ready once the seller and a receiving officer signed it",
                          "id")
    order, shop, opd = procurement.order, procurement.order.shop, procurement.opd
    lines = await OrderLine.filter(order_id=order.id).order_by("id")
    return ProcurementPaper(
        paper=paper, number=procurement.number, order_reference=order.reference, opd_name=opd.name,
        opd_address=opd.address, officer_name=procurement.officer.name, officer_nip=procurement.officer.nip,
        shop_name=shop.name, shop_address=f"{shop.address}, {shop.kecamatan}, Kota Malang", nib=shop.nib or None,
        budget_account=procurement.budget_account, purpose=procurement.purpose,
        lines=tuple(ReceiptLine(line.product_name, line.quantity, line.unit_price, line.line_total) for line in lines),
        subtotal=order.subtotal, delivery_fee=order.delivery_fee, total=order.total, ordered_at=procurement.created_at,
        seller=_signature_of(procurement.seller_signed_by, procurement.seller_signed_at, with_nip=False),
        receiver=_signature_of(procurement.receiver, procurement.receiver_signed_at, with_nip=True),
        kuitansi_at=procurement.kuitansi_issued_at,
        token=sign(paper, procurement.number, order.total, signing_key(settings)),
    )


@dataclass(frozen=True)
class PaperCheck:
    """Whether a token is a genuine paper's, and if so what it says (nothing about the people who signed)."""

    genuine: bool
    paper: Paper | None = None
    number: str | None = None
    opd_name: str | None = None
    shop_name: str | None = None
    total: int | None = None
    handed_over_at: dt.datetime | None = None


async def verify(token: str, settings: Settings) -> PaperCheck:
    found = _TOKEN.fullmatch(token.strip())
    if found is None:
        return PaperCheck(genuine=False)
    kind, number, total, sent = found.groups()
    expected = signature(token.strip().rsplit(".", 1)[0], signing_key(settings))
    if not hmac.compare_digest(sent.encode(), expected.encode()):
        return PaperCheck(genuine=False)
    procurement = await Procurement.get_or_none(number=number).select_related("order__shop", "opd")
    paper = Paper(kind)
    if (procurement is None or procurement.order.total != int(total)
            or (paper == Paper.BAST and procurement.status != ProcurementStatus.HANDED_OVER)
            or (paper == Paper.KUITANSI and procurement.kuitansi_issued_at is None)):
        return PaperCheck(genuine=False)
    return PaperCheck(genuine=True, paper=paper, number=procurement.number, opd_name=procurement.opd.name,
                      shop_name=procurement.order.shop.name, total=procurement.order.total,
                      handed_over_at=procurement.handed_over_at)
