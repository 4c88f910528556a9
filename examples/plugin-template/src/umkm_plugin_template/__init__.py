"""Pay on handover by scanning the shop's own static QRIS sticker: the smallest useful umkm-graph payment plugin.

Many warung already have a static QRIS from their bank. The buyer scans it when the goods arrive (or at the counter),
and the seller confirms the money came in, exactly as with cash: so the method is `cash_on_delivery=True`, and there is
no gateway to call. A cashless gateway (a dynamic QR per order, virtual accounts) also implements `get_status` and
`parse_webhook`, and marks its methods `refundable`: see docs/plugins.md and plugins/midtrans.

It also shows a notifier, the other kind of plugin: `SmsSpool` writes each message for the `sms` channel as one JSON
line to a spool file that an SMS modem daemon (gammu-smsd, say) sends from, when UMKM_PLUGIN_TEMPLATE_SMS_SPOOL is set.

Import only umkm_graph.hookspecs (and umkm_graph.settings for PluginSettings, the type of `settings`): nothing else of
the host is public.
"""

from __future__ import annotations

import json
from pathlib import Path

from umkm_graph.hookspecs import (
    Message,
    Notifier,
    PaymentMethodInfo,
    PaymentProvider,
    PaymentRequest,
    PaymentResult,
    hookimpl,
)
from umkm_graph.settings import PluginSettings

__version__ = "0.1.0"

DEFAULT_MAX_AMOUNT = 5_000_000  # rupiah; a static QRIS has a per-transaction cap at the bank


class QrisOnDelivery(PaymentProvider):
    code = "qris_on_delivery"  # lowercase, unique among payment providers
    display_name = "QRIS toko (scan on handover)"

    def __init__(self, max_amount: int) -> None:
        # Method codes are capitals, unique across every plugin: prefix them with something of yours.
        self.methods = (
            PaymentMethodInfo(code="QRIS_ON_DELIVERY", display_name=self.display_name, cash_on_delivery=True,
                              max_amount=max_amount),
        )

    def create_payment(self, request: PaymentRequest) -> PaymentResult:
        # Plain (not async): nothing here waits on the network. request.reference is unique per order; a gateway would
        # use it as the idempotency key, since the host retries create_payment.
        return PaymentResult(provider_reference=f"qris-{request.reference}")


@hookimpl
def register_payment_providers(settings: PluginSettings) -> list[PaymentProvider]:
    # A plugin's own settings are its UMKM_<NAME>_* variables; `settings` hands them over, and none of the host's.
    variables = settings.plugin_variables("QRIS_ON_DELIVERY")
    max_amount = int(variables.get("UMKM_QRIS_ON_DELIVERY_MAX_AMOUNT") or DEFAULT_MAX_AMOUNT)
    return [QrisOnDelivery(max_amount)]


class SmsSpool(Notifier):
    channel = "sms"  # lowercase, unique among notifiers; people switch it on in their notification preferences
    display_name = "SMS"

    def __init__(self, spool: Path) -> None:
        self.spool = spool

    def send(self, message: Message) -> None:
        # The message is already in the person's language; address is their phone, as digits with the country code.
        # Raising would have the host try again later; message.id lets the daemon drop a repeat.
        line = {"id": message.id, "to": message.address, "text": f"{message.subject}: {message.body}"}
        with self.spool.open("a", encoding="utf-8") as spool:
            spool.write(json.dumps(line) + "\n")


@hookimpl
def register_notifiers(settings: PluginSettings) -> list[Notifier]:
    spool = settings.plugin_variables("PLUGIN_TEMPLATE").get("UMKM_PLUGIN_TEMPLATE_SMS_SPOOL")
    return [SmsSpool(Path(spool))] if spool else []
