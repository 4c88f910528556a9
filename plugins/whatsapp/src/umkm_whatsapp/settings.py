"""The plugin's settings, read from its UMKM_WHATSAPP_* variables (the host hands them over: PluginSettings)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_BASE_URL = "https://graph.facebook.com"
DEFAULT_API_VERSION = "v21.0"
DEFAULT_TEMPLATE_PREFIX = "umkm_"


@dataclass(frozen=True)
class WhatsAppSettings:
    access_token: str
    phone_number_id: str
    base_url: str = DEFAULT_BASE_URL
    api_version: str = DEFAULT_API_VERSION
    template_prefix: str = DEFAULT_TEMPLATE_PREFIX
    timeout_seconds: float = 10.0
    app_secret: str = ""  # the Meta app's secret, which signs the status webhooks; empty: every webhook is refused

    @classmethod
    def from_env(cls, env: Mapping[str, str], timeout_seconds: float = 10.0) -> WhatsAppSettings | None:
        """None without an access token and a phone number id: the plugin then offers no channel."""
        token = (env.get("UMKM_WHATSAPP_ACCESS_TOKEN") or "").strip()
        number = (env.get("UMKM_WHATSAPP_PHONE_NUMBER_ID") or "").strip()
        if not token or not number:
            return None
        return cls(
            access_token=token, phone_number_id=number,
            base_url=(env.get("UMKM_WHATSAPP_BASE_URL") or DEFAULT_BASE_URL).rstrip("/"),
            api_version=env.get("UMKM_WHATSAPP_API_VERSION") or DEFAULT_API_VERSION,
            template_prefix=env.get("UMKM_WHATSAPP_TEMPLATE_PREFIX") or DEFAULT_TEMPLATE_PREFIX,
            timeout_seconds=timeout_seconds,
            app_secret=(env.get("UMKM_WHATSAPP_APP_SECRET") or "").strip(),
        )
