"""The plugin host: loads plugins and calls the providers they offer, so nothing a plugin does can take the server down.

- `loading`: the manager, with built-ins first, then entry points (group "umkm_graph"), then the *.py files in
  UMKM_PLUGINS_DIR; asks each plugin once, at start-up, for its providers, telling it only `PluginSettings`.
- `calls`: `Providers`, the one way to call a provider: awaited with the timeout, retried where that is safe, and any
  raise, hang or unusable answer turned into a PROVIDER_ERROR for that one operation.
- `checks`: what the host accepts from a plugin: provider codes, payment methods, quotes, events, references.
- `describe`: what each plugin offers, for `umkm-graph plugins` and the `plugins` query, and what it still needs.

One manager per app; services get the `Providers` they need passed in.
"""

from umkm_graph.plugin_host.calls import PaymentOption, Providers, RefusedByProvider
from umkm_graph.plugin_host.checks import PluginError
from umkm_graph.plugin_host.describe import PluginInfo, describe_plugins, plugin_needs
from umkm_graph.plugin_host.loading import collect_providers, load_plugins

__all__ = [
    "PaymentOption",
    "PluginError",
    "PluginInfo",
    "Providers",
    "RefusedByProvider",
    "collect_providers",
    "describe_plugins",
    "load_plugins",
    "plugin_needs",
]
