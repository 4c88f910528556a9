"""What a query selects below the field being resolved, so a list resolver can read only the columns it needs and fetch
related rows in its own statement (their fields then stay plain attributes) instead of one loader call per item.

This reads graphql-core's syntax tree of the field (compat.field_nodes_and_fragments) rather than strawberry's
`info.selected_fields`, which converts every argument and directive of the whole selection first: a few per cent of a
small page's time. Fields under @skip/@include are counted as selected, which only ever reads a column more."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from graphql import FieldNode, FragmentDefinitionNode, FragmentSpreadNode, InlineFragmentNode, SelectionNode
from strawberry.types import Info

from umkm_graph.graphql_engine.compat import field_nodes_and_fragments


def _fields(selections: Iterable[SelectionNode], fragments: dict[str, FragmentDefinitionNode]) -> Iterator[FieldNode]:
    for selection in selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set.selections, fragments)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
            yield from _fields(fragments[selection.name.value].selection_set.selections, fragments)


def _below(fields: Iterable[FieldNode]) -> list[SelectionNode]:
    return [child for field in fields if field.selection_set for child in field.selection_set.selections]


def selected_names(info: Info[Any, Any], *path: str) -> set[str] | None:
    """The names (as in the schema, e.g. "edges", "node", "shop") of the fields selected at this path below the current
    field, directly or through fragments, or None when the path is not selected."""
    field_nodes, fragments = field_nodes_and_fragments(info)
    level = _below(field_nodes)
    for name in path:
        found = [field for field in _fields(level, fragments) if field.name.value == name]
        if not found:
            return None
        level = _below(found)
    return {field.name.value for field in _fields(level, fragments)}
