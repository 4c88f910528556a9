"""The city's monthly report as a PDF in Bahasa Indonesia (`umkm-graph report --format pdf`): the figures of the
report's tables with the dashboard's charts (ASN meeting the target in each of the last six months, median spend per
OPD against the target, GMV per UMKM, median sembako prices against their ceilings), drawn as bars. Withheld figures (k-anonymity) are written "-" and draw no bar."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from umkm_graph.documents.figures import WITHHELD, count, percent, rupiah
from umkm_graph.documents.pdf import Bar, Document

if TYPE_CHECKING:  # city/report.py imports this module to render its PDF form
    from umkm_graph.city.report import MonthlyReport

ALL_ASN = "(all ASN)"  # the report's name for the city's row
WHOLE_CITY = "(Kota Malang)"


def _rating(value: float | None) -> str:
    return WITHHELD if value is None else count(round(value, 2))


def _opd(name: str) -> str:
    return "Semua ASN" if name == ALL_ASN else name


def to_pdf(report: MonthlyReport, months: list[dict[str, Any]]) -> bytes:
    """The report, with `months` (report.participation_by_month) charted before the month's OPDs."""
    doc = Document(title=f"Laporan bulanan UMKM Kota Malang {report.month}",
                   subject="Partisipasi ASN, UMKM teratas dan harga sembako", language="id")
    doc.heading(f"Laporan Bulanan UMKM Kota Malang, {report.month}")
    doc.line(f"Angka tentang kurang dari {report.min_group_size} orang disembunyikan (ditulis {WITHHELD}). "
             f"Target belanja bulanan per ASN: {rupiah(report.target) if report.target is not None else 'belum ditetapkan'}.")
    doc.space()
    _months(doc, months)
    _participation(doc, report)
    _top_umkm(doc, report)
    _prices(doc, report)
    return doc.output()


def _months(doc: Document, months: list[dict[str, Any]]) -> None:
    doc.heading("Partisipasi ASN per bulan", size=13)
    doc.bars("ASN yang mencapai target per bulan (garis putus-putus: 100%)",
             [Bar(row["month"], None if row["compliance_share"] is None else row["compliance_share"] * 100, 100,
                  percent(row["compliance_share"])) for row in months])
    doc.table(("Bulan", "ASN terdaftar", "ASN membeli", "Total belanja", "Mencapai target", "Target"),
              [(row["month"], count(row["registered_asn"]), count(row["buying_asn"]), rupiah(row["total_spend"]),
                percent(row["compliance_share"]), rupiah(row["target"]) if row["target"] is not None else "belum ditetapkan")
               for row in months],
              widths=(1.5, 1.5, 1.5, 2, 1.7, 2), right_aligned=(1, 2, 3, 4, 5))


def _participation(doc: Document, report: MonthlyReport) -> None:
    doc.heading("Partisipasi ASN per OPD", size=13)
    doc.bars("Median belanja per OPD terhadap target (garis putus-putus: target)",
             [Bar(_opd(row["opd"]), row["median_spend"], report.target, rupiah(row["median_spend"]))
              for row in report.participation])
    doc.table(("OPD", "ASN terdaftar", "ASN membeli", "Membeli", "Total belanja", "Median belanja", "Mencapai target",
               "Mencapai target (%)"),
              [(_opd(row["opd"]), count(row["registered_asn"]), count(row["buying_asn"]), percent(row["buying_share"]),
                rupiah(row["total_spend"]), rupiah(row["median_spend"]), count(row["compliant_asn"]),
                percent(row["compliance_share"])) for row in report.participation],
              widths=(3, 1.4, 1.4, 1.3, 1.9, 1.9, 1.4, 1.5), right_aligned=range(1, 8))


def _top_umkm(doc: Document, report: MonthlyReport) -> None:
    doc.heading("UMKM teratas menurut GMV", size=13)
    if not report.top_umkm:
        doc.line("Belum ada penjualan bulan ini.")
        doc.space()
        return
    doc.bars("GMV per UMKM", [Bar(row["shop"], row["gmv"], None, rupiah(row["gmv"])) for row in report.top_umkm])
    doc.table(("#", "Toko", "Kecamatan", "GMV", "Pesanan", "Selesai", "Pembeli", "Terpenuhi", "Rating"),
              [(str(row["rank"]), row["shop"], row["kecamatan"], rupiah(row["gmv"]), count(row["orders"]),
                count(row["completed_orders"]), count(row["buyers"]), percent(row["fulfilment_rate"]),
                _rating(row["average_rating"])) for row in report.top_umkm],
              widths=(0.5, 3, 1.8, 1.8, 1.1, 1.1, 1.1, 1.3, 1), right_aligned=(0, 3, 4, 5, 6, 7, 8))


def _prices(doc: Document, report: MonthlyReport) -> None:
    doc.heading("Harga sembako terhadap HET, akhir bulan", size=13)
    if not report.sembako_prices:
        doc.line("Belum ada harga sembako tercatat.")
        return
    city = [row for row in report.sembako_prices if row["kecamatan"] == WHOLE_CITY]
    doc.bars("Median harga per kg atau liter terhadap HET (garis putus-putus: HET)",
             [Bar(f"{row['commodity']} /{row['per']}", row["median_price"], row["ceiling"], rupiah(row["median_price"]))
              for row in city])
    doc.table(("Komoditas", "Kecamatan", "Produk", "Terendah", "Median", "Tertinggi", "HET"),
              [(f"{row['commodity']} /{row['per']}", row["kecamatan"], count(row["listings"]), rupiah(row["min_price"]),
                rupiah(row["median_price"]), rupiah(row["max_price"]),
                rupiah(row["ceiling"]) if row["ceiling"] is not None else "belum ditetapkan")
               for row in report.sembako_prices],
              widths=(2.4, 2, 1, 1.5, 1.5, 1.5, 1.7), right_aligned=(2, 3, 4, 5, 6))
