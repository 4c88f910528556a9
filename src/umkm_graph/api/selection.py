"""What a query selects below the field being resolved, so a list resolver can fetch related rows with its own
statement (and their fields stay plain attributes) instead of one loader call per item."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from strawberry.types import Info
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection


def _fields(selections: Iterable[Selection]) -> Iterator[SelectedField]:
    for selection in selections:
        if isinstance(selection, (FragmentSpread, InlineFragment)):
            yield from _fields(selection.selections)
        else:
            yield selection


def selects(info: Info[Any, Any], *path: str) -> bool:
    """Whether the query selects this path of field names (as in the schema, e.g. "edges", "node", "shop") below the
    current field, directly or through fragments."""
    level: list[Selection] = [child for field in info.selected_fields for child in field.selections]
    for name in path:
        found = [field for field in _fields(level) if field.name == name]
        if not found:
            return False
        level = [child for field in found for child in field.selections]
    return True
