"""Fields answered without graphql-core's per-field machinery.

graphql-core runs every field the same way: a path entry, resolve info, argument coercion, a resolver call, an
awaitable check, then value completion. Most fields of a storefront page only read an attribute of a strawberry object
(or a related object already in memory) and answer a scalar, an enum, an object or a list of them; for those the
machinery costs several times the answer. This execution context answers such fields straight from their objects:

- a plain leaf (scalar or enum, no arguments, the default resolver) is read and coerced with the type's own output
  coercion;
- an object or list field whose whole selection below is made of such fields (and of fields whose resolver declares,
  through `in_memory`, how to read its answer without I/O) is projected in one tight loop, with a projection compiled
  once per request for that selection (fragments, aliases and @include/@skip are resolved by graphql-core's own field
  collection first).

Anything out of the ordinary (a null in a non-null field, a value the scalar refuses, a value not in memory, arguments,
an abstract type, @defer, an extension's resolve hook) takes graphql-core's usual path for that field, which reports it
as it always does. The readers have no side effects, so giving up half way and starting that field again is safe.
"""

from __future__ import annotations

import operator
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    SelectionNode,
    Undefined,
    is_leaf_type,
)

from umkm_graph.graphql_engine.compat import (
    FieldDetails,
    GroupedFieldSet,
    Path,
    StrawberryExecutionContext,
    field_definition,
    is_default_resolver,
)

NOT_IN_MEMORY: Any = object()
"""What an `in_memory` reader answers when the value needs the resolver (and so I/O) after all."""

_READER = "umkm_graph.in_memory"
_FILTERING_DIRECTIVES = frozenset({"include", "skip"})  # applied by field collection, before a projection sees fields


def in_memory(read: Callable[[Any], Any]) -> dict[str, object]:
    """Field metadata for a resolver whose answer can often be read from the object alone: `read(source)` returns the
    value the resolver would, or NOT_IN_MEMORY. It must not do I/O or have side effects."""
    return {_READER: read}


@dataclass(frozen=True)
class _Plain:
    """A leaf read from an attribute."""

    attribute: str
    read: Callable[[Any, str], Any]
    coerce: Callable[[Any], Any]
    non_null: bool


@dataclass(frozen=True)
class _Nested:
    """An object or list field read without I/O; its selection decides, per request, whether it can be projected."""

    read: Callable[[Any], Any]
    type: GraphQLOutputType


class _GiveUp(Exception):
    """This field takes graphql-core's path after all."""


_GIVE_UP = _GiveUp()
_UNPLANNED = object()
_plans: weakref.WeakKeyDictionary[GraphQLObjectType, dict[str, _Plain | _Nested | None]] = weakref.WeakKeyDictionary()
Projection = Callable[[Any], Any]
_SHARED_LIMIT = 1024
_shared: dict[tuple[GraphQLObjectType, tuple[int, ...]], tuple[tuple[FieldNode, ...], Projection | None]] = {}


def _plans_of(parent_type: GraphQLObjectType) -> dict[str, _Plain | _Nested | None]:
    known = _plans.get(parent_type)
    if known is None:
        known = _plans[parent_type] = {}
    return known


def _plan(parent_type: GraphQLObjectType, name: str) -> _Plain | _Nested | None:
    """How to answer this field directly, or None when it needs graphql-core's full path."""
    field = parent_type.fields.get(name)
    if field is None or field.args:
        return None
    definition = field_definition(field)
    if definition is None:
        return None
    output = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
    if is_default_resolver(field.resolve) and definition.is_basic_field:
        if is_leaf_type(output):
            return _Plain(definition.python_name, definition.default_resolver, output.coerce_output_value,  # type: ignore[union-attr]
                          isinstance(field.type, GraphQLNonNull))
        if definition.default_resolver is getattr:
            return _Nested(operator.attrgetter(definition.python_name), field.type)
        attribute, default = definition.python_name, definition.default_resolver
        return _Nested(lambda source: default(source, attribute), field.type)
    read = (definition.metadata or {}).get(_READER)
    if read is not None and not definition.permission_classes and not definition.extensions:
        return _Nested(read, field.type)
    return None


