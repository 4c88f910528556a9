"""A keyset cursor's body: a row's sort key as JSON, each value tagged with its type, so that a datetime or a float
comes back as itself. Decoding takes only what encoding makes; anything else is a forged cursor."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from umkm_graph.core.keyset import Key, forged_cursor

MAX_CURSOR_LENGTH = 2048
"""The longest cursor read (base64 of a key's JSON; far longer than any key this API hands out)."""


def encode_key(key: Key) -> bytes:
    return json.dumps([_tagged(value) for value in key], ensure_ascii=True, separators=(",", ":")).encode()


def decode_key(body: bytes) -> Key:
    try:
        items = json.loads(body)
        if not isinstance(items, list) or not items:
            raise ValueError("not a key")
        return tuple(_untagged(item) for item in items)
    except (ValueError, TypeError, UnicodeDecodeError, RecursionError):
        raise forged_cursor() from None


def _tagged(value: object) -> list[Any]:
    if isinstance(value, bool):
        raise TypeError("a sort key holds no booleans")
    if isinstance(value, int):
        return ["i", str(value)]
    if isinstance(value, float):
        return ["f", value.hex()]
    if isinstance(value, dt.datetime):
        return ["d", value.isoformat()]
    if isinstance(value, str):
        return ["s", value]
    raise TypeError(f"a sort key holds no {type(value).__name__}")


def _untagged(item: object) -> object:
    if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str) and isinstance(item[1], str)):
        raise ValueError("not a tagged value")
    tag, text = item
    if tag == "i" and text.lstrip("-").isascii() and text.lstrip("-").isdigit() and len(text) <= 20:
        return int(text)
    if tag == "f" and len(text) <= 32:
        return float.fromhex(text)
    if tag == "d" and len(text) <= 40:
        return dt.datetime.fromisoformat(text)
    if tag == "s":
        return text
    raise ValueError("not a tagged value")
