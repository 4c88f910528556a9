"""Pages of rows, as services hand them out: the window asked for, and the rows found in it (no QuerySet leaves a service)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tortoise.queryset import QuerySet

Row = TypeVar("Row")


@dataclass(frozen=True)
class Window:
    """Rows offset .. offset + size; a service reads one more, to tell whether another page follows."""

    offset: int
    size: int


@dataclass
class Page(Generic[Row]):
    window: Window
    rows: list[Row]  # at most window.size
    has_more: bool
    count_total: Callable[[], Awaitable[int]]  # how many rows match across all pages, counted only when asked


async def page_of(query: QuerySet[Any], window: Window,
                  fetch: Callable[[QuerySet[Any], int, int], Awaitable[Sequence[Any]]] | None = None) -> Page[Any]:
    """The window of a query (in its own stable order); fetch(query, offset, limit) reads rows other than whole models."""
    if window.size == 0:
        rows: Sequence[Any] = []
    elif fetch is None:
        rows = await query.offset(window.offset).limit(window.size + 1)
    else:
        rows = await fetch(query, window.offset, window.size + 1)
    return Page(window=window, rows=list(rows[:window.size]), has_more=len(rows) > window.size, count_total=query.count)
