"""A document's selections flattened once, at plan time, and grouped for one request's variables (issue 19).

graphql-core collects a level's fields on every request: it walks fragments, applies @include/@skip and groups field
nodes by response name, in the order each name is first met. Here that walk happens once per document: each field
occurrence keeps the conditions (the @include/@skip of its fragments and its own) that decide whether it counts, so a
request only evaluates those conditions and groups. A selection the compiler cannot flatten exactly (a fragment on an
abstract type, another directive) raises NotCompilable, and the document runs on the reference path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    InlineFragmentNode,
    SelectionSetNode,
    VariableNode,
)


class NotCompilable(Exception):
    """This document (or this variant of it) runs on the reference path."""


Condition = tuple[bool, bool | str]
"""(include, value): an @include (True) or @skip (False) whose `if` is a literal, or the name of a variable."""


@dataclass(frozen=True)
class Occurrence:
    """One field node of a level, with the conditions that must all hold for it to count."""

    response_name: str
    node: FieldNode
    conditions: tuple[Condition, ...]
    definition: GraphQLField | None  # None for __typename
    children: tuple[Occurrence, ...]


@dataclass(frozen=True)
class Field:
    """A field as one request selects it: its first node, its schema definition, and its grouped subfields."""

    response_name: str
    name: str
    node: FieldNode
    definition: GraphQLField | None
    parent: GraphQLObjectType
    children: tuple[Field, ...]


def named_type(output: GraphQLOutputType) -> Any:
    while isinstance(output, (GraphQLNonNull, GraphQLList)):
        output = output.of_type
    return output


def _conditions(directives: tuple[DirectiveNode, ...] | list[DirectiveNode] | None) -> tuple[Condition, ...]:
    found: list[Condition] = []
    for directive in directives or ():
        name = directive.name.value
        if name not in ("include", "skip") or len(directive.arguments) != 1:
            raise NotCompilable(f"directive @{name}")
        value = directive.arguments[0].value
        if isinstance(value, BooleanValueNode):
            found.append((name == "include", value.value))
        elif isinstance(value, VariableNode):
            found.append((name == "include", value.name.value))
        else:
            raise NotCompilable("a condition that is neither a literal nor a variable")
    return tuple(found)


def flatten(parent: GraphQLObjectType, selection_set: SelectionSetNode | None,
            fragments: Mapping[str, FragmentDefinitionNode], inherited: tuple[Condition, ...] = (),
            seen: frozenset[str] = frozenset()) -> tuple[Occurrence, ...]:
    """The field occurrences of a selection set on a concrete object type, in document order, fragments inlined."""
    found: list[Occurrence] = []
    for selection in selection_set.selections if selection_set else ():
        conditions = inherited + _conditions(selection.directives)
        if isinstance(selection, FieldNode):
            name = selection.name.value
            response_name = selection.alias.value if selection.alias else name
            if name == "__typename":
                found.append(Occurrence(response_name, selection, conditions, None, ()))
                continue
            definition = parent.fields.get(name)
            if definition is None or name.startswith("__"):
                raise NotCompilable(f"field {name}")
            inner = named_type(definition.type)
            children: tuple[Occurrence, ...] = ()
            if selection.selection_set is not None:
                if not isinstance(inner, GraphQLObjectType):
                    raise NotCompilable(f"abstract type {inner}")
                children = flatten(inner, selection.selection_set, fragments, (), seen)
            found.append(Occurrence(response_name, selection, conditions, definition, children))
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            if condition is not None and condition.name.value != parent.name:
                raise NotCompilable("a fragment on another type")
            found.extend(flatten(parent, selection.selection_set, fragments, conditions, seen))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None or name in seen or fragment.type_condition.name.value != parent.name:
                raise NotCompilable(f"fragment {name}")
            found.extend(flatten(parent, fragment.selection_set, fragments, conditions, seen | {name}))
    return tuple(found)


def conditions_of(occurrences: tuple[Occurrence, ...]) -> list[Condition]:
    """Every condition below these occurrences that names a variable, each once, in a stable order."""
    found: dict[Condition, None] = {}
    for occurrence in occurrences:
        for condition in occurrence.conditions:
            if isinstance(condition[1], str):
                found[condition] = None
        for condition in conditions_of(occurrence.children):
            found[condition] = None
    return list(found)


def holds(condition: Condition, variables: Mapping[str, Any]) -> bool:
    include, value = condition
    truth = variables.get(value) if isinstance(value, str) else value
    if not isinstance(truth, bool):
        raise NotCompilable("a condition's variable is not a Boolean")  # validation refuses it on the reference path
    return truth if include else not truth


def grouped(parent: GraphQLObjectType, occurrences: tuple[Occurrence, ...],
            truths: Mapping[Condition, bool]) -> tuple[Field, ...]:
    """The fields these occurrences select when each condition is as `truths` says: grouped by response name in the
    order each is first included (as graphql-core's field collection does), their subfields merged."""
    groups: dict[str, list[Occurrence]] = {}
    for occurrence in occurrences:
        if all(truths[c] if isinstance(c[1], str) else holds(c, {}) for c in occurrence.conditions):
            groups.setdefault(occurrence.response_name, []).append(occurrence)
    fields: list[Field] = []
    for response_name, same in groups.items():
        first = same[0]
        children: tuple[Field, ...] = ()
        if first.definition is not None and first.node.selection_set is not None:
            inner = named_type(first.definition.type)
            children = grouped(inner, tuple(child for o in same for child in o.children), truths)
        fields.append(Field(response_name, first.node.name.value, first.node, first.definition, parent, children))
    return tuple(fields)
