"""Every setting, read from UMKM_* environment variables, with safe embedded defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

DEFAULT_SECRET_KEY = "umkm-graph-development-secret-key-not-for-production"


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc


def _list(env: dict[str, str], name: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in env.get(name, "").split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite://umkm_graph.db"
    secret_key: str = DEFAULT_SECRET_KEY
    token_ttl_seconds: int = 7 * 24 * 3600
    max_page_size: int = 100
    default_page_size: int = 20
    cod_max_order_value: int = 2_000_000
    plugins_dir: str | None = None
    blocked_plugins: tuple[str, ...] = field(default_factory=tuple)
    provider_timeout_seconds: float = 10.0
    env: str = "development"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        return cls(
            database_url=env.get("UMKM_DATABASE_URL") or cls.database_url,
            secret_key=env.get("UMKM_SECRET_KEY") or DEFAULT_SECRET_KEY,
            token_ttl_seconds=_int(env, "UMKM_TOKEN_TTL_SECONDS", cls.token_ttl_seconds),
            max_page_size=_int(env, "UMKM_MAX_PAGE_SIZE", cls.max_page_size),
            default_page_size=_int(env, "UMKM_DEFAULT_PAGE_SIZE", cls.default_page_size),
            cod_max_order_value=_int(env, "UMKM_COD_MAX_ORDER_VALUE", cls.cod_max_order_value),
            plugins_dir=env.get("UMKM_PLUGINS_DIR") or None,
            blocked_plugins=_list(env, "UMKM_BLOCKED_PLUGINS"),
            provider_timeout_seconds=float(env.get("UMKM_PROVIDER_TIMEOUT_SECONDS") or 10.0),
            env=env.get("UMKM_ENV") or "development",
        )
