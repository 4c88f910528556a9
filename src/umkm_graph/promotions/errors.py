"""The ways a voucher code can be refused, each a DomainError with its own code, naming the code's input field.

    VOUCHER_UNKNOWN            no promotion has this code
    VOUCHER_NOT_STARTED        its start is still ahead
    VOUCHER_EXPIRED            its end has passed, or its owner ended it
    VOUCHER_MIN_SPEND          the eligible lines do not reach its minimum spend
    VOUCHER_CAP_REACHED        all its uses are taken
    VOUCHER_BUYER_CAP_REACHED  this buyer has used it as often as one buyer may
    VOUCHER_NOT_ELIGIBLE       the buyer, the day or the cart's lines are not what it is for
    VOUCHER_NOT_STACKABLE      another code of the checkout takes the same place (promotions/__init__.py)
    BUDGET_EXHAUSTED           what is left of the programme's budget does not cover this discount
"""

from __future__ import annotations

from umkm_graph.core.errors import DomainError, ErrorCode


def field_of(position: int | None) -> list[str]:
    return ["input", "voucherCodes"] if position is None else ["input", "voucherCodes", str(position)]


def refused(code: ErrorCode, message: str, position: int | None) -> DomainError:
    return DomainError(code, message, field_of(position))


def unknown(code: str, position: int) -> DomainError:
    return refused(ErrorCode.VOUCHER_UNKNOWN, f"No voucher has the code {code!r}", position)


def not_started(code: str, starts: str, position: int) -> DomainError:
    return refused(ErrorCode.VOUCHER_NOT_STARTED, f"Voucher {code} can be used from {starts}", position)


def expired(code: str, position: int) -> DomainError:
    return refused(ErrorCode.VOUCHER_EXPIRED, f"Voucher {code} has expired", position)


def cap_reached(code: str, position: int | None) -> DomainError:
    return refused(ErrorCode.VOUCHER_CAP_REACHED, f"Voucher {code} has been used up", position)


def buyer_cap_reached(code: str, cap: int, position: int | None) -> DomainError:
    if cap == 0:  # a reward programme whose grants this buyer has used
        return refused(ErrorCode.VOUCHER_BUYER_CAP_REACHED, f"Voucher {code}: you hold no unused voucher of it",
                       position)
    times = "once" if cap == 1 else f"{cap} times"
    return refused(ErrorCode.VOUCHER_BUYER_CAP_REACHED, f"Voucher {code} can be used {times} per buyer", position)


def budget_exhausted(code: str, position: int | None) -> DomainError:
    return refused(ErrorCode.BUDGET_EXHAUSTED,
                   f"The budget of programme {code} does not cover this discount any more", position)


def not_eligible(message: str, position: int) -> DomainError:
    return refused(ErrorCode.VOUCHER_NOT_ELIGIBLE, message, position)


def min_spend(code: str, needed: int, spent: int, position: int) -> DomainError:
    return refused(ErrorCode.VOUCHER_MIN_SPEND, f"Voucher {code} needs {_rupiah(needed)} of eligible products; "
                   f"this cart has {_rupiah(spent)}", position)


def not_stackable(code: str, other: str, place: str, position: int) -> DomainError:
    return refused(ErrorCode.VOUCHER_NOT_STACKABLE, f"Voucher {code} and {other} are both {place}: use one of them",
                   position)


def _rupiah(amount: int) -> str:
    return f"Rp{amount:,}".replace(",", ".")
