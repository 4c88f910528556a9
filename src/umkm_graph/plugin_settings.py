"""What a plugin's hooks receive of the host's settings (umkm_graph.settings re-exports it, and plugins import it
there): a few values and the plugin's own UMKM_<NAME>_* variables, never a secret of the host's."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from umkm_graph.settings import Settings


@dataclass(frozen=True, slots=True)
class PluginSettings:
    """The few host settings a plugin may read, and its own UMKM_<NAME>_* variables; no secret of the host's."""

    env: str = "development"
    provider_timeout_seconds: float = 10.0  # size an HTTP client's timeout by it: the host gives up after it anyway
    cod_max_order_value: int = 2_000_000  # the largest order total (rupiah) a buyer may pay in cash on handover

    @classmethod
    def from_settings(cls, settings: Settings) -> PluginSettings:
        return cls(
            env=settings.env,
            provider_timeout_seconds=settings.provider_timeout_seconds,
            cod_max_order_value=settings.cod_max_order_value,
        )

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    def plugin_variables(self, name: str) -> dict[str, str]:
        """The UMKM_<NAME>_* environment variables, by their full names, read now; none of the host's own."""
        if not (name.isascii() and name[:1].isalpha() and name.replace("_", "").isalnum()):
            raise ValueError(f"{name!r} is not a plugin's name: use letters, digits and underscores, e.g. 'MIDTRANS'")
        from umkm_graph.settings import HOST_VARIABLES  # the host's settings import this module: read when called

        prefix = f"UMKM_{name.upper()}_"
        return {key: value for key, value in os.environ.items() if key.startswith(prefix) and key not in HOST_VARIABLES}
