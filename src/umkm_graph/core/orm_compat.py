"""The one module that reaches tortoise-orm's private names (`Model._meta`, `_init_from_db`, `_saved_in_db`, the cache
of a loaded relation, ModelMeta's `_no_comments`, a client's `_pool`). Services and models call the small, named
functions below, so an upgrade that moves an internal breaks one module, and tests/engine/test_compat.py fails when a
private name leaks out again.

One module per library family: this one for tortoise, here in core so that services may use it without reaching any
GraphQL module; umkm_graph.graphql_engine.compat for graphql-core and strawberry.

Checked on tortoise-orm 1.1.9. pyproject.toml pins it below its next minor version (`tortoise-orm[accel]>=1.1.9,<1.2`);
raise the pin only after reading each name below in the new version, and running tests/test_checkout_sql.py and
tests/test_products.py on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.fields import Field
from tortoise.models import Model, ModelMeta

M = TypeVar("M", bound=Model)


class SourceFreeModelMeta(ModelMeta):
    """ModelMeta that does not read a model's source for `#:` field comments (tortoise parses the whole module again
    with inspect.getsource for them: tens of milliseconds of every start)."""

    def __new__(cls, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> ModelMeta:
        attrs.setdefault("_no_comments", True)
        return super().__new__(cls, name, bases, attrs)


def connection_of(model: type[Model]) -> BaseDBAsyncClient:
    """The database client this model's queries run on (inside a transaction: that transaction's)."""
    return model._meta.db


def table_of(model: type[Model]) -> str:
    return model._meta.db_table


def loaded_columns(model: type[Model]) -> list[str]:
    """The columns tortoise reads into a whole instance of the model: what from_row takes."""
    meta = model._meta
    return [key for key, _, _ in (*meta.db_native_fields, *meta.db_default_fields, *meta.db_complex_fields)]


def field_of(model: type[Model], name: str) -> Field[Any] | None:
    """The model's field of this name, or None."""
    return model._meta.fields_map.get(name)


def natively_typed_fields(model: type[Model]) -> frozenset[str]:
    """The model's fields whose values the database driver already answers as their Python values."""
    return frozenset(field for _, field, _ in model._meta.db_native_fields)


def from_row(model: type[M], row: Mapping[str, Any]) -> M:
    """An instance of the model from a row of its loaded_columns, as tortoise builds one from a query (saved)."""
    return model._init_from_db(**row)


def attach_related(instance: Model, relation: str, related: Model) -> None:
    """Fill in a foreign-key relation as select_related would, so `instance.<relation>` needs no query."""
    object.__setattr__(instance, f"_{relation}", related)


def column_value(instance: Model, column: str) -> Any:
    """The column's value as tortoise would write it (enums as their values, auto_now times filled in)."""
    return instance._meta.fields_map[column].to_db_value(getattr(instance, column), instance)


def mark_saved(instance: Model) -> None:
    """After a row is written by our own SQL (its pk set), so tortoise updates it rather than inserting it again."""
    instance._saved_in_db = True


def connection_pool(client: BaseDBAsyncClient) -> Any | None:
    """The driver's pool behind a client (asyncpg's, on PostgreSQL), or None for a client without one (SQLite)."""
    return getattr(client, "_pool", None)


def forget_compiled_statements() -> None:
    """Drop the insert, update and delete statements tortoise compiled per model. It keys them by connection name and
    table, not by database, so a process that opened SQLite and then opens PostgreSQL under the same name ("default")
    would send SQLite's text (`=?`) to PostgreSQL; they are compiled again on first use."""
    EXECUTOR_CACHE.clear()
