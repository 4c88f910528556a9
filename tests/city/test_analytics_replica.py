"""An analytics replica (UMKM_ANALYTICS_DATABASE_URL): the city's aggregates read from it, while checkouts write to the
primary. Here the "replica" is a second database (a SQLite file, or a second PostgreSQL database) holding the seeded
demo city, which the primary (the test database) does not hold, so every figure shows which database it came from.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.api import Api, asgi_client, started_app
from tests.helpers.checkout import CHECKOUT, cart, market
from tests.helpers.database import TEST_DATABASE_URL, empty_postgres
from tests.helpers.people import city_person
from tests.helpers.processes import seed
from umkm_graph.cli import main
from umkm_graph.orders.models import Order
from umkm_graph.people.models import Role
from umkm_graph.settings import Settings

SALES = """
query($period: PeriodInput!) {
  salesAggregates(period: $period, interval: MONTH, by: [KECAMATAN]) { rows { start kecamatan suppressed orders gmv } }
}
"""
OCTOBER = {"month": "2026-10"}  # the seeded demo city's busy month


def _seeded(url: str) -> str:
    seed({"UMKM_DATABASE_URL": url})
    return url


async def _replica(tmp_path: Path) -> tuple[str, Callable[[], Awaitable[int]]]:
    """A seeded database of the primary's kind, and a way to count its orders from outside the app. On PostgreSQL it
    is a second database next to the test database, named after it."""
    if not (TEST_DATABASE_URL and TEST_DATABASE_URL.startswith("postgres")):
        path = tmp_path / "replica.db"

        async def sqlite_orders() -> int:
            with sqlite3.connect(path) as connection:
                return int(connection.execute("SELECT COUNT(*) FROM orders").fetchone()[0])

        return _seeded(f"sqlite://{path}"), sqlite_orders
    import asyncpg

    primary = TEST_DATABASE_URL.replace("postgres://", "postgresql://", 1)
    base, _, name = primary.rpartition("/")
    dsn = f"{base}/{name}_replica"
    connection = await asyncpg.connect(primary)
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", f"{name}_replica"):
            await connection.execute(f'CREATE DATABASE "{name}_replica"')
    finally:
        await connection.close()
    await empty_postgres(dsn)

    async def postgres_orders() -> int:
        replica = await asyncpg.connect(dsn)
        try:
            return int(await replica.fetchval("SELECT COUNT(*) FROM orders"))
        finally:
            await replica.close()

    return _seeded(dsn), postgres_orders


@asynccontextmanager
async def _app(settings: Settings) -> AsyncIterator[Api]:
    reset = settings.database_url == TEST_DATABASE_URL
    async with started_app(settings, reset=reset) as app, asgi_client(app) as client:
        yield Api(client)


async def _october_sales(api: Api) -> list[dict[str, Any]]:
    analyst = await city_person(api, Role.ANALYST)
    rows: list[dict[str, Any]] = (await api.gql(SALES, {"period": OCTOBER}, analyst.token))["salesAggregates"]["rows"]
    return rows


async def test_aggregates_read_the_replica_while_checkouts_write_the_primary(
    settings: Settings, tmp_path: Path
) -> None:
    replica, orders_in_replica = await _replica(tmp_path)
    async with _app(dataclasses.replace(settings, database_url=replica)) as on_replica_itself:
        expected = await _october_sales(on_replica_itself)
    assert [row for row in expected if not row["suppressed"] and row["orders"]], "the demo city sold in October"
    async with _app(settings) as primary_alone:
        assert await _october_sales(primary_alone) == []  # the primary has no sales of its own
    orders_before = await orders_in_replica()

    async with _app(dataclasses.replace(settings, analytics_database_url=replica)) as api:
        assert await _october_sales(api) == expected  # read from the replica
        m = await market(api)
        await api.ok(CHECKOUT, cart([(m.beras, 2)], [(m.shop, "pickup")]), m.buyer.token)
        assert await Order.all().count() == 1  # the checkout wrote to the primary...
        assert await orders_in_replica() == orders_before  # ...and not to the replica
        assert await _october_sales(api) == expected


def test_the_report_command_reads_only_the_replica(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    replica = _seeded(f"sqlite://{tmp_path / 'replica.db'}")  # the command runs on its own: SQLite files suffice
    monkeypatch.setenv("UMKM_MIN_GROUP_SIZE", "2")
    monkeypatch.setenv("UMKM_DATABASE_URL", replica)
    assert main(["report", "--month", "2026-10", "--format", "json"]) == 0
    expected = json.loads(capsys.readouterr().out)
    assert expected["top_umkm"] and expected["participation"][0]["registered_asn"] == 24

    primary = tmp_path / "primary.db"
    monkeypatch.setenv("UMKM_DATABASE_URL", f"sqlite://{primary}")
    monkeypatch.setenv("UMKM_ANALYTICS_DATABASE_URL", replica)
    assert main(["report", "--month", "2026-10", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == expected
    assert not primary.exists()  # the primary was not even opened
