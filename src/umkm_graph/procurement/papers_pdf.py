"""The papers of an office purchase as PDFs, in Bahasa Indonesia only (they are the office's records under Indonesian
rules): money written Rp15.700, the kuitansi's amount in words too, times in WIB, and a QR code of the verification URL,
printed below it and kept in the PDF's keywords, as receipts do (orders/receipt_pdf.py)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from babel.dates import format_datetime

from umkm_graph.core.wib import WIB
from umkm_graph.documents.figures import count, rupiah, terbilang
from umkm_graph.documents.pdf import Document
from umkm_graph.procurement.papers import Paper, ProcurementPaper, Signature

VERIFY_PATH = "/procurements/verify"
TITLES = {Paper.PURCHASE_ORDER: "Surat Pesanan", Paper.BAST: "Berita Acara Serah Terima", Paper.KUITANSI: "Kuitansi"}
FILE_NAMES = {Paper.PURCHASE_ORDER: "surat-pesanan", Paper.BAST: "bast", Paper.KUITANSI: "kuitansi"}


def verification_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{VERIFY_PATH}?token={quote(token, safe='')}"


def _when(moment: dt.datetime) -> str:
    return format_datetime(moment.astimezone(WIB), "d MMMM y, HH.mm", locale="id") + " WIB"


def _signed(signature: Signature | None) -> str:
    if signature is None:
        return "belum ditandatangani"
    nip = f" (NIP {signature.nip})" if signature.nip else ""
    return f"{signature.name}{nip}, ditandatangani {_when(signature.at)}"


def render_paper(paper: ProcurementPaper, base_url: str) -> bytes:
    title = f"{TITLES[paper.paper]} {paper.number}"
    url = verification_url(base_url, paper.token)
    doc = Document(title=title, subject=f"{TITLES[paper.paper]} belanja {paper.opd_name}", keywords=url, language="id")
    doc.heading(title)
    doc.facts([("Instansi", paper.opd_name), ("Alamat instansi", paper.opd_address or "-"),
               ("Penyedia (UMKM)", paper.shop_name), ("Alamat penyedia", paper.shop_address),
               *([("NIB", paper.nib)] if paper.nib else []),
               ("Nomor pesanan", paper.order_reference), ("Kode rekening", paper.budget_account),
               ("Keperluan", paper.purpose), ("Tanggal pesanan", _when(paper.ordered_at)),
               ("Pejabat pengadaan", f"{paper.officer_name} (NIP {paper.officer_nip or '-'})")])
    doc.space()
    if paper.paper == Paper.KUITANSI:
        _kuitansi(doc, paper)
    else:
        _goods(doc, paper)
    if paper.paper == Paper.BAST:
        doc.space()
        doc.line("Pada hari ini barang/jasa tersebut di atas telah diserahkan oleh penyedia dan diterima oleh pejabat "
                 "penerima dalam keadaan baik dan lengkap.")
        doc.facts([("Yang menyerahkan", _signed(paper.seller)), ("Yang menerima", _signed(paper.receiver))],
                  label_width=40)
    doc.space(6)
    doc.qr(url, size=34)
    doc.line("Pindai kode QR atau buka alamat ini untuk memeriksa keaslian dokumen:", size=8)
    doc.line(url, size=7)
    return doc.output()


def _goods(doc: Document, paper: ProcurementPaper) -> None:
    doc.table(("Barang/jasa", "Jumlah", "Harga satuan", "Total"),
              [(line.name, count(line.quantity), rupiah(line.unit_price), rupiah(line.total)) for line in paper.lines],
              widths=(4, 1, 1.6, 1.6), right_aligned=(1, 2, 3), size=10)
    totals = [("Subtotal", rupiah(paper.subtotal))]
    totals += [("Ongkos kirim", rupiah(paper.delivery_fee))] if paper.delivery_fee else []
    doc.facts([*totals, ("Total", rupiah(paper.total))], label_width=60)


def _kuitansi(doc: Document, paper: ProcurementPaper) -> None:
    doc.facts([("Telah terima dari", f"Bendahara Pengeluaran {paper.opd_name}"),
               ("Uang sejumlah", rupiah(paper.total)),
               ("Terbilang", terbilang(paper.total).capitalize() + " rupiah"),
               ("Untuk pembayaran", f"{paper.purpose} (pesanan {paper.order_reference})"),
               ("Tanggal kuitansi", _when(paper.kuitansi_at) if paper.kuitansi_at else "-"),
               ("Penerima", paper.shop_name)])
