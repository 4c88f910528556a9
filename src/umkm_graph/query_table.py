"""`umkm-graph query`: runs a GraphQL document against a running API with a token, as any client would, and writes a
connection or an aggregate as one flat table (CSV or JSON rows) for a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import aiohttp

Row = dict[str, Any]


class QueryFailed(Exception):
    """The API refused or could not be reached; the message says why in one line."""


def parse_variables(pairs: Iterable[str]) -> dict[str, Any]:
    """`k=v` pairs; v is read as JSON when it is JSON (10, true, ["a"]), else as a string (2026-10, Klojen)."""
    variables: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name:
            raise QueryFailed(f"--var {pair!r}: write it as name=value")
        try:
            variables[name] = json.loads(raw)
        except ValueError:
            variables[name] = raw
    return variables


async def run_query(url: str, document: str, variables: dict[str, Any], token: str | None,
                    timeout_seconds: float = 60) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout_seconds)) as session:
            async with session.post(url, json={"query": document, "variables": variables}, headers=headers) as response:
                body = await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as error:
        raise QueryFailed(f"could not ask {url}: {error or type(error).__name__}") from None
    errors = body.get("errors") if isinstance(body, dict) else None
    if errors:
        raise QueryFailed("; ".join(f"{e.get('message')} ({(e.get('extensions') or {}).get('code', 'ERROR')})"
                                    for e in errors))
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        raise QueryFailed(f"{url} answered no data (HTTP {response.status})")
    return body["data"]  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Table:
    path: str  # where in the answer the rows came from, e.g. "shopLeaderboard.edges"
    rows: list[Row]


def flatten(value: Any, prefix: str = "") -> Row:
    """Nested objects become dotted columns (shop.name); a list of scalars one cell joined by "; "; a list of objects
    inside a row its length (the table holds one list's items)."""
    row: Row = {}
    if isinstance(value, dict):
        for key, inner in value.items():
            row.update(flatten(inner, f"{prefix}{key}."))
    elif isinstance(value, list):
        if all(not isinstance(item, (dict, list)) for item in value):
            row[prefix[:-1]] = "; ".join("" if item is None else str(item) for item in value)
        else:
            row[f"{prefix}count"] = len(value)
    else:
        row[prefix[:-1]] = value
    return row


def _first_list(value: Any, path: str) -> tuple[str, list[Any]] | None:
    if isinstance(value, list):
        return path, value
    if isinstance(value, dict):
        for key, inner in value.items():
            if found := _first_list(inner, f"{path}.{key}" if path else key):
                return found
    return None


def table_of(data: dict[str, Any], path: str | None = None) -> Table:
    """The rows at `path` (dotted), or the first list in the answer; a connection's edges give their nodes. An answer
    without a list is one row."""
    if path:
        value: Any = data
        for key in path.split("."):
            if not isinstance(value, dict) or key not in value:
                raise QueryFailed(f"--path {path}: the answer has no {key!r} there")
            value = value[key]
        found = (path, value if isinstance(value, list) else [value])
    else:
        found = _first_list(data, "") or ("", [data])
    where, items = found
    rows = [flatten(item["node"] if isinstance(item, dict) and set(item) == {"node"} else item) for item in items]
    return Table(where, rows)


def render(table: Table, form: str) -> str:
    if form == "json":
        return json.dumps(table.rows, ensure_ascii=False, indent=2) + "\n"
    columns: list[str] = []
    for row in table.rows:
        columns.extend(key for key in row if key not in columns)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table.rows)
    return out.getvalue()
