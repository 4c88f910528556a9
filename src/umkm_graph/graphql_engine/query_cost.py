"""Query cost: what an operation would make the server do, worked out from the document and its variables before
anything runs. Every selected field costs 1; a list multiplies the cost of what it selects by its size."""

from __future__ import annotations

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
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_operation_ast,
)

# A list without a page size (an order's lines, a category's children) is assumed to hold this many items.
UNPAGED_LIST_SIZE = 10


def query_cost(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: dict[str, Any], page_size: int
) -> int:
    """Every selected field costs 1; a list multiplies the cost of what it selects by its size: its `first` argument
    (the default page size when omitted), the number of representations for `_entities`, 1 for a connection's edges,
    and UNPAGED_LIST_SIZE for other lists. Introspection fields are free (they are switched off in production)."""
    operation = get_operation_ast(document, operation_name)
    root = schema.get_root_type(operation.operation) if operation else None
    if operation is None or root is None:
        return 0
    return _Cost(schema, document, operation, variables, page_size).selections(operation.selection_set, root)


class _Cost:
    """One walk over an operation; each fragment is costed once."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode,
                 variables: dict[str, Any], page_size: int) -> None:
        self.schema = schema
        self.variables = variables
        self.page_size = page_size
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.defaults = {d.variable.name.value: d.default_value for d in operation.variable_definitions or ()}
        self.memo: dict[str, int] = {}

    def selections(self, selection_set: SelectionSetNode, parent: GraphQLNamedType) -> int:
        total = 0
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

    def fragment(self, name: str, parent: GraphQLNamedType) -> int:
        if name not in self.memo:
            definition = self.fragments.get(name)
            self.memo[name] = 0  # a cycle (the guard refuses those) costs nothing more
            if definition is not None:
                narrowed = self.schema.get_type(definition.type_condition.name.value) or parent
                self.memo[name] = self.selections(definition.selection_set, narrowed)
        return self.memo[name]

    def field(self, node: FieldNode, parent: GraphQLNamedType) -> int:
        if node.name.value.startswith("__"):
            return 0
        fields = parent.fields if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)) else {}
        definition = fields.get(node.name.value)
        if definition is None or node.selection_set is None:
            return 1
        children = self.selections(node.selection_set, get_named_type(definition.type))
        return 1 + self.multiplier(node, definition, parent) * children

    def multiplier(self, node: FieldNode, definition: GraphQLField, parent: GraphQLNamedType) -> int:
        if "first" in definition.args:
            first = self.argument(node, "first")
            return max(first, 0) if isinstance(first, int) and not isinstance(first, bool) else self.page_size
        if node.name.value == "_entities":
            representations = self.argument(node, "representations")
            return len(representations) if isinstance(representations, list) else UNPAGED_LIST_SIZE
        field_type = definition.type.of_type if isinstance(definition.type, GraphQLNonNull) else definition.type
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
