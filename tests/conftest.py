"""Every test talks to the real app over ASGI, on SQLite in memory, or on PostgreSQL when UMKM_TEST_DATABASE_URL is set.
Shared helpers are in tests/helpers; the fixtures here are the ones tests of several folders ask for by name."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator

import pytest

from tests.helpers.api import METRICS_TOKEN, Api, serve
from tests.helpers.database import REDIS_URL, TEST_DATABASE_URL, empty_postgres, ensure_postgres, redis_available
from tests.helpers.payments import Live, serve_live
from umkm_graph.settings import Settings

@pytest.fixture(scope="session", autouse=True)
def fresh_postgres_schema() -> None:
    if TEST_DATABASE_URL:
        asyncio.run(ensure_postgres(TEST_DATABASE_URL))
        asyncio.run(empty_postgres(TEST_DATABASE_URL))


@pytest.fixture
def settings() -> Settings:
    return Settings(database_url=TEST_DATABASE_URL or "sqlite://:memory:", secret_key="test-secret-key-for-umkm-graph-tests-only",
                    metrics_token=METRICS_TOKEN)


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[Api]:
    async with serve(settings) as served:
        yield served


@pytest.fixture
def live_settings(settings: Settings) -> Settings:
    """Short timeouts, so the failure tests are quick; two retries, as in production."""
    return dataclasses.replace(settings, provider_timeout_seconds=1.0, provider_retries=2)


@pytest.fixture
async def live(live_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Live]:
    """The app over real HTTP beside a fake Midtrans."""
    async with serve_live(live_settings, monkeypatch) as running:
        yield running


@pytest.fixture
async def redis_settings(settings: Settings) -> Settings:
    """The test settings on the Redis at REDIS_URL, under a prefix of their own; the test is skipped without Redis."""
    if not await redis_available():
        pytest.skip(f"needs Redis at {REDIS_URL}")
    return dataclasses.replace(settings, redis_url=REDIS_URL, redis_prefix=f"test-limits-{uuid.uuid4().hex}")
