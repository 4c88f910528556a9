"""Loading plugins: built-ins first, then entry points (group "umkm_graph"), then the *.py files in UMKM_PLUGINS_DIR;
and asking each, once at start-up, for its providers. A plugin is told `PluginSettings`, never the host's Settings."""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import inspect
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy

from umkm_graph import hookspecs
from umkm_graph.hookspecs import DeliveryProvider, DisbursementProvider, Notifier, PaymentProvider
from umkm_graph.plugin_host.calls import Providers
from umkm_graph.plugin_host.checks import P, PluginError
from umkm_graph.providers import BUILTIN_PLUGINS
from umkm_graph.providers.smtp import SmtpConfig, SmtpNotifier
from umkm_graph.settings import PluginSettings, Settings


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
    told = PluginSettings.from_settings(settings)
    timeout = settings.provider_timeout_seconds
    payment = await _gather(_answers(pm.hook.register_payment_providers, told), PaymentProvider, timeout)
    delivery = await _gather(_answers(pm.hook.register_delivery_providers, told), DeliveryProvider, timeout)
    notifiers = await _gather(_answers(pm.hook.register_notifiers, told), Notifier, timeout)
    disbursement = await _gather(_answers(pm.hook.register_disbursement_providers, told), DisbursementProvider, timeout)
    if settings.smtp_host:
        notifiers.insert(0, ("smtp", _smtp(settings)))
    providers = Providers([p for _, p in payment], [p for _, p in delivery], timeout, retries=settings.provider_retries,
                          notifiers=[n for _, n in notifiers], disbursement=[d for _, d in disbursement])
    providers.plugin_of = {id(p): name for name, p in [*payment, *delivery, *notifiers, *disbursement]}
    return providers


def _smtp(settings: Settings) -> SmtpNotifier:
    """The built-in email notifier, built from the host's own settings: it holds the SMTP password."""
    return SmtpNotifier(SmtpConfig(
        host=settings.smtp_host or "", port=settings.smtp_port, sender=settings.smtp_from,
        security=settings.smtp_security, username=settings.smtp_username, password=settings.smtp_password,
        timeout=settings.provider_timeout_seconds,
    ))


def _answers(caller: pluggy.HookCaller, settings: PluginSettings) -> list[tuple[str, Any]]:
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
