"""What the host accepts from a plugin: providers it can tell apart, and answers that fit their columns and types."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TypeVar

from umkm_graph.hookspecs import (
    CashRemittance,
    DeliveryProvider,
    DeliveryQuote,
    DisbursementProvider,
    PaymentAction,
    PaymentEvent,
    PaymentEventStatus,
    PaymentMethodInfo,
    PaymentProvider,
    PaymentResult,
    PayoutResult,
    PayoutState,
    ShipmentEvent,
    ShipmentStatus,
)

_PROVIDER_CODE = re.compile(r"[a-z][a-z0-9_]{0,63}")
_METHOD_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,63}")
P = TypeVar("P", PaymentProvider, DeliveryProvider, DisbursementProvider)


class PluginError(Exception):
    """A plugin cannot be loaded, or offers providers the app cannot use: the app refuses to start."""


def unique_providers(providers: Sequence[P], kind: str, key: str = "code") -> list[P]:
    """The providers, each with a valid code (a notifier's: its channel) no other has and a display name; else
    PluginError."""
    seen: set[str] = set()
    for provider in providers:
        code = getattr(provider, key, None)
        if not isinstance(code, str) or not _PROVIDER_CODE.fullmatch(code):
            raise PluginError(f"{type(provider).__name__} needs a {key} of lowercase letters, digits and underscores")
        if not isinstance(getattr(provider, "display_name", None), str) or not provider.display_name.strip():
            raise PluginError(f"The {kind} provider {code!r} needs a display_name")
        if code in seen:
            raise PluginError(f"Two {kind} providers are coded {code!r}; block one with UMKM_BLOCKED_PLUGINS")
        seen.add(code)
    return list(providers)


def payment_methods_of(provider: PaymentProvider) -> tuple[PaymentMethodInfo, ...]:
    """The provider's methods, each with a valid code and max_amount; else PluginError."""
    methods = getattr(provider, "methods", None)
    if not isinstance(methods, tuple) or not methods or not all(isinstance(m, PaymentMethodInfo) for m in methods):
        raise PluginError(f"Payment provider {provider.code!r} must offer a non-empty tuple of PaymentMethodInfo")
    for method in methods:
        if not _METHOD_CODE.fullmatch(method.code):
            raise PluginError(f"Payment method {method.code!r} needs a code of capital letters, digits and underscores")
        if method.max_amount is not None and not (isinstance(method.max_amount, int) and method.max_amount > 0):
            raise PluginError(f"Payment method {method.code!r} has a max_amount that is not a positive int")
    return methods


def usable_quote(quote: object) -> bool:
    return (
        isinstance(quote, DeliveryQuote)
        and isinstance(quote.service, str) and bool(quote.service)
        and isinstance(quote.fee, int) and not isinstance(quote.fee, bool) and quote.fee >= 0
    )


def usable_action(result: PaymentResult) -> bool:
    action, expires = result.action, result.expires_at
    action_ok = action is None or (
        isinstance(action, PaymentAction) and isinstance(action.kind, str) and 0 < len(action.kind) <= 32
        and isinstance(action.value, str) and bool(action.value) and fits(action.bank, 32)
    )
    return action_ok and (expires is None or (isinstance(expires, dt.datetime) and expires.tzinfo is not None))


def usable_payment_event(event: object) -> bool:
    return (
        isinstance(event, PaymentEvent)
        and isinstance(event.event_id, str) and 0 < len(event.event_id) <= 191
        and isinstance(event.reference, str) and 0 < len(event.reference) <= 128
        and isinstance(event.status, PaymentEventStatus)
        and (event.amount is None or (isinstance(event.amount, int) and not isinstance(event.amount, bool)))
        and fits(event.provider_reference, 128)
        and (event.occurred_at is None or (isinstance(event.occurred_at, dt.datetime) and event.occurred_at.tzinfo is not None))
        and isinstance(event.raw_status, str) and len(event.raw_status) <= 64
    )


def usable_shipment_event(event: object) -> bool:
    return (
        isinstance(event, ShipmentEvent)
        and isinstance(event.event_id, str) and 0 < len(event.event_id) <= 191
        and isinstance(event.status, ShipmentStatus)
        and (event.provider_reference is not None or event.reference is not None)
        and fits(event.provider_reference, 128) and fits(event.reference, 128)
        and (event.occurred_at is None or (isinstance(event.occurred_at, dt.datetime) and event.occurred_at.tzinfo is not None))
        and isinstance(event.raw_status, str) and len(event.raw_status) <= 64
        and fits(event.note, 255) and fits(event.tracking_url, 500)
    )


def usable_remittance(report: object) -> bool:
    return (
        isinstance(report, CashRemittance)
        and isinstance(report.event_id, str) and 0 < len(report.event_id) <= 191
        and _rupiah(report.remitted) and (report.collected is None or _rupiah(report.collected))
        and (report.provider_reference is not None or report.reference is not None)
        and fits(report.provider_reference, 128) and fits(report.reference, 128)
        and fits(report.remittance_reference, 128)
        and (report.remitted_at is None or (isinstance(report.remitted_at, dt.datetime)
                                            and report.remitted_at.tzinfo is not None))
    )


def usable_courier_report(report: object) -> bool:
    """What a courier's webhook may carry: where a parcel is, or cash remitted to a shop."""
    return usable_shipment_event(report) or usable_remittance(report)


def _rupiah(amount: object) -> bool:
    return isinstance(amount, int) and not isinstance(amount, bool) and amount >= 0


def fits(text: object, limit: int) -> bool:
    """None, or a string that fits its column."""
    return text is None or (isinstance(text, str) and len(text) <= limit)


def usable_payout(result: object) -> bool:
    """A payout's answer the host can store: a known state, a reference that fits, a reason a person can read."""
    return (isinstance(result, PayoutResult) and isinstance(result.state, PayoutState)
            and fits(result.provider_reference, 128) and isinstance(result.reason, str))