class PlainFieldsFirst(StrawberryExecutionContext):
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
                plan = plans[name] = _plan(parent_type, name)
            if plan is None:
                value = _UNPLANNED
            elif type(plan) is _Plain:
                value = _answer(plan, source_value)
            else:
                value = self._project(plan, field_details_list, source_value)  # type: ignore[arg-type]
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

    def _project(self, plan: _Nested, field_details_list: list[FieldDetails], source: Any) -> Any:
        complete = self._completion(plan.type, field_details_list)
        if complete is None:
            return _UNPLANNED
        try:
            value = plan.read(source)
            return _UNPLANNED if value is NOT_IN_MEMORY else complete(value)
        except Exception:  # _GiveUp, or a reader's error, which graphql-core reports with the field's path
            return _UNPLANNED

    def _completion(self, return_type: GraphQLOutputType, field_details_list: list[FieldDetails]) -> Projection | None:
        """How to complete a value of this type for this selection without graphql-core, or None when it cannot be."""
        non_null = isinstance(return_type, GraphQLNonNull)
        inner = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
        if isinstance(inner, GraphQLList):
            item = self._completion(inner.of_type, field_details_list)
            return None if item is None else _list_completion(item, non_null)
        if is_leaf_type(inner):
            return _leaf_completion(inner.coerce_output_value, non_null)  # type: ignore[union-attr]
        if isinstance(inner, GraphQLObjectType) and inner.is_type_of is None:
            project = self._object_projection(inner, field_details_list)
            return None if project is None else _object_completion(project, non_null)
        return None

    def _object_projection(self, object_type: GraphQLObjectType, field_details_list: list[FieldDetails]) -> Projection | None:
        """One object's answer for this selection, compiled once per request (graphql-core memoizes the field collection
        on the identity of field_details_list, and so does this) or, without directives, once per document."""
        memo: dict[tuple[GraphQLObjectType, int], tuple[object, Projection | None]] = self.__dict__.setdefault("_projections", {})
        key = (object_type, id(field_details_list))
        known = memo.get(key)
        if known is None:
            known = memo[key] = (field_details_list, self._shared_projection(object_type, field_details_list))
        return known[1]

    def _shared_projection(self, object_type: GraphQLObjectType, field_details_list: list[FieldDetails]) -> Projection | None:
        """A selection without directives (and so without variables that change it) projects the same way every time
        its document runs: its projection is kept with the document's nodes (cached documents come back as the same
        objects), which also keeps their ids from being reused."""
        nodes = tuple(details.node for details in field_details_list)
        key = (object_type, tuple(map(id, nodes)))
        shared = _shared.get(key)
        if shared is not None:
            return shared[1]
        project = self._compile_projection(object_type, field_details_list)
        if not any(details.defer_usage or details.fragment_variable_values for details in field_details_list) and \
                not _has_directives(nodes, self.fragments):
            if len(_shared) >= _SHARED_LIMIT:
                _shared.clear()
            _shared[key] = (nodes, project)
        return project

    def _compile_projection(self, object_type: GraphQLObjectType, field_details_list: list[FieldDetails]) -> Projection | None:
        if any(directive.name.value not in _FILTERING_DIRECTIVES
               for details in field_details_list for directive in details.node.directives or ()):
            return None
        grouped, new_defer_usages, forbidden = self.collect_subfields(object_type, field_details_list)
        if new_defer_usages or forbidden:
            return None
        steps: list[tuple[str, Callable[[Any], Any], Projection | None]] = []
        plans = _plans_of(object_type)
        for response_name, details in grouped.items():
            name = details[0].node.name.value
            if name == "__typename":
                steps.append((response_name, _constant(object_type.name), None))
                continue
            plan = plans.get(name, _UNPLANNED)
            if plan is _UNPLANNED:
                plan = plans[name] = _plan(object_type, name)
            if plan is None:
                return None
            if type(plan) is _Plain:
                read: Callable[[Any], Any] = operator.attrgetter(plan.attribute) if plan.read is getattr else (
                    lambda source, p=plan: p.read(source, p.attribute))
                steps.append((response_name, read, _leaf_completion(plan.coerce, plan.non_null)))
                continue
            complete = self._completion(plan.type, details)  # type: ignore[union-attr]
            if complete is None:
                return None
            steps.append((response_name, plan.read, complete))  # type: ignore[union-attr]
        return _projection(tuple(steps))


def _has_directives(nodes: Iterable[SelectionNode], fragments: dict[str, Any], seen: frozenset[str] = frozenset()) -> bool:
    """Whether these selections, or any below them (through fragments too), carry a directive."""
    for node in nodes:
        if node.directives:
            return True
        if isinstance(node, FragmentSpreadNode):
            name = node.name.value
            if name in seen or name not in fragments:
                return True  # not expected in a valid document; not shared, to be safe
            if _has_directives(fragments[name].definition.selection_set.selections, fragments, seen | {name}):
                return True
        elif node.selection_set and _has_directives(node.selection_set.selections, fragments, seen):  # type: ignore[union-attr]
            return True
    return False


def _constant(value: str) -> Callable[[Any], str]:
    return lambda _: value


def _projection(steps: tuple[tuple[str, Callable[[Any], Any], Projection | None], ...]) -> Projection:
    def project(source: Any) -> dict[str, Any]:
        answer: dict[str, Any] = {}
        for response_name, read, complete in steps:
            value = read(source)
            if value is NOT_IN_MEMORY:
                raise _GIVE_UP
            answer[response_name] = value if complete is None else complete(value)
        return answer

    return project


def _leaf_completion(coerce: Callable[[Any], Any], non_null: bool) -> Projection:
    def complete(value: Any) -> Any:
        if value is None:
            if non_null:
                raise _GIVE_UP
            return None
        try:
            coerced = coerce(value)
        except Exception:  # graphql-core reports it, with the field's path
            raise _GIVE_UP from None
        if coerced is None or coerced is Undefined:
            raise _GIVE_UP
        return coerced

    return complete


def _object_completion(project: Projection, non_null: bool) -> Projection:
    def complete(value: Any) -> Any:
        if value is None:
            if non_null:
                raise _GIVE_UP
            return None
        return project(value)

    return complete


def _list_completion(item: Projection, non_null: bool) -> Projection:
    def complete(value: Any) -> Any:
        if value is None:
            if non_null:
                raise _GIVE_UP
            return None
        if not isinstance(value, (list, tuple)):
            raise _GIVE_UP
        return [item(each) for each in value]

    return complete


def _answer(plan: _Plain, source: Any) -> Any:
    try:
        value = plan.read(source, plan.attribute)
        if value is None:
            return _UNPLANNED if plan.non_null else None
        coerced = plan.coerce(value)
    except Exception:  # graphql-core reports it, with the field's path
        return _UNPLANNED
    return _UNPLANNED if coerced is None or coerced is Undefined else coerced


def _in_order(fields: GroupedFieldSet, answered: dict[str, Any], others: dict[str, Any]) -> dict[str, Any]:
    """The response keeps the order of the selection set."""
    return {name: answered[name] if name in answered else others[name] for name in fields if name in answered or name in others}
