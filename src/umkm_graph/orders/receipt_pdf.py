"""A receipt as a PDF: in the reader's language (texts in the "documents" catalogue, locales/<language>/), money
written Rp15.700 in every language, times in WIB, and a QR code of the verification URL, which is printed below it
too and kept in the PDF's keywords (so a program can read the token back without decoding an image)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from babel.dates import format_datetime

from umkm_graph.core.wib import WIB
from umkm_graph.documents.figures import count, rupiah
from umkm_graph.documents.pdf import Document
from umkm_graph.orders.receipts import Receipt
from umkm_graph.translations import text

VERIFY_PATH = "/receipts/verify"
_TIME_FORMAT = {"id": "d MMMM y, HH.mm", "en": "d MMMM y, HH:mm"}


def verification_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{VERIFY_PATH}?token={quote(token, safe='')}"


def _when(moment: dt.datetime, language: str) -> str:
    return format_datetime(moment.astimezone(WIB), _TIME_FORMAT.get(language, _TIME_FORMAT["id"]), locale=language) + " WIB"


def payment_label(receipt: Receipt, language: str) -> str:
    def say(key: str) -> str:
        return _text(key, language)

    if receipt.cash_on_delivery:
        return say("receipt.cod")
    if receipt.payment_bank:
        return say("receipt.va").format(bank=receipt.payment_bank.upper())
    if "QRIS" in receipt.payment_method.upper():
        return say("receipt.qris")
    return receipt.payment_method


def _text(key: str, language: str) -> str:
    return text("documents", key, language) or key


def render_receipt(receipt: Receipt, language: str, base_url: str) -> bytes:
    def say(key: str) -> str:
        return _text(key, language)

    url = verification_url(base_url, receipt.token)
    doc = Document(title=f"{say('receipt.title')} {receipt.number}",
                   subject=say("receipt.subject").format(number=receipt.number), keywords=url, language=language)
    doc.heading(f"{say('receipt.title')} {receipt.number}")
    identity = [(say("receipt.shop"), receipt.shop_name),
                (say("receipt.address"), f"{receipt.shop_address}, {receipt.shop_kecamatan}, Kota Malang")]
    identity += [(say("receipt.nib"), receipt.nib)] if receipt.nib else []
    identity += [(say("receipt.npwp"), receipt.npwp)] if receipt.npwp else []
    doc.facts([*identity,
               (say("receipt.number"), receipt.number),
               (say("receipt.buyer"), receipt.buyer_name),
               (say("receipt.ordered_at"), _when(receipt.ordered_at, language)),
               (say("receipt.paid_at"), _when(receipt.paid_at, language)),
               (say("receipt.payment"), payment_label(receipt, language))])
    doc.space()
    doc.table((say("receipt.item"), say("receipt.quantity"), say("receipt.unit_price"), say("receipt.line_total")),
              [(line.name, count(line.quantity), rupiah(line.unit_price), rupiah(line.total)) for line in receipt.lines],
              widths=(4, 1, 1.6, 1.6), right_aligned=(1, 2, 3), size=10)
    totals = [(say("receipt.subtotal"), rupiah(receipt.subtotal))]
    totals += [(say("receipt.delivery_fee"), rupiah(receipt.delivery_fee))] if receipt.delivery_fee else []
    totals += [(say("receipt.city_voucher" if city else "receipt.shop_voucher").format(code=code), rupiah(-amount))
               for code, city, amount in receipt.discounts]
    totals += [(say("receipt.total"), rupiah(receipt.total))]
    totals += [(say("receipt.refunded"), rupiah(-amount)) for amount in receipt.refunds]
    doc.facts(totals, label_width=60)
    if receipt.shared_payment is not None:
        doc.line(say("receipt.shared_payment").format(amount=rupiah(receipt.shared_payment)), size=9)
    doc.space(6)
    doc.qr(url, size=34)
    doc.line(say("receipt.verify"), size=8)
    doc.line(url, size=7)
    doc.space()
    doc.line(say("receipt.footer"), size=8)
    return doc.output()
