"""The one module that reaches graphql-core's and strawberry's private names and non-public modules. Everything else in
the house calls the small, named functions below (and names the types re-exported here), so an upgrade that moves an
internal breaks one module, and tests/engine/test_compat.py fails when a private name leaks out again.

One module per library family: this one for graphql-core and strawberry (the GraphQL side, which services must not
import); umkm_graph.core.orm_compat for tortoise (which services use).

Checked on strawberry-graphql 0.341.2 and graphql-core 3.3.2. pyproject.toml pins both below their next minor version
(`strawberry-graphql>=0.341.2,<0.342`, `graphql-core>=3.3.2,<3.4`); raise a pin only after reading each name below in
the new version, and running tests/test_fast_fields.py, tests/test_limits.py and tests/test_response_cache.py.

What is reached, and why:
- `strawberry.Schema._schema`: the graphql-core schema strawberry built (the document guard, the cost and the
  response cache work on it); strawberry has no public accessor.
- `Info._raw_info`: graphql-core's resolve info, whose syntax tree of the field is cheaper to read than strawberry's
  `selected_fields` (selection.py).
- `GraphQLCoreConverter.DEFINITION_BACKREF` and a resolver's `_is_default`: how strawberry ties a graphql-core field to
  its strawberry field, and marks its default resolver (fast_fields.py answers such fields without calling it).
- `StrawberryGraphQLCoreExecutionContext` (strawberry.schema.schema): the execution context strawberry runs, which the
  fast field executor extends; `FieldDetails`, `GroupedFieldSet` (graphql.execution.collect_fields) and `Path`
  (graphql.pyutils): the types of the graphql-core method it overrides (`execute_fields`).
- `graphql.execution.values` (`VariableValues`, `get_variable_values`, `get_argument_values`): how graphql-core coerces
  an operation's variables and a field's arguments, which the document compiler (compiled.py) does as execution would.
- The view methods the pipeline overrides (view.py): `run`, `execute_single`, `parse_json` and `parse_http_body` of
  strawberry's AsyncBaseHTTPView have no documentation; VIEW_HOOKS names them and the keywords strawberry passes,
  and a test checks them on each upgrade.
"""

from __future__ import annotations

from typing import Any

from graphql import FieldNode, FragmentDefinitionNode, GraphQLField, GraphQLSchema
from graphql.execution.collect_fields import FieldDetails, GroupedFieldSet
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from graphql.pyutils import Path
from strawberry import Schema
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types import Info
from strawberry.types.field import StrawberryField

__all__ = [
    "VIEW_HOOKS",
    "FieldDetails",
    "GroupedFieldSet",
    "Path",
    "StrawberryExecutionContext",
    "VariableValues",
    "core_schema",
    "field_definition",
    "field_nodes_and_fragments",
    "get_argument_values",
    "get_variable_values",
    "is_default_resolver",
]

StrawberryExecutionContext = StrawberryGraphQLCoreExecutionContext
"""The execution context strawberry uses when a schema names none: graphql-core's, plus strawberry's error handling."""

VIEW_HOOKS: dict[str, frozenset[str]] = {
    "run": frozenset({"request", "context", "root_value"}),
    "execute_operation": frozenset({"request", "request_adapter", "request_data", "context", "root_value",
                                    "sub_response"}),
    "execute_single": frozenset({"request", "request_adapter", "sub_response", "context", "root_value",
                                 "request_data"}),
    "parse_json": frozenset({"data"}),
    "parse_http_body": frozenset({"request"}),
}
"""The undocumented methods of strawberry's HTTP view that view.py overrides, with the parameters strawberry passes."""


def core_schema(schema: Schema) -> GraphQLSchema:
    """The graphql-core schema behind a strawberry schema."""
    return schema._schema


def field_nodes_and_fragments(info: Info[Any, Any]) -> tuple[list[FieldNode], dict[str, FragmentDefinitionNode]]:
    """The syntax nodes of the field being resolved, and the document's fragments by name."""
    raw = info._raw_info
    return raw.field_nodes, raw.fragments


def field_definition(field: GraphQLField) -> StrawberryField | None:
    """The strawberry field a graphql-core field was built from, or None for one strawberry did not build."""
    return (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)


def is_default_resolver(resolve: object) -> bool:
    """Whether strawberry made this resolver itself (it reads an attribute), rather than wrapping one of ours."""
    return bool(getattr(resolve, "_is_default", False))
