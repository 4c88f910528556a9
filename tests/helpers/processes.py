"""Several server processes on one database: a deployed PostgreSQL with Redis, a shared database for crash tests, and
the checks that its data stays whole."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from umkm_graph.db import sqlite_file

from tests.helpers import database
from tests.helpers.demo_copy import seeded_sqlite
from tests.helpers.database import REDIS_URL, TEST_DATABASE_URL, empty_postgres, redis_available


async def deployed_env() -> dict[str, str]:
    """The environment of servers sharing one fresh, migrated and seeded PostgreSQL database and one Redis; the test is
    skipped without them."""
    url = TEST_DATABASE_URL
    if not url or not url.startswith("postgres"):
        pytest.skip("needs UMKM_TEST_DATABASE_URL on PostgreSQL (several processes cannot share an in-memory SQLite)")
    if not await redis_available():
        pytest.skip(f"needs Redis at {REDIS_URL}")
    await empty_postgres(url)
    env = {"UMKM_DATABASE_URL": url, "UMKM_REDIS_URL": REDIS_URL, "UMKM_REDIS_CHANNEL": f"test:{uuid.uuid4().hex}",
           "UMKM_SECRET_KEY": "two-process-test-secret-key-0123456789", "UMKM_PAYMENT_JOBS_INTERVAL_SECONDS": "0"}
    for step in ("migrate", "seed"):  # as docs/deployment.md deploys: migrate once, then start the servers
        subprocess.run([sys.executable, "-m", "umkm_graph.cli", step], env={**os.environ, **env}, check=True,
                       capture_output=True)
    return env


DEMO_SHOP = """
{ shop(slug: "toko-sembako-bu-sri") { id products(first: 50) { edges { node { id stock } } } } }
"""
CHECKOUT = """
mutation($input: CheckoutInput!) { checkout(input: $input) { checkout { id } errors { code field message } } }
"""


# Each one must find nothing.
BROKEN = {
    "orders without lines": "SELECT o.id FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)",
    "orders without a payment": "SELECT o.id FROM orders o WHERE NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id)",
    "orders without history": "SELECT o.id FROM orders o WHERE NOT EXISTS "
                              "(SELECT 1 FROM order_transitions t WHERE t.order_id = o.id)",
    "payments without an order": "SELECT p.id FROM payments p WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = p.order_id)",
    "checkouts without orders": "SELECT c.id FROM checkouts c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.checkout_id = c.id)",
    "negative stock": "SELECT id FROM products WHERE stock < 0",
}
Query = Callable[[str], Awaitable[list[tuple[Any, ...]]]]


async def shared_database(tmp_path: Path) -> tuple[str, Query]:
    """An empty database the server processes share, and a way to read it from here."""
    url = TEST_DATABASE_URL
    if url and url.startswith("postgres"):
        import asyncpg

        dsn = url.replace("postgres://", "postgresql://", 1)
        connection = await asyncpg.connect(dsn)
        try:
            await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        finally:
            await connection.close()
        database.forget_schema()  # the next in-process test rebuilds the schema as it expects

        async def query_postgres(sql: str) -> list[tuple[Any, ...]]:
            connection = await asyncpg.connect(dsn)
            try:
                return [tuple(row) for row in await connection.fetch(sql)]
            finally:
                await connection.close()

        return url, query_postgres
    path = tmp_path / "crash.db"

    async def query_sqlite(sql: str) -> list[tuple[Any, ...]]:
        with sqlite3.connect(path) as connection:
            return list(connection.execute(sql).fetchall())

    return f"sqlite://{path}", query_sqlite


async def stock_by_product(query: Query) -> dict[int, int]:
    return {row[0]: row[1] for row in await query("SELECT id, stock FROM products")}


CRASH_ENV = {"UMKM_SECRET_KEY": "crash-test-secret-key-0123456789abcdef", "UMKM_RATE_LIMIT_PER_IP": "0",
             "UMKM_RATE_LIMIT_PER_USER": "0", "UMKM_PAYMENT_JOBS_INTERVAL_SECONDS": "0"}


async def seeded_shared_database(tmp_path: Path, **settings: str) -> tuple[dict[str, str], Query]:
    """The environment of servers to kill mid-load (no rate limits, no payment jobs, plus `settings`) on a shared
    database seeded with the demo, and a way to read that database from here."""
    database_url, query = await shared_database(tmp_path)
    env = {"UMKM_DATABASE_URL": database_url, **CRASH_ENV, **settings}
    seed(env)
    return env, query


def seed(env: dict[str, str]) -> None:
    """`umkm-graph seed` on the database env names (empty); on SQLite, a copy of this worker's seeded template."""
    if file := sqlite_file(env["UMKM_DATABASE_URL"]):
        seeded_sqlite(file, env)
        return
    subprocess.run([sys.executable, "-m", "umkm_graph.cli", "seed"], env={**os.environ, **env}, check=True,
                   capture_output=True)


async def demo_shop_in_stock(api: Any) -> tuple[str, list[str]]:
    """The demo shop's id and the ids of its products in stock, as a buyer sees them."""
    shop = (await api.gql(DEMO_SHOP))["shop"]
    return shop["id"], [edge["node"]["id"] for edge in shop["products"]["edges"] if edge["node"]["stock"] > 0]
