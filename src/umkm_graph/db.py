"""Database configuration: one tortoise config built from the database URL, SQLite or PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.migrations.executor import MigrationExecutor
from tortoise.utils import get_schema_sql

from umkm_graph.catalog.search_schema import SQLITE_INDEX_TABLES, create_search_indexes
from umkm_graph.core.orm_compat import forget_compiled_statements, table_of
from umkm_graph.settings import Settings

MIGRATIONS_MODULE = "umkm_graph.migrations"
CONNECT_TIMEOUT_SECONDS = 10.0  # a firewalled host answers nothing: a start waits this long, then says so
# Each domain's tortoise models, all in tortoise's one app "models" (foreign keys name them "models.Shop", ...).
MODEL_MODULES = [f"umkm_graph.{domain}.models" for domain in (
    "people", "uploads", "notifications", "password_reset", "shops", "catalog", "balances", "payments", "orders",
    "promotions", "delivery", "office_delivery", "checkout", "reviews", "offline_claims", "city", "growth",
    "procurement")]


def tortoise_config(database_url: str, pool_size: int | None = None) -> dict[str, Any]:
    """The config every opener passes to tortoise (the app, the CLI, scripts, tests). Each opener asks for it just before
    it connects, so this is where statements compiled for a database opened earlier in the process are forgotten:
    tortoise keys them by connection name, not by database, and would send SQLite's text to PostgreSQL."""
    forget_compiled_statements()
    return {
        "connections": {"default": _connection(database_url, pool_size)},
        "apps": _apps_config(),
        "use_tz": True,
        "timezone": "UTC",
    }


def _apps_config() -> dict[str, dict[str, Any]]:
    return {"models": {"models": MODEL_MODULES, "default_connection": "default", "migrations": MIGRATIONS_MODULE}}


def _normalise(url: str) -> str:
    # Operators paste libpq-style URLs; tortoise names its asyncpg backend "postgres".
    for prefix in ("postgresql://", "postgresql+asyncpg://"):
        if url.startswith(prefix):
            return "postgres://" + url[len(prefix):]
    return url


def _connection(database_url: str, pool_size: int | None) -> str | dict[str, Any]:
    """The URL, or for PostgreSQL its expanded form with the pool's size (unless the URL's ?maxsize= gives it)."""
    url = _normalise(database_url)
    if not url.startswith("postgres"):
        return url
    connection = expand_db_url(url)
    credentials = connection["credentials"]
    if pool_size is not None:
        credentials.setdefault("maxsize", pool_size)
    credentials.setdefault("reset", _keep_session)
    return connection


async def _keep_session(_connection: object) -> None:
    """The pool's reset, in place of asyncpg's: its reset query (RESET ALL, UNLISTEN *, CLOSE ALL, unlock advisory
    locks) costs a round trip on every release, and nothing here leaves such session state behind (the migration lock
    is released in a finally). asyncpg still rolls back a connection that comes back inside a transaction."""


# What tortoise's own CLI reads (pyproject's [tool.tortoise]): `tortoise makemigrations` after a model change.
TORTOISE_ORM = tortoise_config(os.environ.get("UMKM_DATABASE_URL") or Settings.database_url)


class DatabaseNotReady(Exception):
    """The database cannot serve as it is: a start stops here, saying why in one line."""


class DatabaseUnreachable(DatabaseNotReady):
    """The database URL names nothing that answers: no such server, file, database or driver, or wrong credentials."""


def redacted(database_url: str) -> str:
    """The URL without its password, to print."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", database_url)


def sqlite_file(database_url: str) -> Path | None:
    """The file a sqlite:// URL names, made absolute from the current folder (None for memory or another database)."""
    if not database_url.startswith("sqlite://") or database_url.startswith("sqlite://:memory:"):
        return None
    return Path(database_url.removeprefix("sqlite://").partition("?")[0]).resolve()


async def check_connection(database_url: str, variable: str = "UMKM_DATABASE_URL") -> None:
    """Ask the open database for one row, so an unreachable one stops a start instead of failing every request."""
    folder = _missing_sqlite_folder(database_url)
    if folder is not None:  # aiosqlite's failed connect would also print its thread's traceback at exit
        raise DatabaseUnreachable(f"cannot reach the database {variable} names ({database_url}): the folder {folder} "
                                  "does not exist")
    try:
        await asyncio.wait_for(Tortoise.get_connection("default").execute_query("SELECT 1"), CONNECT_TIMEOUT_SECONDS)
    except Exception as error:  # whatever the driver raises, it means the same to whoever starts the server
        raise _unreachable(database_url, variable, error) from error


