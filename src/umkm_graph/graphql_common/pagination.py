"""Relay connections: cursor pagination with first/after, a hard page-size cap, and a stable order.

A list that a service pages by its sort key (core.paging.page_of) hands out keyset cursors, so the next page starts
after the last row seen even when rows were added or removed meanwhile; computed lists (the city's boards) hand out
offset cursors. An offset cursor given to a keyset list still pages it by offset, as before keyset cursors."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import strawberry
from strawberry.types import Info

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.core.keyset import Key, forged_cursor
from umkm_graph.graphql_common import cursors
from umkm_graph.core.paging import Page, Window
from umkm_graph.graphql_engine.response_cache import public_data

T = TypeVar("T")


# A page's shape is public data; whether a connection may be cached is its root's and its nodes' fields' to say.
@strawberry.type
class PageInfo:
    has_next_page: bool = strawberry.field(metadata=public_data())
    has_previous_page: bool = strawberry.field(metadata=public_data())
    start_cursor: str | None = strawberry.field(metadata=public_data())
    end_cursor: str | None = strawberry.field(metadata=public_data())


@strawberry.type
class Edge(Generic[T]):
    cursor: str = strawberry.field(metadata=public_data())
    node: T = strawberry.field(metadata=public_data())


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(metadata=public_data())
    page_info: PageInfo = strawberry.field(metadata=public_data())
    count_total: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many items match, across all pages.", metadata=public_data())
    async def total_count(self) -> int:
        return await self.count_total()


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def _key_cursor(key: Key) -> str:
    return base64.urlsafe_b64encode(b"k:" + cursors.encode_key(key)).decode()


MAX_CURSOR_OFFSET = 10**9
"""The largest offset a cursor may carry (far past any list this API holds, far below what the database's integers
hold); a larger one was not issued here, and is refused like any forged cursor."""


def _position(cursor: str | None) -> tuple[int, Key | None]:
    """(offset, None) from an offset cursor, (0, key) from a keyset cursor; a cursor not issued here is refused."""
    if cursor is not None and len(cursor) <= cursors.MAX_CURSOR_LENGTH:
        try:
            kind, _, body = base64.urlsafe_b64decode(cursor.encode()).partition(b":")
        except ValueError:
            raise forged_cursor() from None
        if kind == b"k":
            return 0, cursors.decode_key(body)
    return _offset(cursor), None


def _offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        kind, _, number = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        # ASCII digits only, and few enough that int() is cheap and the offset fits the database's integers.
        if kind == "o" and number.isascii() and number.isdigit() and len(number) <= 10 \
                and int(number) <= MAX_CURSOR_OFFSET:
            return int(number) + 1
    except (ValueError, UnicodeDecodeError):
        pass
    raise forged_cursor()


def page_window(first: int | None, after: str | None, *, default: int, cap: int) -> tuple[int, int]:
    """(offset, limit) for a page; rejects a page size outside 0..cap rather than silently trimming it."""
    return _offset(after), _page_size(first, default, cap)


def _page_size(first: int | None, default: int, cap: int) -> int:
    size = default if first is None else first
    if not 0 <= size <= cap:
        raise DomainError(ErrorCode.INVALID, f"first must be between 0 and {cap}", "first")
    return size


def build_connection(
    items: Sequence[Any], offset: int, size: int, convert: Callable[[Any], T], count_total: Callable[[], Awaitable[int]]
) -> Connection[T]:
    """items holds up to size + 1 rows from offset; the extra one only tells whether there is a next page."""
    return _connection(items[:size], offset, len(items) > size, convert, count_total)


def _connection(
    rows: Sequence[Any], offset: int, has_next: bool, convert: Callable[[Any], T],
    count_total: Callable[[], Awaitable[int]], keys: Sequence[Key] | None = None, after: Key | None = None,
) -> Connection[T]:
    if keys is None:
        edges = [Edge(cursor=_cursor(offset + i), node=convert(row)) for i, row in enumerate(rows)]
    else:
        edges = [Edge(cursor=_key_cursor(key), node=convert(row)) for key, row in zip(keys, rows)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=offset > 0 or after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count_total=count_total,
    )


def window(first: int | None, after: str | None, *, default: int, cap: int) -> Window:
    """The window a client's first/after asks for, checked: what a service's page function takes."""
    size = _page_size(first, default, cap)
    offset, key = _position(after)
    return Window(offset=offset, size=size, after=key)


def asked_window(info: Info[Any, Any], first: int | None, after: str | None) -> Window:
    """window() within this request's settings' page sizes."""
    settings = info.context.settings
    return window(first, after, default=settings.default_page_size, cap=settings.max_page_size)


def cursor_at(page: Page[Any], i: int) -> str:
    """The cursor of the page's i-th row, as its connection's edge holds it (for a path that makes no edges)."""
    return _cursor(page.window.offset + i) if page.keys is None else _key_cursor(page.keys[i])


def page_info(page: Page[Any]) -> PageInfo:
    """The page's PageInfo, as its connection holds it, with only the two cursors it names made."""
    last = len(page.rows) - 1
    return PageInfo(has_next_page=page.has_more,
                    has_previous_page=page.window.offset > 0 or page.window.after is not None,
                    start_cursor=cursor_at(page, 0) if page.rows else None,
                    end_cursor=cursor_at(page, last) if page.rows else None)


def connection(page: Page[Any], convert: Callable[[Any], T]) -> Connection[T]:
    """A service's page as a connection of GraphQL nodes."""
    return _connection(page.rows, page.window.offset, page.has_more, convert, page.count_total, page.keys,
                       page.window.after)
