"""The field contract of a type read from stored rows (Shop, Product): one declaration per field says which columns it
reads, how its answer is made from a model or from a row of some columns, and whether the public response cache may
serve it. The columns a list reads for a selection, and the type's from_model/from_row, follow from these, so a new
field is one line; a field without a declaration is read from whole models and never cached, which is always right,
and a test names it."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry.types.base import get_object_definition
from strawberry.types.private import is_private
from strawberry.utils.str_converters import to_camel_case

from umkm_graph.graphql_engine.response_cache import public_data

_COLUMNS = "umkm_graph.columns"
_ANSWER = "umkm_graph.answer"
_PLAIN = "umkm_graph.plain_column"  # a stored field whose answer is its one column's value as it is
_SHAPES_KEPT = 256


def reads(*columns: str, public: bool) -> dict[str, object]:
    """Metadata of a field whose resolver reads these columns of `root.model` (none for a field that asks a service or
    a loader); public: whether the public response cache may serve it."""
    return {_COLUMNS: columns, **(public_data() if public else {})}


def stored(*columns: str, public: bool, answer: Callable[[Any], Any] | None = None,
           description: str | None = None, deprecation_reason: str | None = None) -> Any:
    """A field answered from these columns of its model or row: `answer(source)`, or the one column's value as it is."""
    plain: dict[str, object] = {}
    if answer is None:
        (column,) = columns
        answer = operator.attrgetter(column)
        plain = {_PLAIN: column}
    return strawberry.field(description=description, deprecation_reason=deprecation_reason,
                            metadata={**reads(*columns, public=public), _ANSWER: answer, **plain})


@dataclass(frozen=True)
class _Answer:
    name: str
    columns: frozenset[str]
    make: Callable[[Any], Any]


class StoredFields:
    """A type's declarations, read once its class is complete."""

    def __init__(self, cls: type[Any]) -> None:
        definition = get_object_definition(cls, strict=True)
        self.cls = cls
        self.columns: dict[str, tuple[str, ...]] = {"__typename": ()}  # by the schema's field name
        self.undeclared: list[str] = []
        self.answers: dict[str, Callable[[Any], Any]] = {}  # a stored field's answer from its row, by its schema name
        self.plain_columns: dict[str, str] = {}  # the stored fields answered by one column as it is, and that column
        answers: list[_Answer] = []
        for field in definition.fields:
            if is_private(field.type):  # the model itself, never in the schema
                continue
            name = field.graphql_name or to_camel_case(field.python_name)
            if _COLUMNS not in field.metadata:
                self.undeclared.append(name)
                continue
            self.columns[name] = field.metadata[_COLUMNS]
            if _ANSWER in field.metadata:
                answers.append(_Answer(field.python_name, frozenset(field.metadata[_COLUMNS]), field.metadata[_ANSWER]))
                self.answers[name] = field.metadata[_ANSWER]
                if _PLAIN in field.metadata:
                    self.plain_columns[name] = field.metadata[_PLAIN]
        self._answers = tuple(answers)
        self._by_row_shape: dict[tuple[str, ...], tuple[dict[str, None], tuple[tuple[str, Callable[[Any], Any]], ...]]] = {}

    def columns_for(self, selected: Iterable[str], always: tuple[str, ...]) -> list[str] | None:
        """The columns the selected fields read (always these first), or None when one of them has no declaration."""
        try:
            read = [column for name in selected for column in self.columns[name]]
        except KeyError:
            return None
        return list(dict.fromkeys([*always, *read]))

    def from_model(self, model: Any) -> Any:
        """The type of a whole model: every stored field answered."""
        return self.cls(**{a.name: a.make(model) for a in self._answers}, model=model)

    def from_row(self, row: Any) -> Any:
        """The type of a row holding some columns: the fields whose columns it holds answered, the others None (the
        query did not select them)."""
        shape = tuple(vars(row))
        plan = self._by_row_shape.get(shape)
        if plan is None:
            if len(self._by_row_shape) >= _SHAPES_KEPT:  # each selection makes a shape; clients choose selections
                self._by_row_shape.clear()
            plan = self._by_row_shape[shape] = self._plan(frozenset(shape))
        unread, answers = plan
        attributes = dict(unread)
        for name, make in answers:
            attributes[name] = make(row)
        attributes["model"] = row
        # Set as the dataclass's __init__ would (it only assigns them), at a fraction of the cost per row of a list.
        answer = object.__new__(self.cls)
        answer.__dict__ = attributes
        return answer

    def _plan(self, held: frozenset[str]) -> tuple[dict[str, None], tuple[tuple[str, Callable[[Any], Any]], ...]]:
        answered = tuple((a.name, a.make) for a in self._answers if a.columns <= held)
        return {a.name: None for a in self._answers if not a.columns <= held}, answered
