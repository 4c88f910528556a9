"""The plugin manager and the providers it yields: built-ins first, then entry points (group "umkm_graph"), then the *.py
files in UMKM_PLUGINS_DIR. One manager per app; services get the `Providers` they need passed in.

Providers are called through `Providers`, which awaits what they return with the timeout and turns a raise, a hang or an
unusable answer into a PROVIDER_ERROR for that one operation. Calls that are safe to repeat (payments: create with its
idempotency key, cancel, refund with its refund key, status) are retried with exponential backoff first.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import importlib.util
import inspect
import logging
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import pluggy

from umkm_graph import hookspecs
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.hookspecs import (
    DeliveryKind,
    DeliveryProvider,
    DeliveryQuote,
    PaymentAction,
    PaymentCancelRequest,
    PaymentEvent,
    PaymentEventStatus,
    PaymentMethodInfo,
    PaymentProvider,
    PaymentRequest,
    PaymentResult,
    PaymentStatusRequest,
    ProviderRefused,
    QuoteRequest,
    RefundRequest,
    RefundResult,
    Shipment,
    ShipmentCancelRequest,
    ShipmentEvent,
    ShipmentRequest,
    ShipmentStatus,
    ShipmentStatusRequest,
)
from umkm_graph.providers import BUILTIN_PLUGINS
from umkm_graph.settings import Settings

log = logging.getLogger("umkm_graph.plugin_host")

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
    payment = await _gather(_answers(pm.hook.register_payment_providers, settings), PaymentProvider, timeout)
    delivery = await _gather(_answers(pm.hook.register_delivery_providers, settings), DeliveryProvider, timeout)
    providers = Providers([p for _, p in payment], [p for _, p in delivery], timeout, retries=settings.provider_retries)
    providers.plugin_of = {id(p): name for name, p in [*payment, *delivery]}
    return providers


def _answers(caller: pluggy.HookCaller, settings: Settings) -> list[tuple[str, Any]]:
    """Each plugin's answer with the plugin's name, built-ins first: called one by one, since pluggy's own call does not
    say whose answer is whose (the `plugins` listing needs it)."""
    arguments = {"settings": settings}
    return [
        (impl.plugin_name, impl.function(*[arguments[name] for name in impl.argnames]))
        for impl in caller.get_hookimpls()  # registration order; pluggy would call them last-registered first
        if not (impl.wrapper or impl.hookwrapper)
    ]


async def _gather(answers: list[tuple[str, Any]], base: type[P], timeout: float) -> list[tuple[str, P]]:
    providers: list[tuple[str, P]] = []
    for name, answer in answers:
        if inspect.isawaitable(answer):
            try:
                answer = await asyncio.wait_for(answer, timeout)
            except TimeoutError:
                message = f"Plugin {name!r} did not return its {base.__name__} objects within {timeout:g} seconds"
                raise PluginError(message) from None
        if not isinstance(answer, (list, tuple)) or not all(isinstance(p, base) for p in answer):
            raise PluginError(f"Plugin {name!r} returned {answer!r} where a list of {base.__name__} objects was expected")
        providers.extend((name, provider) for provider in answer)
    return providers


@dataclass(frozen=True)
class PaymentOption:
    provider: PaymentProvider
    method: PaymentMethodInfo


class Providers:
    """The payment and delivery providers of one app, and the one way to call them."""

    def __init__(
        self,
        payment: Sequence[PaymentProvider],
        delivery: Sequence[DeliveryProvider],
        timeout: float,
        *,
        retries: int = 0,
        backoff: float = 0.1,
    ) -> None:
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff  # seconds before the first retry; doubled before each next one
        self.payment = {p.code: p for p in _unique(payment, "payment")}
        self.delivery = {p.code: p for p in _unique(delivery, "delivery")}
        self.payment_options: dict[str, PaymentOption] = {}
        self.plugin_of: dict[int, str] = {}  # id(provider) -> the name of the plugin that offered it
        for provider in self.payment.values():
            for method in _methods(provider):
                if method.code in self.payment_options:
                    raise PluginError(f"Two payment providers offer a method coded {method.code!r}")
                self.payment_options[method.code] = PaymentOption(provider, method)
        for provider in self.delivery.values():
            if not isinstance(provider.kind, DeliveryKind):
                raise PluginError(f"Delivery provider {provider.code!r} has no valid kind (PICKUP or DELIVERY)")
            if provider.books_when_ready and provider.kind != DeliveryKind.DELIVERY:
                raise PluginError(f"Delivery provider {provider.code!r} books a courier, so its kind must be DELIVERY")

    async def quote(self, provider: DeliveryProvider, request: QuoteRequest, field: list[str]) -> list[DeliveryQuote]:
        """Retried on quick failures, but within one timeout in all: a buyer is waiting for the answer."""
        try:
            call = self._call(provider, "quote", request, field, idempotent=True)
            quotes = await asyncio.wait_for(call, self.timeout)
        except TimeoutError:
            log.warning("provider %s timed out in quote after %ss", provider.code, self.timeout)
            message = f"{provider.display_name} did not answer within {self.timeout:g} seconds; try another option"
            raise DomainError(ErrorCode.PROVIDER_ERROR, message, field) from None
        if not isinstance(quotes, (list, tuple)) or not all(_usable_quote(q) for q in quotes):
            raise _unusable(provider, "quote", quotes, field)
        return list(quotes)

    async def create_shipment(self, provider: DeliveryProvider, request: ShipmentRequest, field: list[str]) -> Shipment:
        shipment = await self._call(provider, "create_shipment", request, field)
        if not (isinstance(shipment, Shipment) and _short(shipment.reference, 128) and _short(shipment.pickup_code, 12)
                and _short(shipment.tracking_url, 500)):
            raise _unusable(provider, "create_shipment", shipment, field)
        return shipment

    async def cancel_shipment(self, provider: DeliveryProvider, request: ShipmentCancelRequest, field: list[str]) -> None:
        await self._call(provider, "cancel_shipment", request, field, idempotent=True)

    async def get_shipment_status(
        self, provider: DeliveryProvider, request: ShipmentStatusRequest, field: list[str]
    ) -> ShipmentEvent | None:
        event = await self._call(provider, "get_shipment_status", request, field, idempotent=True)
        if event is not None and not _usable_shipment_event(event):
            raise _unusable(provider, "get_shipment_status", event, field)
        return event  # type: ignore[no-any-return]

    async def parse_shipment_webhook(
        self, provider: DeliveryProvider, raw: bytes, headers: Mapping[str, str]
    ) -> list[ShipmentEvent]:
        """As parse_webhook, for a courier's tracking webhook."""
        return await self._read_webhook(provider, raw, headers, _usable_shipment_event)

    async def create_payment(self, provider: PaymentProvider, request: PaymentRequest, field: list[str]) -> PaymentResult:
        result = await self._call(provider, "create_payment", request, field, idempotent=True)
        if not (isinstance(result, PaymentResult) and _short(result.provider_reference, 128) and _usable_action(result)):
            raise _unusable(provider, "create_payment", result, field)
        return result

    async def cancel_payment(self, provider: PaymentProvider, request: PaymentCancelRequest, field: list[str]) -> None:
        await self._call(provider, "cancel_payment", request, field, idempotent=True)

    async def refund_payment(self, provider: PaymentProvider, request: RefundRequest, field: list[str]) -> RefundResult:
        result = await self._call(provider, "refund_payment", request, field, idempotent=True)
        if not (isinstance(result, RefundResult) and _short(result.provider_reference, 128)):
            raise _unusable(provider, "refund_payment", result, field)
        return result

    async def get_status(
        self, provider: PaymentProvider, request: PaymentStatusRequest, field: list[str]
    ) -> PaymentEvent | None:
        event = await self._call(provider, "get_status", request, field, idempotent=True)
        if event is not None and not _usable_event(event):
            raise _unusable(provider, "get_status", event, field)
        return event  # type: ignore[no-any-return]

    async def parse_webhook(self, provider: PaymentProvider, raw: bytes, headers: Mapping[str, str]) -> list[PaymentEvent]:
        """The provider's events in a webhook. WebhookSignatureError and WebhookPayloadError pass through for the
        caller to answer; any other failure is a PROVIDER_ERROR. Never retried: the gateway retries a webhook itself."""
        return await self._read_webhook(provider, raw, headers, _usable_event)

    async def _read_webhook(
        self, provider: PaymentProvider | DeliveryProvider, raw: bytes, headers: Mapping[str, str],
        usable: Callable[[Any], bool],
    ) -> list[Any]:
        try:
            events = await self._answer(provider.parse_webhook(raw, headers))
        except TimeoutError:
            log.warning("provider %s timed out reading a webhook after %ss", provider.code, self.timeout)
            raise DomainError(ErrorCode.PROVIDER_ERROR, f"{provider.display_name} did not read the webhook in time") from None
        except (hookspecs.WebhookSignatureError, hookspecs.WebhookPayloadError):
            raise
        except Exception:
            log.exception("provider %s failed reading a webhook", provider.code)
            raise DomainError(ErrorCode.PROVIDER_ERROR, f"{provider.display_name} failed reading the webhook") from None
        if not isinstance(events, (list, tuple)) or not all(usable(e) for e in events):
            raise _unusable(provider, "parse_webhook", events, [])
        return list(events)

    async def _answer(self, result: Any) -> Any:
        if inspect.isawaitable(result):
            return await asyncio.wait_for(result, self.timeout)
        return result

    async def _call(
        self,
        provider: PaymentProvider | DeliveryProvider,
        operation: str,
        request: object,
        field: list[str],
        *,
        idempotent: bool = False,
    ) -> Any:
        attempts = 1 + (self.retries if idempotent else 0)
        for attempt in range(attempts):
            if attempt:
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                return await self._answer(getattr(provider, operation)(request))
            except ProviderRefused as refusal:
                log.warning("provider %s refused %s: %s", provider.code, operation, refusal)
                raise DomainError(ErrorCode.PROVIDER_ERROR, f"{provider.display_name} refused: {refusal}", field) from None
            except TimeoutError:
                log.warning("provider %s timed out in %s after %ss (attempt %d of %d)",
                            provider.code, operation, self.timeout, attempt + 1, attempts)
                timed_out = True
            except Exception:
                log.exception("provider %s failed in %s (attempt %d of %d)", provider.code, operation, attempt + 1, attempts)
                timed_out = False
        if timed_out:
            raise DomainError(
                ErrorCode.PROVIDER_ERROR,
                f"{provider.display_name} did not answer within {self.timeout:g} seconds; "
                "try again or choose another option",
                field,
            )
        raise DomainError(
            ErrorCode.PROVIDER_ERROR,
            f"{provider.display_name} failed ({operation.replace('_', ' ')}); try again or choose another option",
            field,
        )


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


