"""Database configuration: one tortoise config built from the database URL, SQLite or PostgreSQL."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise

from umkm_graph.models import MODEL_MODULES


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": _normalise(database_url)},
        "apps": {"models": {"models": MODEL_MODULES, "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


def _normalise(url: str) -> str:
    # Operators paste libpq-style URLs; tortoise names its asyncpg backend "postgres".
    for prefix in ("postgresql://", "postgresql+asyncpg://"):
        if url.startswith(prefix):
            return "postgres://" + url[len(prefix):]
    return url


async def open_database(database_url: str, *, create_tables: bool = True) -> None:
    """Connect (for scripts and the CLI) and create missing tables."""
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)
    if create_tables:
        await Tortoise.generate_schemas(safe=True)


async def close_database() -> None:
    await Tortoise.close_connections()
