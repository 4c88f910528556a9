"""The one way services report an expected failure: raise DomainError with a code, a field path and a message.

    DomainError
    ├── code: ErrorCode   (what kind of failure; clients branch on it)
    ├── field: list[str]  (the input path that is wrong, or [] when no single field is to blame)
    └── message: str      (a sentence for a person)
"""

from __future__ import annotations

import enum


class ErrorCode(enum.Enum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    OUT_OF_STOCK = "OUT_OF_STOCK"
    NOT_AVAILABLE = "NOT_AVAILABLE"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    PROVIDER_ERROR = "PROVIDER_ERROR"
    RATE_LIMITED = "RATE_LIMITED"
    LIMIT_REACHED = "LIMIT_REACHED"  # a cap on what one person may hold or have open, e.g. unpaid orders
    RESET_CODE_INVALID = "RESET_CODE_INVALID"  # a password reset code that is wrong, used or expired
    INSUFFICIENT_BALANCE = "INSUFFICIENT_BALANCE"  # a payout above what the platform holds for the shop
    # A voucher code refused (promotions/errors.py says when each applies).
    VOUCHER_UNKNOWN = "VOUCHER_UNKNOWN"
    VOUCHER_NOT_STARTED = "VOUCHER_NOT_STARTED"
    VOUCHER_EXPIRED = "VOUCHER_EXPIRED"
    VOUCHER_MIN_SPEND = "VOUCHER_MIN_SPEND"
    VOUCHER_CAP_REACHED = "VOUCHER_CAP_REACHED"
    VOUCHER_BUYER_CAP_REACHED = "VOUCHER_BUYER_CAP_REACHED"
    VOUCHER_NOT_ELIGIBLE = "VOUCHER_NOT_ELIGIBLE"
    VOUCHER_NOT_STACKABLE = "VOUCHER_NOT_STACKABLE"
    BUDGET_EXHAUSTED = "BUDGET_EXHAUSTED"


class DomainError(Exception):
    def __init__(self, code: ErrorCode, message: str, field: list[str] | str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        if field is None:
            self.field: list[str] = []
        elif isinstance(field, str):
            self.field = field.split(".")
        else:
            self.field = list(field)


class DomainErrors(DomainError):
    """Several input problems found at once, so a form can show them all."""

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__(errors[0].code, errors[0].message, errors[0].field)
        self.errors = errors


class Validator:
    """Collects field errors and raises them together."""

    def __init__(self, prefix: list[str] | None = None) -> None:
        self.prefix = prefix or []
        self.errors: list[DomainError] = []

    def add(self, field: str, message: str, code: ErrorCode = ErrorCode.INVALID) -> None:
        self.errors.append(DomainError(code, message, [*self.prefix, *field.split(".")]))

    def check(self, ok: bool, field: str, message: str, code: ErrorCode = ErrorCode.INVALID) -> None:
        if not ok:
            self.add(field, message, code)

    def raise_if_any(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise DomainErrors(self.errors)
