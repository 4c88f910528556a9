"""IDs: every entity's id is its database id as a string; parsing one that is not gives a clear error."""

from __future__ import annotations

from umkm_graph.core.errors import DomainError, ErrorCode

_MAX_ID = 2**31 - 1


def parse_id(value: object, field: str) -> int:
    text = str(value).strip()
    # ASCII digits only (int() refuses '²' though isdigit() accepts it), and no more than fit in an id.
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or not 0 < int(text) <= _MAX_ID:
        raise DomainError(ErrorCode.INVALID, f"{text[:40]!r} is not a valid id", field)
    return int(text)
