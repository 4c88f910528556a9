"""The plugin's hooks: one Midtrans provider, when a server key is configured (no key, no Midtrans methods)."""

from __future__ import annotations

import os

from umkm_graph.hookspecs import PaymentProvider, hookimpl
from umkm_graph.settings import Settings
from umkm_midtrans.provider import Midtrans, MidtransConfig


@hookimpl
def register_payment_providers(settings: Settings) -> list[PaymentProvider]:
    config = MidtransConfig.from_env(os.environ, timeout=settings.provider_timeout_seconds)
    return [Midtrans(config)] if config is not None else []
