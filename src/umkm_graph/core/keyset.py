"""Keyset paging: a page starts after the sort key of the row before it, not at an offset, so rows added or removed
between two requests neither repeat nor vanish from the pages that follow.

A key is the tuple of a row's values for a list's ordering ("-created_at", "-id"): the last field is always the id,
so keys are unique and the order total. Keys come back from clients inside cursors; each value is checked against
its field's type before it reaches SQL, and a key that does not fit is refused like any forged cursor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from tortoise import fields
from tortoise.expressions import Q
from tortoise.models import Model

from umkm_graph.core.orm_compat import field_of
from umkm_graph.core.errors import DomainError, ErrorCode

Key = tuple[object, ...]

MAX_KEY_TEXT = 1000
"""The longest text a key may carry (longer than any sortable text column here)."""
_BIGINT = 2**63 - 1


def forged_cursor() -> DomainError:
    return DomainError(ErrorCode.INVALID, "This cursor was not issued by this API", "after")


def key_of(row: Any, order: Sequence[str]) -> Key:
    """The row's sort key for this ordering (a model, or any row with these attributes)."""
    return tuple(getattr(row, field.lstrip("-")) for field in order)


def after_key(model: type[Model], order: Sequence[str], key: Key) -> Q:
    """The rows strictly after `key` in `order`: (a > x) or (a = x and b > y) or ..., each field in its direction."""
    if len(key) != len(order):
        raise forged_cursor()
    for field, value in zip(order, key):
        _check_value(model, field.lstrip("-"), value)
    later: Q | None = None
    for i, field in enumerate(order):
        name = field.lstrip("-")
        step: Q | None = None
        for earlier, value in zip(order[:i], key[:i]):  # in the order's order, as key_params says they are bound
            same = Q(**{earlier.lstrip("-"): value})
            step = same if step is None else step & same
        beyond = Q(**{f"{name}__{'lt' if field.startswith('-') else 'gt'}": key[i]})
        step = beyond if step is None else step & beyond
        later = step if later is None else later | step
    assert later is not None, "an ordering has at least the id"
    return later


def key_params(key: Key) -> list[object]:
    """The values after_key's condition binds, in the order it binds them: x; x, y; x, y, z; ..."""
    return [value for i in range(len(key)) for value in key[:i + 1]]


def _check_value(model: type[Model], name: str, value: object) -> None:
    field = field_of(model, name)
    if isinstance(field, fields.DatetimeField):
        ok = isinstance(value, dt.datetime) and value.tzinfo is not None
    elif isinstance(field, (fields.IntField, fields.BigIntField, fields.SmallIntField)):
        ok = type(value) is int and -_BIGINT <= value <= _BIGINT
    elif isinstance(field, fields.FloatField):
        ok = type(value) is float and value == value and abs(value) != float("inf")
    elif isinstance(field, (fields.CharField, fields.TextField)):
        ok = isinstance(value, str) and len(value) <= MAX_KEY_TEXT
    else:
        ok = False
    if not ok:
        raise forged_cursor()
