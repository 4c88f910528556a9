"""The plugin manager and the providers it yields: built-ins first, then entry points (group "umkm_graph"), then the *.py
files in UMKM_PLUGINS_DIR. One manager per app; services get the `Providers` they need passed in.

Providers are called through `Providers`, which awaits what they return with the timeout and turns a raise, a hang or an
unusable answer into a PROVIDER_ERROR for that one operation.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import inspect
import logging
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import pluggy

from umkm_graph import hookspecs
from umkm_graph.hookspecs import (
    DeliveryKind,
    DeliveryProvider,
    DeliveryQuote,
    PaymentCancelRequest,
    PaymentMethodInfo,
    PaymentProvider,
    PaymentRequest,
    PaymentResult,
    QuoteRequest,
    Shipment,
    ShipmentCancelRequest,
    ShipmentRequest,
)
from umkm_graph.providers import BUILTIN_PLUGINS
from umkm_graph.services.errors import DomainError, ErrorCode
from umkm_graph.settings import Settings

log = logging.getLogger("umkm_graph.plugins")

_PROVIDER_CODE = re.compile(r"[a-z][a-z0-9_]{0,63}")
_METHOD_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,63}")
P = TypeVar("P", PaymentProvider, DeliveryProvider)


class PluginError(Exception):
    """A plugin cannot be loaded, or offers providers the app cannot use: the app refuses to start."""


def load_plugins(settings: Settings) -> pluggy.PluginManager:
    """A fresh manager with every plugin registered; a misspelt hook or a bad hook signature raises here, at start-up."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in settings.blocked_plugins:
        pm.set_blocked(name)
    for name, module in BUILTIN_PLUGINS:
        if not pm.is_blocked(name):
            pm.register(importlib.import_module(module), name)
    pm.load_setuptools_entrypoints(hookspecs.PROJECT)
    if settings.plugins_dir:
        for path in _plugin_files(settings.plugins_dir):
            if not pm.is_blocked(path.stem):
                pm.register(_import_file(path), path.stem)
    pm.check_pending()
    return pm


def _plugin_files(directory: str) -> list[Path]:
    folder = Path(directory)
    if not folder.is_dir():
        raise PluginError(f"UMKM_PLUGINS_DIR {directory!r} is not a directory")
    return sorted(path for path in folder.glob("*.py") if not path.name.startswith("_"))


def _import_file(path: Path) -> ModuleType:
    name = f"umkm_graph_local_plugins.{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise PluginError(f"Plugin file {path} cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[name]
        raise PluginError(f"Plugin file {path} failed to load: {exc!r}") from exc
    return module


async def collect_providers(pm: pluggy.PluginManager, settings: Settings) -> Providers:
    """Ask every plugin for its providers, once, at start-up."""
    timeout = settings.provider_timeout_seconds
    payment = await _gather(pm.hook.register_payment_providers(settings=settings), PaymentProvider, timeout)
    delivery = await _gather(pm.hook.register_delivery_providers(settings=settings), DeliveryProvider, timeout)
    return Providers(payment, delivery, timeout)


async def _gather(answers: list[Any], base: type[P], timeout: float) -> list[P]:
    providers: list[P] = []
    for answer in reversed(answers):  # pluggy answers last-registered first; list built-ins first
        if inspect.isawaitable(answer):
            try:
                answer = await asyncio.wait_for(answer, timeout)
            except TimeoutError:
                message = f"A plugin did not return its {base.__name__} objects within {timeout:g} seconds"
                raise PluginError(message) from None
        if not isinstance(answer, (list, tuple)) or not all(isinstance(p, base) for p in answer):
            raise PluginError(f"A plugin returned {answer!r} where a list of {base.__name__} objects was expected")
        providers.extend(answer)
    return providers


@dataclass(frozen=True)
class PaymentOption:
    provider: PaymentProvider
    method: PaymentMethodInfo


