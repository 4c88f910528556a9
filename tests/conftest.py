"""Every test talks to the real app over ASGI, on SQLite in memory, or on PostgreSQL when UMKM_TEST_DATABASE_URL is set.
Shared helpers are in tests/helpers; the fixtures here are the ones tests of several folders ask for by name."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from argon2 import PasswordHasher, profiles

from tests.helpers.api import METRICS_TOKEN, Api, serve
from tests.helpers.database import REDIS_URL, TEST_DATABASE_URL, empty_postgres, ensure_postgres, redis_available
from tests.helpers.payments import Live, serve_live
from umkm_graph.people.service import use_password_hasher
from umkm_graph.settings import Settings

# Thousands of accounts are made across the suite: argon2's production cost (about 0.2 s of CPU a hash) would be most
# of its time. The tests about what hashing costs ask for `real_password_hashing`.
PRODUCTION_HASHER = use_password_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))


@pytest.fixture
def real_password_hashing() -> Iterator[None]:
    """Passwords hashed at production cost in this test, for the tests about what a hash costs."""
    cheap = use_password_hasher(PRODUCTION_HASHER)
    yield
    use_password_hasher(cheap)

@pytest.fixture(scope="session", autouse=True)
def fresh_postgres_schema() -> None:
    if TEST_DATABASE_URL:
        asyncio.run(ensure_postgres(TEST_DATABASE_URL))
        asyncio.run(empty_postgres(TEST_DATABASE_URL))


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Where the tests' uploaded photos go (one folder per worker: content-addressed files never clash)."""
    return str(tmp_path_factory.mktemp("media"))


@pytest.fixture
def settings(media_dir: str) -> Settings:
    return Settings(database_url=TEST_DATABASE_URL or "sqlite://:memory:", secret_key="test-secret-key-for-umkm-graph-tests-only",
                    metrics_token=METRICS_TOKEN, media_dir=media_dir)


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