def _usable_action(result: PaymentResult) -> bool:
    action, expires = result.action, result.expires_at
    action_ok = action is None or (
        isinstance(action, PaymentAction) and isinstance(action.kind, str) and 0 < len(action.kind) <= 32
        and isinstance(action.value, str) and bool(action.value) and _short(action.bank, 32)
    )
    return action_ok and (expires is None or (isinstance(expires, dt.datetime) and expires.tzinfo is not None))


def _usable_event(event: object) -> bool:
    return (
        isinstance(event, PaymentEvent)
        and isinstance(event.event_id, str) and 0 < len(event.event_id) <= 191
        and isinstance(event.reference, str) and 0 < len(event.reference) <= 128
        and isinstance(event.status, PaymentEventStatus)
        and (event.amount is None or (isinstance(event.amount, int) and not isinstance(event.amount, bool)))
        and _short(event.provider_reference, 128)
        and (event.occurred_at is None or (isinstance(event.occurred_at, dt.datetime) and event.occurred_at.tzinfo is not None))
        and isinstance(event.raw_status, str) and len(event.raw_status) <= 64
    )


def _usable_shipment_event(event: object) -> bool:
    return (
        isinstance(event, ShipmentEvent)
        and isinstance(event.event_id, str) and 0 < len(event.event_id) <= 191
        and isinstance(event.status, ShipmentStatus)
        and (event.provider_reference is not None or event.reference is not None)
        and _short(event.provider_reference, 128) and _short(event.reference, 128)
        and (event.occurred_at is None or (isinstance(event.occurred_at, dt.datetime) and event.occurred_at.tzinfo is not None))
        and isinstance(event.raw_status, str) and len(event.raw_status) <= 64
        and _short(event.note, 255) and _short(event.tracking_url, 500)
    )