def _missing_sqlite_folder(database_url: str) -> Path | None:
    if not database_url.startswith("sqlite://") or database_url.startswith("sqlite://:memory:"):
        return None
    folder = Path(database_url.removeprefix("sqlite://").partition("?")[0]).parent
    return None if folder.is_dir() else folder


def _unreachable(database_url: str, variable: str, error: BaseException) -> DatabaseUnreachable:
    reason = (str(error).strip().splitlines() or ["no answer"])[0][:200]
    if isinstance(error, TimeoutError):
        reason = f"no answer within {CONNECT_TIMEOUT_SECONDS:g} s"
    return DatabaseUnreachable(f"cannot reach the database {variable} names ({redacted(database_url)}): "
                               f"{type(error).__name__}: {reason}")


async def open_database(database_url: str, *, migrate: bool = True, variable: str = "UMKM_DATABASE_URL") -> None:
    """Connect (for scripts and the CLI) and bring the schema up to date. On failure the connections are closed again,
    or aiosqlite's thread would keep the process from exiting."""
    try:
        try:
            await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)
        except Exception as error:  # an unknown scheme or a missing driver: nothing to connect with
            raise _unreachable(database_url, variable, error) from error
        await check_connection(database_url, variable)
        if migrate:
            await apply_migrations()
    except BaseException:
        with contextlib.suppress(Exception):
            await close_database()
        raise


async def check_database(database_url: str) -> None:
    """Whether a server could start on this database: it answers, and its tables came from the migrations."""
    await open_database(database_url, migrate=False)
    try:
        await refuse_unmigrated_tables()
    finally:
        await close_database()


def _executor() -> MigrationExecutor:
    return MigrationExecutor(Tortoise.get_connection("default"), _apps_config())


async def pending_migrations() -> list[str]:
    """The migrations the open database lacks, in the order they would run."""
    return [step.migration.name for step in await _executor().plan()]


async def apply_migrations(*, replay: bool = False) -> list[str]:
    """Apply the pending migrations to the open database, each in its own transaction; their names.

    An empty database gets at once the schema the whole chain builds (tests/host/test_migrations.py proves them equal)
    and a record of every migration as applied: replaying eighteen migrations costs seconds, as tortoise copies its
    model state at each step. `replay` runs the chain itself, for the test that compares the two."""
    applied: list[str] = []

    def note(event: str, _app: str, name: str) -> None:
        if event == "apply_done":
            applied.append(name)

    async with _one_migrator_at_a_time():
        await refuse_unmigrated_tables()
        executor = _executor()
        if not replay and not await _app_tables():
            pending = [step.migration.name for step in await executor.plan()]
            await _build_schema_at_once()
            await executor.migrate(fake=True)
            return pending
        await executor.migrate(progress=note)
    return applied


async def _app_tables() -> set[str]:
    """The app's tables this database holds, with the record of migrations."""
    client = Tortoise.get_connection("default")
    if client.capabilities.dialect == "postgres":
        sql = "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
    tables = {row["name"] for row in await client.execute_query_dict(sql)}
    return tables & ({table_of(model) for model in Tortoise.apps["models"].values()} | {"tortoise_migrations"})


_TABLES_SQL: dict[str, str] = {}


async def create_model_tables(client: BaseDBAsyncClient) -> None:
    """generate_schemas for one connection, with the SQL written once per dialect and process: writing it costs more
    than running it, and the test suite starts a database for nearly every test."""
    dialect = client.capabilities.dialect
    if dialect not in _TABLES_SQL:
        _TABLES_SQL[dialect] = get_schema_sql(client, safe=False)
    await client.execute_script(_TABLES_SQL[dialect])


async def _create_tables(client: BaseDBAsyncClient) -> None:
    """The models' tables, and the search indexes migration 0009 adds beside them."""
    await create_model_tables(client)
    await create_search_indexes(client)


