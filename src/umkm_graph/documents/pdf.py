"""The PDF writer: an A4 document of headings, lines of text, label-value facts, tables, horizontal bar charts (as the
dashboard draws them: one bar per item, a dashed mark for its limit) and QR codes, on fpdf2 with its core fonts.

    doc = Document(title="Kuitansi UMKM-...", subject="...", keywords="...", language="id")
    doc.heading("Kuitansi"); doc.facts([("Toko", "Toko Sembako Bu Sri")]); doc.table(header, rows, widths)
    doc.bars("GMV per UMKM", [Bar("Toko X", 321_000, None, "Rp321.000")]); doc.qr("https://...", size=32)
    pdf_bytes = doc.output()
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

FONT = "Helvetica"  # a core font: nothing to ship, Latin-1 text (latin1() keeps every text within it)
LINE = 5.5  # mm per line of body text
_ASCII_FOR = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
              "\u2026": "...", "\u2022": "*", "\u2212": "-"}


def latin1(text: str) -> str:
    """The text as the core fonts can write it: typographic marks as ASCII, anything else outside Latin-1 as '?'."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(_ASCII_FOR.get(char, char) for char in text)
    return text.encode("latin-1", "replace").decode("latin-1")


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value (None: withheld, no bar), a limit to mark (a target, a ceiling) and the value as
    written beside the bar."""

    label: str
    value: float | None
    limit: float | None
    shown: str


class Document:
    def __init__(self, title: str, subject: str = "", keywords: str = "", language: str = "id") -> None:
        self.pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        self.pdf.set_title(latin1(title))
        self.pdf.set_subject(latin1(subject))
        self.pdf.set_keywords(latin1(keywords))
        self.pdf.set_creator("umkm-graph")
        self.pdf.set_lang(language)
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.set_margins(15, 15, 15)
        self.pdf.add_page()
        self.pdf.set_font(FONT, size=10)

    @property
    def width(self) -> float:
        """The width between the margins, in mm."""
        return self.pdf.epw

    def heading(self, text: str, size: int = 16) -> None:
        self.pdf.set_font(FONT, "B", size)
        self.pdf.multi_cell(0, size * 0.5, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(1.5)
        self.pdf.set_font(FONT, size=10)

    def line(self, text: str, bold: bool = False, size: int = 10) -> None:
        self.pdf.set_font(FONT, "B" if bold else "", size)
        self.pdf.multi_cell(0, LINE, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.set_font(FONT, size=10)

    def space(self, mm: float = 4) -> None:
        self.pdf.ln(mm)

    def facts(self, rows: Sequence[tuple[str, str]], label_width: float = 45) -> None:
        """Label-value lines: "Toko  Toko Sembako Bu Sri"."""
        for label, value in rows:
            self.pdf.set_font(FONT, "B", 10)
            self.pdf.cell(label_width, LINE, latin1(label))
            self.pdf.set_font(FONT, "", 10)
            self.pdf.multi_cell(0, LINE, latin1(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
              right_aligned: Sequence[int] = (), size: int = 9) -> None:
        """A table with a bold header row; widths are relative; the columns in right_aligned (by index) are figures."""
        self.pdf.set_font(FONT, size=size)
        aligns = tuple("RIGHT" if i in right_aligned else "LEFT" for i in range(len(header)))
        heading = FontFace(emphasis="BOLD", fill_color=(225, 233, 242))
        with self.pdf.table(col_widths=tuple(widths), text_align=aligns, line_height=size * 0.55,
                            first_row_as_headings=True, headings_style=heading, borders_layout="HORIZONTAL_LINES") as table:
            for cells in (header, *rows):
                row = table.row()
                for value in cells:
                    row.cell(latin1(value))
        self.pdf.set_font(FONT, size=10)
        self.pdf.ln(2)

    def bars(self, title: str, bars: Sequence[Bar], label_width: float = 55, value_width: float = 32) -> None:
        """A horizontal bar chart: the label, a bar scaled to the largest value or limit, a dashed mark at its limit,
        the value as written. A withheld value draws no bar."""
        pdf = self.pdf
        self.line(title, bold=True)
        row, bar_space = 6.0, self.width - label_width - value_width
        top = max([1.0, *(b.value or 0 for b in bars), *(b.limit or 0 for b in bars)])
        if pdf.will_page_break(row * max(1, len(bars))):
            pdf.add_page()
        pdf.set_font(FONT, size=8)
        for bar in bars:
            x, y = pdf.l_margin, pdf.get_y()
            pdf.set_xy(x, y)
            pdf.cell(label_width - 2, row, latin1(bar.label), align="R")
            length = 0.0 if bar.value is None else max(0.0, bar.value / top * bar_space)
            if length:
                pdf.set_fill_color(47, 111, 163)
                pdf.rect(x + label_width, y + 1, length, row - 2, style="F")
            if bar.limit is not None:
                at = x + label_width + bar.limit / top * bar_space
                pdf.set_draw_color(200, 60, 40)
                pdf.set_dash_pattern(dash=0.8, gap=0.6)
                pdf.line(at, y + 0.3, at, y + row - 0.3)
                pdf.set_dash_pattern()
                pdf.set_draw_color(0, 0, 0)
            pdf.set_xy(x + label_width + length + 1.5, y)
            pdf.cell(value_width, row, latin1(bar.shown))
            pdf.set_xy(x, y + row)
        pdf.set_fill_color(255, 255, 255)  # tables fill their cells with the current colour
        pdf.set_font(FONT, size=10)
        pdf.ln(3)

    def qr(self, data: str, size: float = 32) -> None:
        """A QR code of data, size mm wide, at the left margin; the text goes on below it."""
        png = io.BytesIO()
        segno.make(data, error="m").save(png, kind="png", scale=6, border=2)
        png.seek(0)
        if self.pdf.will_page_break(size):
            self.pdf.add_page()
        self.pdf.image(png, x=self.pdf.l_margin, y=self.pdf.get_y(), w=size, h=size)
        self.pdf.set_y(self.pdf.get_y() + size + 1)

    def output(self) -> bytes:
        return bytes(self.pdf.output())
