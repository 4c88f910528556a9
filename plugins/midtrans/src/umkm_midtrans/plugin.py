"""The plugin's hooks: one Midtrans provider, when a server key is configured (no key, no Midtrans methods); and Iris
payouts, when both Iris keys are."""

from __future__ import annotations

from umkm_graph.hookspecs import DisbursementProvider, PaymentProvider, hookimpl
from umkm_graph.settings import PluginSettings
from umkm_midtrans.iris import Iris, IrisConfig
from umkm_midtrans.provider import Midtrans, MidtransConfig


@hookimpl
def register_payment_providers(settings: PluginSettings) -> list[PaymentProvider]:
    config = MidtransConfig.from_env(settings.plugin_variables("MIDTRANS"), timeout=settings.provider_timeout_seconds)
    return [Midtrans(config)] if config is not None else []


@hookimpl
def register_disbursement_providers(settings: PluginSettings) -> list[DisbursementProvider]:
    config = IrisConfig.from_env(settings.plugin_variables("MIDTRANS"), timeout=settings.provider_timeout_seconds)
    return [Iris(config)] if config is not None else []


@hookimpl
def plugin_needs(settings: PluginSettings) -> list[str]:
    if MidtransConfig.from_env(settings.plugin_variables("MIDTRANS"), timeout=1) is not None:
        return []
    return ["set UMKM_MIDTRANS_SERVER_KEY (the server key from Midtrans' dashboard) to offer QRIS and virtual accounts"]
