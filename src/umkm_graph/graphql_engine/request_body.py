"""What a GraphQL request body must be before any operation runs: a JSON object (one operation) or a non-empty array
of objects (a batch), in UTF-8, whose `query` and `operationName` are strings or null and whose `variables` and
`extensions` are objects or null. Anything else is the client's mistake, refused as a whole with a 400 and a coded
GraphQL error (limits.refusal_response), before strawberry reads a field of it and before the persisted-query step;
the same rules for a single operation and for each operation of a batch.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from cross_web import HTTPException
from strawberry.http import GraphQLRequestData

_SHAPE = "A GraphQL request is a JSON object (one operation) or a non-empty array of objects (a batch)"


def decode(decode_json: Callable[[str | bytes], object], data: str | bytes) -> object:
    """The JSON of a body (or of a GET parameter), refused with a 400 when it is not UTF-8 (decode_json itself refuses
    JSON nested too deeply, for WebSocket messages too)."""
    try:
        return decode_json(data)
    except json.JSONDecodeError:
        raise HTTPException(400, "Unable to parse request body as JSON") from None
    except ValueError:  # bytes that are not UTF-8 (UnicodeDecodeError), a number past Python's 4,300 digits
        raise HTTPException(400, "The body is not valid JSON in UTF-8, or holds a number too long to read") from None


def check_json(value: object) -> object:
    """A parsed body (or GET parameter) that strawberry can read: an object, or an array holding only objects."""
    if isinstance(value, dict):
        return value
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return value
    raise HTTPException(400, _SHAPE)


def _where(index: int | None) -> str:
    return "The operation's" if index is None else f"Operation {index} of the batch: its"


def check_operation(data: GraphQLRequestData, index: int | None = None) -> None:
    """One operation's fields have the types GraphQL over HTTP gives them."""
    fields: tuple[tuple[str, Any, type], ...] = (
        ("query", data.query, str), ("operationName", data.operation_name, str),
        ("variables", data.variables, dict), ("extensions", data.extensions, dict))
    for name, value, kind in fields:
        if value is not None and not isinstance(value, kind):
            what = "a string" if kind is str else "an object"
            raise HTTPException(400, f"{_where(index)} `{name}` must be {what} or null")


def check_request(data: GraphQLRequestData | list[GraphQLRequestData]) -> None:
    if isinstance(data, list):
        for index, operation in enumerate(data):
            check_operation(operation, index)
    else:
        check_operation(data)
