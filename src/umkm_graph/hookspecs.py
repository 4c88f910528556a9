"""Every hook a plugin can implement, and the public types that cross them (datasette's hookspecs.py is the model).

A plugin imports only this module, and `PluginSettings` from umkm_graph.settings: what its hooks receive, never the
host's Settings. It implements hooks with `@hookimpl`, whose parameters are a subset of the spec's and have no defaults;
pluggy calls hooks with keyword arguments only. No hook here is firstresult: every plugin's answer counts. Providers are
objects built on the base classes below; the host calls their methods, and a method may return its value or an
awaitable of it. The host awaits with a timeout (UMKM_PROVIDER_TIMEOUT_SECONDS), and a method that raises or hangs fails
only the operation that called it. Keep blocking work out of plain methods: anything that waits on the network belongs
in an `async def`.

Money is int rupiah everywhere. The dataclasses only ever grow fields with defaults, so a plugin written today keeps working.

The types live in umkm_graph.plugin_contract, one module per kind of provider; every one of them is re-exported here.
"""

from __future__ import annotations

import pluggy

from umkm_graph.plugin_contract.common import (
    BuyerInfo,
    Destination,
    Item,
    MaybeAwaitable,
    ProviderRefused,
    ShopInfo,
    WebhookPayloadError,
    WebhookSignatureError,
)
from umkm_graph.plugin_contract.delivery import (
    CashRemittance,
    DeliveryKind,
    DeliveryProvider,
    DeliveryQuote,
    QuoteRequest,
    Shipment,
    ShipmentCancelRequest,
    ShipmentEvent,
    ShipmentRequest,
    ShipmentStatus,
    ShipmentStatusRequest,
)
from umkm_graph.plugin_contract.disbursement import (
    BankAccount,
    DisbursementProvider,
    PayoutRequest,
    PayoutResult,
    PayoutState,
    PayoutStatusRequest,
)
from umkm_graph.plugin_contract.notification import DeliveryReport, DeliveryState, Message, Notifier
from umkm_graph.plugin_contract.payment import (
    PaymentAction,
    PaymentCancelRequest,
    PaymentEvent,
    PaymentEventStatus,
    PaymentMethodInfo,
    PaymentPart,
    PaymentProvider,
    PaymentRequest,
    PaymentResult,
    PaymentStatusRequest,
    RefundRequest,
    RefundResult,
)
from umkm_graph.settings import PluginSettings

__all__ = [
    "PROJECT", "hookspec", "hookimpl", "PluginSettings", "MaybeAwaitable",
    "BuyerInfo", "Destination", "Item", "ShopInfo",
    "ProviderRefused", "WebhookPayloadError", "WebhookSignatureError",
    "CashRemittance", "DeliveryKind", "DeliveryProvider", "DeliveryQuote", "QuoteRequest", "Shipment",
    "ShipmentCancelRequest", "ShipmentEvent", "ShipmentRequest", "ShipmentStatus", "ShipmentStatusRequest",
    "DeliveryReport", "DeliveryState", "Message", "Notifier",
    "PaymentAction", "PaymentCancelRequest", "PaymentEvent", "PaymentEventStatus", "PaymentMethodInfo", "PaymentPart",
    "PaymentProvider", "PaymentRequest", "PaymentResult", "PaymentStatusRequest", "RefundRequest", "RefundResult",
    "BankAccount", "DisbursementProvider", "PayoutRequest", "PayoutResult", "PayoutState", "PayoutStatusRequest",
    "register_payment_providers", "register_delivery_providers", "register_notifiers",
    "register_disbursement_providers", "plugin_needs",
]

PROJECT = "umkm_graph"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# -- Hooks: each asked once, at start-up; each may answer a list or an awaitable of one (not firstresult) ---------------


@hookspec
def register_payment_providers(settings: PluginSettings) -> MaybeAwaitable[list[PaymentProvider]]:  # type: ignore[empty-body]
    """Return the payment providers this plugin offers; an empty list when it is not configured."""


@hookspec
def register_delivery_providers(settings: PluginSettings) -> MaybeAwaitable[list[DeliveryProvider]]:  # type: ignore[empty-body]
    """Return the delivery providers this plugin offers; an empty list when it is not configured."""


@hookspec
def register_notifiers(settings: PluginSettings) -> MaybeAwaitable[list[Notifier]]:  # type: ignore[empty-body]
    """Return the notifiers this plugin offers; an empty list when it is not configured."""


@hookspec
def register_disbursement_providers(settings: PluginSettings) -> MaybeAwaitable[list[DisbursementProvider]]:  # type: ignore[empty-body]
    """Return the disbursement providers (payouts to shops' bank accounts) this plugin offers; [] when not configured."""


# -- Asked when the host describes its plugins (`umkm-graph plugins`); sync -------------------------------------------


@hookspec
def plugin_needs(settings: PluginSettings) -> list[str]:  # type: ignore[empty-body]
    """Return what this plugin still needs before it offers anything (one line each); an empty list when configured."""
