"""Figures as Indonesian readers write them, in every language of the app: Rp15.700, 1.234, 33,3%."""

from __future__ import annotations

from babel.numbers import format_decimal

WITHHELD = "-"  # a figure withheld (k-anonymity) or not set


def rupiah(amount: int | None) -> str:
    """Rp15.700: Indonesian digit grouping, no space and no decimals."""
    if amount is None:
        return WITHHELD
    sign = "-" if amount < 0 else ""
    return sign + "Rp" + format_decimal(abs(amount), format="#,##0", locale="id_ID")


def count(value: int | float | None) -> str:
    return WITHHELD if value is None else format_decimal(value, format="#,##0.##", locale="id_ID")


def percent(share: float | None) -> str:
    """A share (0.333) as 33,3%."""
    return WITHHELD if share is None else format_decimal(share * 100, format="#,##0.#", locale="id_ID") + "%"


_UNITS = ("", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas")
_SCALES = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"))


def terbilang(amount: int) -> str:
    """A whole number in Indonesian words, as a kuitansi writes its amount: 1.250.500 is "satu juta dua ratus lima
    puluh ribu lima ratus"."""
    if amount < 0:
        return "minus " + terbilang(-amount)
    if amount == 0:
        return "nol"
    return _words(amount).strip()


def _words(n: int) -> str:
    for scale, name in _SCALES:
        if n >= scale:
            return f"{_words(n // scale)} {name} {_words(n % scale) if n % scale else ''}".strip()
    if n >= 1000:
        head = "seribu" if n < 2000 else f"{_words(n // 1000)} ribu"
        return f"{head} {_words(n % 1000) if n % 1000 else ''}".strip()
    if n >= 100:
        head = "seratus" if n < 200 else f"{_UNITS[n // 100]} ratus"
        return f"{head} {_words(n % 100) if n % 100 else ''}".strip()
    if n >= 20:
        return f"{_UNITS[n // 10]} puluh {_UNITS[n % 10]}".strip()
    if n >= 12:
        return f"{_UNITS[n - 10]} belas"
    return _UNITS[n]
