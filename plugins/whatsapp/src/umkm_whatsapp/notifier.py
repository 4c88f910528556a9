"""The WhatsApp notifier: one template message per Message, named by its kind, with its values as body parameters;
Meta's answer gives the message's id (wamid), which its status webhooks name (reports.py reads them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp

from umkm_graph.hookspecs import DeliveryReport, Message, Notifier, ProviderRefused
from umkm_whatsapp.reports import REFUSED_CODES, read_status_webhook
from umkm_whatsapp.settings import WhatsAppSettings


class WhatsAppNotifier(Notifier):
    channel = "whatsapp"
    display_name = "WhatsApp"

    def __init__(self, settings: WhatsAppSettings) -> None:
        self.settings = settings

    def payload(self, message: Message) -> dict[str, Any]:
        parameters = [{"type": "text", "text": value} for value in message.parameters]
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": message.address,
            "type": "template",
            "template": {
                "name": f"{self.settings.template_prefix}{message.kind.lower()}",
                "language": {"code": message.language},
                "components": [{"type": "body", "parameters": parameters}] if parameters else [],
            },
            # Echoed in Meta's status webhooks: ties a delivery report (and a repeat) to the outbox row.
            "biz_opaque_callback_data": f"umkm-outbox-{message.id}",
        }

    async def send(self, message: Message) -> str:
        settings = self.settings
        url = f"{settings.base_url}/{settings.api_version}/{settings.phone_number_id}/messages"
        headers = {"Authorization": f"Bearer {settings.access_token}"}
        timeout = aiohttp.ClientTimeout(total=settings.timeout_seconds)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.post(url, json=self.payload(message), headers=headers) as response:
                body = await response.json(content_type=None)
        if response.status == 200 and body.get("messages"):
            return str(body["messages"][0]["id"])
        error = body.get("error", {}) if isinstance(body, dict) else {}
        code, text = error.get("code"), error.get("message") or f"HTTP {response.status}"
        if response.status == 400 and code in REFUSED_CODES:
            raise ProviderRefused(f"{text} (WhatsApp error {code})")
        raise RuntimeError(f"WhatsApp answered HTTP {response.status}: {text} (error {code})")

    def parse_webhook(self, raw: bytes, headers: Mapping[str, str]) -> list[DeliveryReport]:
        return read_status_webhook(raw, headers, self.settings)