class Providers:
    """The payment and delivery providers of one app, and the one way to call them."""

    def __init__(self, payment: Sequence[PaymentProvider], delivery: Sequence[DeliveryProvider], timeout: float) -> None:
        self.timeout = timeout
        self.payment = {p.code: p for p in _unique(payment, "payment")}
        self.delivery = {p.code: p for p in _unique(delivery, "delivery")}
        self.payment_options: dict[str, PaymentOption] = {}
        for provider in self.payment.values():
            for method in _methods(provider):
                if method.code in self.payment_options:
                    raise PluginError(f"Two payment providers offer a method coded {method.code!r}")
                self.payment_options[method.code] = PaymentOption(provider, method)
        for provider in self.delivery.values():
            if not isinstance(provider.kind, DeliveryKind):
                raise PluginError(f"Delivery provider {provider.code!r} has no valid kind (PICKUP or DELIVERY)")

    async def quote(self, provider: DeliveryProvider, request: QuoteRequest, field: list[str]) -> list[DeliveryQuote]:
        quotes = await self._call(provider, "quote", request, field)
        if not isinstance(quotes, (list, tuple)) or not all(_usable_quote(q) for q in quotes):
            raise _unusable(provider, "quote", quotes, field)
        return list(quotes)

    async def create_shipment(self, provider: DeliveryProvider, request: ShipmentRequest, field: list[str]) -> Shipment:
        shipment = await self._call(provider, "create_shipment", request, field)
        if not (isinstance(shipment, Shipment) and _short(shipment.reference, 128) and _short(shipment.pickup_code, 12)):
            raise _unusable(provider, "create_shipment", shipment, field)
        return shipment

    async def cancel_shipment(self, provider: DeliveryProvider, request: ShipmentCancelRequest, field: list[str]) -> None:
        await self._call(provider, "cancel_shipment", request, field)

    async def create_payment(self, provider: PaymentProvider, request: PaymentRequest, field: list[str]) -> PaymentResult:
        result = await self._call(provider, "create_payment", request, field)
        if not (isinstance(result, PaymentResult) and _short(result.provider_reference, 128)):
            raise _unusable(provider, "create_payment", result, field)
        return result

    async def cancel_payment(self, provider: PaymentProvider, request: PaymentCancelRequest, field: list[str]) -> None:
        await self._call(provider, "cancel_payment", request, field)

    async def _call(
        self, provider: PaymentProvider | DeliveryProvider, operation: str, request: object, field: list[str]
    ) -> Any:
        try:
            result = getattr(provider, operation)(request)
            if inspect.isawaitable(result):
                result = await asyncio.wait_for(result, self.timeout)
        except TimeoutError:
            log.warning("provider %s timed out in %s after %ss", provider.code, operation, self.timeout)
            raise DomainError(
                ErrorCode.PROVIDER_ERROR,
                f"{provider.display_name} did not answer within {self.timeout:g} seconds; "
                "try again or choose another option",
                field,
            ) from None
        except Exception:
            log.exception("provider %s failed in %s", provider.code, operation)
            raise DomainError(
                ErrorCode.PROVIDER_ERROR,
                f"{provider.display_name} failed ({operation.replace('_', ' ')}); try again or choose another option",
                field,
            ) from None
        return result


def _unique(providers: Sequence[P], kind: str) -> list[P]:
    seen: set[str] = set()
    for provider in providers:
        code = getattr(provider, "code", None)
        if not isinstance(code, str) or not _PROVIDER_CODE.fullmatch(code):
            raise PluginError(f"{type(provider).__name__} needs a code of lowercase letters, digits and underscores")
        if not isinstance(getattr(provider, "display_name", None), str) or not provider.display_name.strip():
            raise PluginError(f"The {kind} provider {code!r} needs a display_name")
        if code in seen:
            raise PluginError(f"Two {kind} providers are coded {code!r}; block one with UMKM_BLOCKED_PLUGINS")
        seen.add(code)
    return list(providers)


def _methods(provider: PaymentProvider) -> tuple[PaymentMethodInfo, ...]:
    methods = getattr(provider, "methods", None)
    if not isinstance(methods, tuple) or not methods or not all(isinstance(m, PaymentMethodInfo) for m in methods):
        raise PluginError(f"Payment provider {provider.code!r} must offer a non-empty tuple of PaymentMethodInfo")
    for method in methods:
        if not _METHOD_CODE.fullmatch(method.code):
            raise PluginError(f"Payment method {method.code!r} needs a code of capital letters, digits and underscores")
        if method.max_amount is not None and not (isinstance(method.max_amount, int) and method.max_amount > 0):
            raise PluginError(f"Payment method {method.code!r} has a max_amount that is not a positive int")
    return methods


def _usable_quote(quote: object) -> bool:
    return (
        isinstance(quote, DeliveryQuote)
        and isinstance(quote.service, str) and bool(quote.service)
        and isinstance(quote.fee, int) and not isinstance(quote.fee, bool) and quote.fee >= 0
    )


def _short(text: object, limit: int) -> bool:
    """None, or a string that fits its column."""
    return text is None or (isinstance(text, str) and len(text) <= limit)


def _unusable(provider: PaymentProvider | DeliveryProvider, operation: str, value: object, field: list[str]) -> DomainError:
    log.error("provider %s answered %s with an unusable %r", provider.code, operation, value)
    return DomainError(
        ErrorCode.PROVIDER_ERROR, f"{provider.display_name} gave an unusable answer ({operation.replace('_', ' ')})", field
    )

