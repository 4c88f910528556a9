"""The hook the host calls: one Biteship courier provider, when an API key is set."""

from __future__ import annotations

import logging

from umkm_biteship.provider import BiteshipCourier
from umkm_biteship.settings import BiteshipSettings
from umkm_graph.hookspecs import DeliveryProvider, hookimpl
from umkm_graph.settings import PluginSettings

log = logging.getLogger("umkm_biteship")


@hookimpl
def register_delivery_providers(settings: PluginSettings) -> list[DeliveryProvider]:
    variables = settings.plugin_variables("BITESHIP")
    biteship = BiteshipSettings.from_env(variables, timeout_seconds=settings.provider_timeout_seconds)
    if biteship is None:
        log.info("biteship: UMKM_BITESHIP_API_KEY is not set; no courier offered")
        return []
    return [BiteshipCourier(biteship)]


@hookimpl
def plugin_needs(settings: PluginSettings) -> list[str]:
    if BiteshipSettings.from_env(settings.plugin_variables("BITESHIP"), timeout_seconds=1) is not None:
        return []
    return ["set UMKM_BITESHIP_API_KEY (the API key from Biteship's dashboard) to offer its couriers",
            "set UMKM_BITESHIP_WEBHOOK_SECRET too, or its tracking webhooks are refused"]
