"""Every test talks to the real app over ASGI, on SQLite in memory, or on PostgreSQL when UMKM_TEST_DATABASE_URL is set."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx2
import pytest

from tests.support import TEST_DATABASE_URL, Api, empty_postgres, reset_database
from umkm_graph.app import create_app
from umkm_graph.catalog.service import ensure_categories
from umkm_graph.settings import Settings


@pytest.fixture(scope="session", autouse=True)
def fresh_postgres_schema() -> None:
    if TEST_DATABASE_URL:
        asyncio.run(empty_postgres(TEST_DATABASE_URL))


@pytest.fixture
def settings() -> Settings:
    return Settings(database_url=TEST_DATABASE_URL or "sqlite://:memory:", secret_key="test-secret-key-for-umkm-graph-tests-only")


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[Api]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        if TEST_DATABASE_URL:
            await reset_database()
            await ensure_categories()
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Api(client)
