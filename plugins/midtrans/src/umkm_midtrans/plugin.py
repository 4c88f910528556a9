"""The plugin's hooks: one Midtrans provider, when a server key is configured (no key, no Midtrans methods)."""

from __future__ import annotations

from umkm_graph.hookspecs import PaymentProvider, hookimpl
from umkm_graph.settings import PluginSettings
from umkm_midtrans.provider import Midtrans, MidtransConfig


@hookimpl
def register_payment_providers(settings: PluginSettings) -> list[PaymentProvider]:
    config = MidtransConfig.from_env(settings.plugin_variables("MIDTRANS"), timeout=settings.provider_timeout_seconds)
    return [Midtrans(config)] if config is not None else []


@hookimpl
def plugin_needs(settings: PluginSettings) -> list[str]:
    if MidtransConfig.from_env(settings.plugin_variables("MIDTRANS"), timeout=1) is not None:
        return []
    return ["set UMKM_MIDTRANS_SERVER_KEY (the server key from Midtrans' dashboard) to offer QRIS and virtual accounts"]
