"""What each registered plugin is and offers, for `umkm-graph plugins` and the `plugins` query."""

from __future__ import annotations

from dataclasses import dataclass

import pluggy

from umkm_graph.hookspecs import DeliveryProvider, DisbursementProvider, Notifier, PaymentProvider
from umkm_graph.settings import PluginSettings, Settings
from umkm_graph.plugin_host.calls import Providers
from umkm_graph.providers import BUILTIN_PLUGINS


@dataclass(frozen=True)
class PluginInfo:
    """One registered plugin, for `umkm-graph plugins` and the `plugins` query."""

    name: str
    version: str | None
    source: str  # "built-in", "package <distribution>" or "file <path>"
    hooks: tuple[str, ...]
    payment: tuple[PaymentProvider, ...]
    delivery: tuple[DeliveryProvider, ...]
    notifiers: tuple[Notifier, ...] = ()
    disbursement: tuple[DisbursementProvider, ...] = ()


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
            notifiers=tuple(n for n in providers.notifiers.values() if providers.plugin_of.get(id(n)) == name),
            disbursement=tuple(d for d in providers.disbursement.values() if providers.plugin_of.get(id(d)) == name),
        ))
    return infos


def plugin_needs(pm: pluggy.PluginManager, settings: Settings) -> dict[str, tuple[str, ...]]:
    """What each plugin that implements `plugin_needs` says it still needs, by plugin name."""
    told = PluginSettings.from_settings(settings)
    needs: dict[str, tuple[str, ...]] = {}
    for impl in pm.hook.plugin_needs.get_hookimpls():
        answer = impl.function(**{name: told for name in impl.argnames if name == "settings"})
        needs[impl.plugin_name] = tuple(str(line) for line in answer or [])
    return needs
