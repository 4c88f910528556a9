"""PDFs read back with pypdf: their text, page by page, and their metadata; and figures written the Indonesian way."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-"), pdf[:20]
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def pdf_lines(pdf: bytes) -> list[str]:
    return [line.strip() for line in pdf_text(pdf).splitlines()]


def pdf_metadata(pdf: bytes) -> dict[str, str]:
    return {key: str(value) for key, value in (PdfReader(io.BytesIO(pdf)).metadata or {}).items()}


def rp(amount: int | None) -> str:
    """Rp15.700, or "-" for a withheld figure."""
    return "-" if amount is None else "Rp" + f"{amount:,}".replace(",", ".")


def share(value: float | None) -> str:
    """0.3333 as 33,3%, 1.0 as 100%."""
    if value is None:
        return "-"
    return f"{value * 100:.1f}".removesuffix(".0").replace(".", ",") + "%"
