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
