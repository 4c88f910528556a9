"""How large introspection's answers are in one schema, for the cost model: a walk over `__schema { types { ... } }`
costs what the schema makes it resolve, like any other list."""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
)


@dataclasses.dataclass(frozen=True)
class IntrospectionSizes:
    """`lists`: each introspection list ("__Type.fields", ...) by its length, on average over every item that has
    the field, so that a walk over every type costs exactly as much as the schema is large. `wrapped`: of the type
    references wrapped at least k times, the share wrapped once more (so `ofType` k deep is not null)."""

    lists: dict[str, float]
    wrapped: tuple[float, ...]


@functools.lru_cache(maxsize=8)
def introspection_sizes(schema: GraphQLSchema) -> IntrospectionSizes:
    types = list(schema.type_map.values())
    objects = [t for t in types if isinstance(t, (GraphQLObjectType, GraphQLInterfaceType))]
    fields = [f for t in objects for f in t.fields.values()]
    inputs = [f for t in types if isinstance(t, GraphQLInputObjectType) for f in t.fields.values()]
    args = [a for f in fields for a in f.args.values()]
    enum_values = sum(len(t.values) for t in types if isinstance(t, GraphQLEnumType))
    abstract = [t for t in types if isinstance(t, (GraphQLInterfaceType, GraphQLUnionType))]

    def per(total: int, count: int) -> float:
        return total / count if count else 0.0

    lists = {
        "__Schema.types": float(len(types)),
        "__Schema.directives": float(len(schema.directives)),
        "__Type.fields": per(len(fields), len(types)),
        "__Type.interfaces": per(sum(len(t.interfaces) for t in objects), len(types)),
        "__Type.possibleTypes": per(sum(len(schema.get_possible_types(t)) for t in abstract), len(types)),
        "__Type.enumValues": per(enum_values, len(types)),
        "__Type.inputFields": per(len(inputs), len(types)),
        "__Field.args": per(len(args), len(fields)),
        "__Directive.args": per(sum(len(d.args) for d in schema.directives), len(schema.directives)),
    }
    depths = [_wrapping(item.type) for item in (*fields, *inputs, *args)]
    wrapped = []
    for k in range(max(depths, default=0)):
        at_least = sum(1 for depth in depths if depth >= k)
        wrapped.append(per(sum(1 for depth in depths if depth > k), at_least))
    return IntrospectionSizes(lists, tuple(wrapped))


def _wrapping(field_type: Any) -> int:
    """How many list and non-null wrappers a type has: [X!]! has 3."""
    depth = 0
    while isinstance(field_type, (GraphQLList, GraphQLNonNull)):
        field_type, depth = field_type.of_type, depth + 1
    return depth
