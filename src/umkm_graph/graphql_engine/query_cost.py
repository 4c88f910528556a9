"""Query cost: what an operation would make the server do, worked out from the document and its variables before
anything runs. Every selected field costs 1, introspection's too; a list multiplies the cost of what it selects by its
size; a field the schema names as costly (a password hash) costs what it is priced at, and a rationed field may appear
only once in a request."""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    VariableNode,
    get_named_type,
    get_operation_ast,
)

from umkm_graph.graphql_engine.introspection_sizes import introspection_sizes

# A list without a page size (an order's lines, a category's children) is assumed to hold this many items.
UNPAGED_LIST_SIZE = 10
# Introspection's entry points, which no object type lists among its fields.
_META_FIELDS = {"__schema": SchemaMetaFieldDef, "__type": TypeMetaFieldDef}


@dataclasses.dataclass(frozen=True)
class FieldPrices:
    """What the schema says about its costly fields, each named "Type.field": the points one costs in place of 1, and
    which of them are rationed to one in a request (a password hash costs a quarter of a second of CPU), and why."""

    points: Mapping[str, int] = dataclasses.field(default_factory=dict)
    rationed: frozenset[str] = frozenset()
    why_rationed: str = "is costly"  # completes "Each of login, register ... <why>", in a refusal's message


@dataclasses.dataclass(frozen=True)
class Cost:
    points: int  # a float while it is worked out: introspection's lists have average sizes
    rationed: Counter[str]  # how often each rationed field is selected

    def __add__(self, other: Cost) -> Cost:
        return Cost(self.points + other.points, self.rationed + other.rationed)

    def times(self, factor: float) -> Cost:
        return Cost(self.points * factor, Counter({name: n * factor for name, n in self.rationed.items()}))

    def whole(self) -> Cost:
        return Cost(_up(self.points), Counter({name: _up(n) for name, n in self.rationed.items()}))


def _up(value: float) -> int:
    return math.ceil(round(value, 6))  # round first: 0.1 * 30 is not quite 3


NOTHING = Cost(0, Counter())


def operation_cost(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None,
                   variables: dict[str, Any], page_size: int, prices: FieldPrices | None = None) -> Cost:
    """Every selected field costs 1 (or its price); a list multiplies the cost of what it selects by its size: its
    `first` argument (the default page size when omitted), the number of representations for `_entities`, 1 for a
    connection's edges, for introspection's lists their sizes in this schema (introspection_sizes), and
    UNPAGED_LIST_SIZE for other lists. `__typename` is free."""
    operation = get_operation_ast(document, operation_name)
    root = schema.get_root_type(operation.operation) if operation else None
    if operation is None or root is None:
        return NOTHING
    walk = _Cost(schema, document, operation, variables, page_size, prices or FieldPrices())
    return walk.selections(operation.selection_set, root).whole()


def query_cost(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: dict[str, Any],
               page_size: int) -> int:
    """The points of operation_cost, with every field at 1."""
    return operation_cost(schema, document, operation_name, variables, page_size).points


class _Cost:
    """One walk over an operation; each fragment is costed once."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode,
                 variables: dict[str, Any], page_size: int, prices: FieldPrices) -> None:
        self.schema = schema
        self.variables = variables
        self.page_size = page_size
        self.prices = prices
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.defaults = {d.variable.name.value: d.default_value for d in operation.variable_definitions or ()}
        self.memo: dict[tuple[str, int], Cost] = {}
        self.wrapping = 0  # how many `ofType` deep the walk is inside a type reference

    def selections(self, selection_set: SelectionSetNode, parent: GraphQLNamedType) -> Cost:
        total = NOTHING
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                narrowed = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(selection.selection_set, narrowed or parent)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, parent)
        return total

    def fragment(self, name: str, parent: GraphQLNamedType) -> Cost:
        key = (name, self.wrapping)
        if key not in self.memo:
            definition = self.fragments.get(name)
            self.memo[key] = NOTHING  # a cycle (the guard refuses those) costs nothing more
            if definition is not None:
                narrowed = self.schema.get_type(definition.type_condition.name.value) or parent
                self.memo[key] = self.selections(definition.selection_set, narrowed)
        return self.memo[key]

    def field(self, node: FieldNode, parent: GraphQLNamedType) -> Cost:
        name = node.name.value
        if name == "__typename":
            return NOTHING
        fields = parent.fields if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)) else {}
        definition = fields.get(name) or _META_FIELDS.get(name)
        key = f"{parent.name}.{name}"
        own = Cost(self.prices.points.get(key, 1), Counter([key]) if key in self.prices.rationed else Counter())
        if definition is None or node.selection_set is None:
            return own
        if key == "__Type.ofType":
            return own + self.wrapped(node.selection_set)
        children = self.selections(node.selection_set, get_named_type(definition.type))
        return own + children.times(self.multiplier(node, definition, parent))

    def wrapped(self, selection_set: SelectionSetNode) -> Cost:
        """What `ofType` selects, as often as it is not null: never past the deepest wrapping of the schema's types
        ([X!]! is 3), and at each depth for the share of type references wrapped that deep."""
        shares = introspection_sizes(self.schema).wrapped
        if self.wrapping >= len(shares):
            return NOTHING
        share = shares[self.wrapping]
        self.wrapping += 1
        try:
            return self.selections(selection_set, self.schema.get_type("__Type")).times(share)  # type: ignore[arg-type]
        finally:
            self.wrapping -= 1

    def multiplier(self, node: FieldNode, definition: GraphQLField, parent: GraphQLNamedType) -> int:
        if "first" in definition.args:
            first = self.argument(node, "first")
            return max(first, 0) if isinstance(first, int) and not isinstance(first, bool) else self.page_size
        if node.name.value == "_entities":
            representations = self.argument(node, "representations")
            return len(representations) if isinstance(representations, list) else UNPAGED_LIST_SIZE
        field_type = definition.type.of_type if isinstance(definition.type, GraphQLNonNull) else definition.type
        if isinstance(field_type, GraphQLList) and parent.name.startswith("__"):
            return introspection_sizes(self.schema).lists.get(f"{parent.name}.{node.name.value}", UNPAGED_LIST_SIZE)
        if isinstance(field_type, GraphQLList):
            return 1 if parent.name.endswith("Connection") else UNPAGED_LIST_SIZE
        return 1

    def argument(self, node: FieldNode, name: str) -> Any:
        """The argument's value, from the document or the variables; None when it is not given or not usable."""
        value: Any = next((arg.value for arg in node.arguments or () if arg.name.value == name), None)
        if isinstance(value, VariableNode):
            if value.name.value in self.variables:
                return self.variables[value.name.value]
            value = self.defaults.get(value.name.value)
        if isinstance(value, IntValueNode):
            number = int(value.value)
            return number if abs(number) < 2**31 else None  # not an Int: validation refuses it
        if isinstance(value, ListValueNode):
            return list(value.values)
        return None
