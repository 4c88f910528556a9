"""The hook the host calls: one WhatsApp notifier, when an access token and a phone number id are set."""

from __future__ import annotations

import logging

from umkm_graph.hookspecs import Notifier, hookimpl
from umkm_graph.settings import PluginSettings
from umkm_whatsapp.notifier import WhatsAppNotifier
from umkm_whatsapp.settings import WhatsAppSettings

log = logging.getLogger("umkm_whatsapp")


@hookimpl
def register_notifiers(settings: PluginSettings) -> list[Notifier]:
    variables = settings.plugin_variables("WHATSAPP")
    whatsapp = WhatsAppSettings.from_env(variables, timeout_seconds=settings.provider_timeout_seconds)
    if whatsapp is None:
        log.info("whatsapp: UMKM_WHATSAPP_ACCESS_TOKEN or UMKM_WHATSAPP_PHONE_NUMBER_ID is not set; no channel offered")
        return []
    return [WhatsAppNotifier(whatsapp)]


@hookimpl
def plugin_needs(settings: PluginSettings) -> list[str]:
    if WhatsAppSettings.from_env(settings.plugin_variables("WHATSAPP"), timeout_seconds=1) is not None:
        return []
    return ["set UMKM_WHATSAPP_ACCESS_TOKEN and UMKM_WHATSAPP_PHONE_NUMBER_ID (from Meta's WhatsApp Business "
            "dashboard) to offer the whatsapp channel"]
