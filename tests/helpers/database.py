"""Which database the suite runs on (SQLite in memory, or PostgreSQL when UMKM_TEST_DATABASE_URL is set) and
emptying it; and the Redis that the tests needing one use when it answers."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.context import TortoiseContext
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget

from umkm_graph.db import apply_migrations, tortoise_config



def _worker_database(url: str | None) -> str | None:
    """Under pytest-xdist each worker gets a PostgreSQL database of its own (test_gw0, test_gw1, ...): the tests empty
    and migrate their database, which workers sharing one would do under each other's feet."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker or not url.startswith("postgres"):
        return url
    base, _, name = url.rpartition("/")
    return f"{base}/{name}_{worker}"


SHARED_TEST_DATABASE_URL = os.environ.get("UMKM_TEST_DATABASE_URL")
TEST_DATABASE_URL = _worker_database(SHARED_TEST_DATABASE_URL)
REDIS_URL = os.environ.get("UMKM_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
_fresh_schema = False


async def ensure_postgres(url: str) -> None:
    """Create the test database when it is missing (a worker's own, named after the one UMKM_TEST_DATABASE_URL names)."""
    import asyncpg

    base, _, name = url.rpartition("/")
    admin = SHARED_TEST_DATABASE_URL or f"{base}/postgres"
    connection = await asyncpg.connect(admin.replace("postgres://", "postgresql://", 1))
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def empty_postgres(url: str) -> None:
    """Drop every table of a PostgreSQL test database, and the record of its migrations, before any app starts on it:
    the next reset_database migrates it afresh, so nothing an older version of the models left lingers."""
    import asyncpg

    global _fresh_schema
    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()
    _fresh_schema = False


async def reset_database() -> None:
    """Empty every table (PostgreSQL keeps tables between tests; SQLite tests use a fresh in-memory database).

    The first reset in a run rebuilds the schema through the migrations, as a deployment does, so tables left by an
    older version of the models cannot linger."""
    global _fresh_schema
    conn = Tortoise.get_connection("default")
    if not _fresh_schema:
        await conn.execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        await apply_migrations()
        _fresh_schema = True
        return
    tables = [model._meta.db_table for model in Tortoise.apps["models"].values()]
    await conn.execute_script(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def forget_schema() -> None:
    """Something outside reset_database dropped the tables: the next reset migrates afresh."""
    global _fresh_schema
    _fresh_schema = False


async def redis_available(url: str = REDIS_URL) -> bool:
    import redis.asyncio as redis

    client = redis.from_url(url, socket_connect_timeout=1)
    try:
        return bool(await client.ping())
    except Exception:
        return False
    finally:
        await client.aclose()


@contextlib.asynccontextmanager
async def migrated_up_to(migration: str) -> AsyncIterator[BaseDBAsyncClient]:
    """The test database (SQLite in memory, or PostgreSQL emptied) migrated up to this migration only, open in a
    tortoise context of its own: a test writes rows as that version did, then applies the rest."""
    url = TEST_DATABASE_URL or "sqlite://:memory:"
    if url.startswith("postgres"):
        await empty_postgres(url)  # the next test's reset migrates it afresh
    async with TortoiseContext() as context:
        config = tortoise_config(url)
        await context.init(config=config)
        connection = context.connections.get("default")
        await MigrationExecutor(connection, config["apps"]).migrate([MigrationTarget("models", migration)])
        yield connection
