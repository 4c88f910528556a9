"""Custom scalars. Rupiah is a whole number of Indonesian rupiah; GraphQL's Int stops at 2^31, below a city's GMV."""

from __future__ import annotations

from typing import Any, NewType

import strawberry
from graphql import IntValueNode, ValueNode

Rupiah = NewType("Rupiah", int)

_MAX = 10**15


def _parse_rupiah(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("Rupiah must be a whole number of rupiah, without decimals or quotes")
    if not -_MAX <= value <= _MAX:
        raise ValueError("Rupiah amount is out of range")
    return value


def _parse_rupiah_literal(node: ValueNode, _variables: Any = None) -> int:
    if not isinstance(node, IntValueNode):
        raise ValueError("Rupiah must be a whole number of rupiah, without decimals or quotes")
    return _parse_rupiah(int(node.value))


SCALAR_MAP = {
    Rupiah: strawberry.scalar(
        name="Rupiah",
        description="A whole number of Indonesian rupiah (IDR has no minor unit). Serialised as a JSON integer.",
        serialize=int,
        parse_value=_parse_rupiah,
        parse_literal=_parse_rupiah_literal,
    )
}
