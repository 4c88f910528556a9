"""Plain fields answered without graphql-core's per-field machinery.

graphql-core runs every field the same way: a path entry, resolve info, argument coercion, a resolver call, an
awaitable check, then value completion. Most fields of a storefront page only read an attribute of a strawberry object
and answer a scalar or an enum; for those the machinery costs several times the answer. This execution context reads
such a field straight from its object and coerces it with the type's own output coercion. Anything out of the ordinary
(a null in a non-null field, a value the scalar refuses, a resolver, arguments, middleware) takes graphql-core's usual
path, which reports it as it always does.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLNonNull, GraphQLObjectType, is_leaf_type
from graphql.execution.collect_fields import GroupedFieldSet
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter


@dataclass(frozen=True)
class _Plain:
    attribute: str
    read: Callable[[Any, str], Any]
    coerce: Callable[[Any], Any]
    non_null: bool


_UNPLANNED = object()
_plans: weakref.WeakKeyDictionary[GraphQLObjectType, dict[str, _Plain | None]] = weakref.WeakKeyDictionary()


def _plans_of(parent_type: GraphQLObjectType) -> dict[str, _Plain | None]:
    known = _plans.get(parent_type)
    if known is None:
        known = _plans[parent_type] = {}
    return known


def _plain(parent_type: GraphQLObjectType, name: str) -> _Plain | None:
    """How to answer this field directly, or None when it needs graphql-core's full path."""
    field = parent_type.fields.get(name)
    if field is None or field.args or not getattr(field.resolve, "_is_default", False):
        return None
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    output = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
    if definition is None or not definition.is_basic_field or not is_leaf_type(output):
        return None
    return _Plain(definition.python_name, definition.default_resolver, output.coerce_output_value,  # type: ignore[union-attr]
                  isinstance(field.type, GraphQLNonNull))


class PlainFieldsFirst(StrawberryGraphQLCoreExecutionContext):
    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        if self.middleware_manager is not None and self.middleware_manager.middlewares:  # an extension's resolve hook
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        answered: dict[str, Any] = {}
        rest: GroupedFieldSet = {}
        plans = _plans_of(parent_type)
        for response_name, field_details_list in grouped_field_set.items():
            name = field_details_list[0].node.name.value
            plan = plans.get(name, _UNPLANNED)
            if plan is _UNPLANNED:
                plan = plans[name] = _plain(parent_type, name)
            value = _UNPLANNED if plan is None else _answer(plan, source_value)
            if value is _UNPLANNED:
                rest[response_name] = field_details_list
            else:
                answered[response_name] = value
        if not rest:
            return answered
        others = super().execute_fields(parent_type, source_value, path, rest, position_context)
        if self.is_awaitable(others):
            async def merged() -> dict[str, Any]:
                return _in_order(grouped_field_set, answered, await others)

            return merged()
        return _in_order(grouped_field_set, answered, others)


def _answer(plan: _Plain, source: Any) -> Any:
    value = plan.read(source, plan.attribute)
    if value is None:
        return _UNPLANNED if plan.non_null else None
    try:
        coerced = plan.coerce(value)
    except Exception:  # graphql-core reports it, with the field's path
        return _UNPLANNED
    return _UNPLANNED if coerced is None or coerced is Undefined else coerced


def _in_order(fields: GroupedFieldSet, answered: dict[str, Any], others: dict[str, Any]) -> dict[str, Any]:
    """The response keeps the order of the selection set."""
    return {name: answered[name] if name in answered else others[name] for name in fields if name in answered or name in others}