async def _write_starting_data() -> None:
    """The rows the migrations write into an empty database: the city's starting OPD list (0016)."""
    from umkm_graph.people.opds import ensure_opds  # the one domain module here; it needs the models loaded

    await ensure_opds()


async def _build_schema_at_once() -> None:
    """The models' tables, the search indexes migration 0009 adds beside them, and the migrations' starting rows. Should this fail half-way (SQLite
    runs such a script outside any transaction), the tables made are dropped again, leaving the database empty."""
    client = Tortoise.get_connection("default")
    try:
        await _create_tables(client)
        await _write_starting_data()
    except BaseException:
        postgres = client.capabilities.dialect == "postgres"
        made = set() if postgres else set(SQLITE_INDEX_TABLES)
        with contextlib.suppress(Exception):
            made |= await _app_tables()
        for table in sorted(made):
            with contextlib.suppress(Exception):
                await client.execute_script(f'DROP TABLE IF EXISTS "{table}"{" CASCADE" if postgres else ""}')
        raise


class UnmigratedDatabase(DatabaseNotReady):
    """The database has the app's tables but no record of migrations: made by an older version's start-up."""


async def refuse_unmigrated_tables() -> None:
    """Raise UnmigratedDatabase if the app's tables are there but no record of migrations is."""
    tables = await _app_tables()
    if tables - {"tortoise_migrations"} and "tortoise_migrations" not in tables:
        raise UnmigratedDatabase(
            "the database has tables that no migration made (an older version created them before migrations "
            "existed): migrate an empty database and move the data over, or, for demo data, delete the file and "
            "start again")


MIGRATION_LOCK = 0x756D6B6D  # "umkm": the PostgreSQL advisory lock that migrating processes queue on


@contextlib.asynccontextmanager
async def _one_migrator_at_a_time() -> AsyncIterator[None]:
    """On PostgreSQL, two deploys migrating at once would both create the same tables: the second waits for the first
    and then finds nothing left to apply. A session lock on a connection of its own, as each migration commits apart."""
    client = Tortoise.get_connection("default")
    if client.capabilities.dialect != "postgres":
        yield
        return
    async with client.acquire_connection() as connection:
        await connection.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
        try:
            yield
        finally:
            await connection.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)


async def unmigrated_model_changes() -> list[str]:
    """What the models hold that no migration writes yet: the operations `tortoise makemigrations` would write now."""
    from tortoise.migrations.autodetector import MigrationAutodetector  # only `migrate --check` needs it, not a start

    writers = await MigrationAutodetector(Tortoise.apps, _apps_config()).changes()
    return [operation.describe() for writer in writers for operation in writer.operations]


async def prepare_schema(database_url: str) -> list[str]:
    """At a server's start: bring the schema up to date where this process may, and say which migrations are left.

    A SQLite file has one server process, so it migrates itself. PostgreSQL may have several, so there migrating is a
    deploy step (`umkm-graph migrate`) and a server only reports what is pending (in /readyz). A fresh in-memory
    database gets the models' tables directly: the schema the migrations build (tests/host/test_migrations.py proves it),
    about fifty times faster, which the test suite needs."""
    if database_url == "sqlite://:memory:":
        await _create_tables(Tortoise.get_connection("default"))
        return []
    if database_url.startswith("sqlite"):
        await apply_migrations()
        return []
    return await pending_migrations()


async def close_database() -> None:
    await Tortoise.close_connections()


# The analytics replica (UMKM_ANALYTICS_DATABASE_URL): a second client that only city/analytics_sql/ reads from.
# It stays outside tortoise's config: with two configured connections every `in_transaction()` would have to name one.
# Process-wide, like tortoise's global fallback context, because a lifespan's context variables do not reach requests.
_analytics: BaseDBAsyncClient | None = None


def open_analytics(database_url: str | None) -> None:
    """Point the analytics at a replica (connected on first use), or back at the primary (None)."""
    global _analytics
    if database_url is None:
        _analytics = None
        return
    info = expand_db_url(_normalise(database_url))
    client_class = importlib.import_module(info["engine"]).client_class
    _analytics = client_class(connection_name="analytics", **info["credentials"])


def analytics_connection() -> BaseDBAsyncClient | None:
    """The replica's client, if one is configured."""
    return _analytics


async def close_analytics() -> None:
    global _analytics
    client, _analytics = _analytics, None
    if client is not None:
        await client.close()
