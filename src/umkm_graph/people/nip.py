"""NIP, the 18-digit identity number of an ASN: birth date, first appointment, gender digit, sequence."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from umkm_graph.core.text import ascii_digits


@dataclass(frozen=True)
class Nip:
    birth_date: dt.date
    appointed: tuple[int, int]  # (year, month) of first appointment
    gender: str  # "MALE" or "FEMALE"
    sequence: int


def parse_nip(raw: str) -> Nip:
    """Parse a NIP, ignoring spaces, in any decimal digits (fullwidth, Arabic-Indic: see core.text.ascii_digits);
    raise ValueError with the reason when it is not a valid one."""
    digits = ascii_digits(raw)
    if not re.fullmatch(r"[0-9]{18}", digits):  # not str.isdigit(), which is true for '²' and for Arabic-Indic digits
        raise ValueError("NIP must be 18 digits")
    try:
        birth = dt.date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise ValueError("NIP birth date (digits 1-8) is not a real date") from None
    year, month = int(digits[8:12]), int(digits[12:14])
    if not 1 <= month <= 12 or year < 1900:
        raise ValueError("NIP appointment month (digits 9-14) is not a real month")
    if (year, month) <= (birth.year, birth.month):
        raise ValueError("NIP appointment (digits 9-14) must come after the birth date")
    today = dt.date.today()
    if (year, month) > (today.year, today.month):
        raise ValueError("NIP appointment (digits 9-14) is in the future")
    gender_digit = digits[14]
    if gender_digit not in "12":
        raise ValueError("NIP gender digit (digit 15) must be 1 (male) or 2 (female)")
    sequence = int(digits[15:18])
    if sequence == 0:
        raise ValueError("NIP sequence (digits 16-18) must not be 000")
    return Nip(birth, (year, month), "MALE" if gender_digit == "1" else "FEMALE", sequence)
