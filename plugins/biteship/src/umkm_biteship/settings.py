"""The plugin's settings, read from its UMKM_BITESHIP_* variables (the host hands them over: PluginSettings)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_BASE_URL = "https://api.biteship.com"
DEFAULT_COURIERS = ("gojek", "grab", "anteraja")
# Biteship sends the secret you set in its dashboard in a header you name there; this is the name we suggest.
DEFAULT_WEBHOOK_HEADER = "X-Biteship-Signature"


@dataclass(frozen=True)
class BiteshipSettings:
    api_key: str
    base_url: str = DEFAULT_BASE_URL
    couriers: tuple[str, ...] = DEFAULT_COURIERS
    webhook_secret: str | None = None  # unset: every webhook is refused (401); polling still works
    webhook_header: str = DEFAULT_WEBHOOK_HEADER
    timeout_seconds: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, timeout_seconds: float = 10.0) -> BiteshipSettings | None:
        """None when no API key is set: the plugin then offers nothing, rather than failing every quote."""
        env = os.environ if env is None else env
        api_key = (env.get("UMKM_BITESHIP_API_KEY") or "").strip()
        if not api_key:
            return None
        couriers = tuple(c.strip().lower() for c in (env.get("UMKM_BITESHIP_COURIERS") or "").split(",") if c.strip())
        return cls(
            api_key=api_key,
            base_url=(env.get("UMKM_BITESHIP_BASE_URL") or DEFAULT_BASE_URL).rstrip("/"),
            couriers=couriers or DEFAULT_COURIERS,
            webhook_secret=env.get("UMKM_BITESHIP_WEBHOOK_SECRET") or None,
            webhook_header=env.get("UMKM_BITESHIP_WEBHOOK_HEADER") or DEFAULT_WEBHOOK_HEADER,
            timeout_seconds=timeout_seconds,
        )
