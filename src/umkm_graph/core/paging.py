"""Pages of rows, as services hand them out: the window asked for, and the rows found in it (no QuerySet leaves a service)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tortoise.queryset import QuerySet

from umkm_graph.core.keyset import Key, after_key, key_of

Row = TypeVar("Row")


@dataclass(frozen=True)
class Window:
    """`size` rows after the row whose sort key is `after` (a keyset cursor), or, without one, from `offset` (an
    offset cursor, which computed lists still hand out); a service reads one more, to tell whether another page follows."""

    offset: int
    size: int
    after: Key | None = None

    @property
    def is_first(self) -> bool:
        return self.offset == 0 and self.after is None


@dataclass
class Page(Generic[Row]):
    window: Window
    rows: list[Row]  # at most window.size
    has_more: bool
    count_total: Callable[[], Awaitable[int]]  # how many rows match across all pages, counted only when asked
    keys: list[Key] | None = None  # each row's sort key, for keyset cursors; None for a list paged by offset


async def page_of(query: QuerySet[Any], window: Window, order: Sequence[str],
                  fetch: Callable[[QuerySet[Any], int, int], Awaitable[Sequence[Any]]] | None = None) -> Page[Any]:
    """The window of a query in `order` (ending with the id, so that the order is total); fetch(query, offset, limit)
    reads rows other than whole models. Its rows carry their keys, so the next page starts after the last one."""
    listed = query.order_by(*order)
    ranged = listed if window.after is None else listed.filter(after_key(query.model, order, window.after))
    offset = window.offset if window.after is None else 0
    if window.size == 0:
        rows: Sequence[Any] = []
    elif fetch is None:
        rows = await ranged.offset(offset).limit(window.size + 1)
    else:
        rows = await fetch(ranged, offset, window.size + 1)
    kept = list(rows[:window.size])
    return Page(window=window, rows=kept, has_more=len(rows) > window.size, count_total=listed.count,
                keys=[key_of(row, order) for row in kept])
