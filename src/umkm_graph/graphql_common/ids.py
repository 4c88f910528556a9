"""IDs: every entity's id is its database id as a string; parsing one that is not gives a clear error."""

from __future__ import annotations

from umkm_graph.core.errors import DomainError, ErrorCode

_MAX_ID = 2**31 - 1


def id_or_none(value: object) -> int | None:
    """The database id a client's id stands for, or None when no row can have it (not a whole number in 1..2^31-1)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value).strip()
    # ASCII digits only (int() refuses '²' though isdigit() accepts it), and no more than fit in an id.
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or not 0 < int(text) <= _MAX_ID:
        return None
    return int(text)


def parse_id(value: object, field: str) -> int:
    parsed = id_or_none(value)
    if parsed is None:
        raise DomainError(ErrorCode.INVALID, f"{str(value).strip()[:40]!r} is not a valid id", field)
    return parsed