def _short(text: object, limit: int) -> bool:
    """None, or a string that fits its column."""
    return text is None or (isinstance(text, str) and len(text) <= limit)


def _unusable(provider: PaymentProvider | DeliveryProvider, operation: str, value: object, field: list[str]) -> DomainError:
    log.error("provider %s answered %s with an unusable %r", provider.code, operation, value)
    return DomainError(
        ErrorCode.PROVIDER_ERROR, f"{provider.display_name} gave an unusable answer ({operation.replace('_', ' ')})", field
    )


@dataclass(frozen=True)
class PluginInfo:
    """One registered plugin, for `umkm-graph plugins` and the `plugins` query."""

    name: str
    version: str | None
    source: str  # "built-in", "package <distribution>" or "file <path>"
    hooks: tuple[str, ...]
    payment: tuple[PaymentProvider, ...]
    delivery: tuple[DeliveryProvider, ...]


def describe_plugins(pm: pluggy.PluginManager, providers: Providers) -> list[PluginInfo]:
    """Every registered plugin in registration order (built-ins first), with what it offers."""
    from umkm_graph import __version__

    builtin = {name for name, _ in BUILTIN_PLUGINS}
    dists = {id(plugin): dist for plugin, dist in pm.list_plugin_distinfo()}
    infos = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:  # blocked
            continue
        dist = dists.get(id(plugin))
        if name in builtin:
            version, source = __version__, "built-in"
        elif dist is not None:
            version, source = dist.version, f"package {dist.project_name}"
        else:
            version, source = getattr(plugin, "__version__", None), f"file {getattr(plugin, '__file__', name)}"
        infos.append(PluginInfo(
            name=name, version=version, source=source,
            hooks=tuple(sorted(caller.name for caller in pm.get_hookcallers(plugin) or [])),
            payment=tuple(p for p in providers.payment.values() if providers.plugin_of.get(id(p)) == name),
            delivery=tuple(p for p in providers.delivery.values() if providers.plugin_of.get(id(p)) == name),
        ))
    return infos
