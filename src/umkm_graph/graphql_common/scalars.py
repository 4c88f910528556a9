"""Custom scalars. Rupiah is a whole number of Indonesian rupiah; GraphQL's Int stops at 2^31, below a city's GMV.

A Rupiah a client sends is checked before anything reads it: a whole number within +-10^15 rupiah (a thousand times a
city's yearly GMV, so sums of them stay far inside the database's BIGINT, which holds +-9.2 * 10^18). A literal's
digits are counted before they are converted, so a 5,000-digit literal costs nothing. The refusal is a GraphQLError
(graphql-core reports it as the client's mistake: BAD_USER_INPUT), never a ValueError (which would be masked as
INTERNAL and logged)."""

from __future__ import annotations

from typing import Any, NewType

import strawberry
from graphql import GraphQLError, IntValueNode, ValueNode

Rupiah = NewType("Rupiah", int)

MAX_RUPIAH = 10**15
_MAX_DIGITS = len(str(MAX_RUPIAH))
_NOT_WHOLE = "Rupiah must be a whole number of rupiah, without decimals or quotes"
_OUT_OF_RANGE = f"Rupiah must be between -{MAX_RUPIAH} and {MAX_RUPIAH}"


def _refuse(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})


def _parse_rupiah(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _refuse(_NOT_WHOLE)
    if not -MAX_RUPIAH <= value <= MAX_RUPIAH:
        raise _refuse(_OUT_OF_RANGE)
    return value


def _parse_rupiah_literal(node: ValueNode, _variables: Any = None) -> int:
    if not isinstance(node, IntValueNode):
        raise _refuse(_NOT_WHOLE)
    if len(node.value.lstrip("-")) > _MAX_DIGITS:
        raise _refuse(_OUT_OF_RANGE)
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
