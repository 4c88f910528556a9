"""A plugin is told PluginSettings, never the host's Settings: nothing it receives leads to secret_key or database_url.

Python cannot wall a plugin off (it runs in the process, and may import os itself); what the host hands over is narrow so
a plugin never depends on, logs or passes on the host's secrets by accident.
"""

from __future__ import annotations

import dataclasses
import os
import re
import textwrap
from pathlib import Path

import pytest

from umkm_graph import settings as settings_module
from umkm_graph.plugin_host import collect_providers, load_plugins
from umkm_graph.settings import HOST_VARIABLES, PluginSettings, Settings

SECRET_KEY = "the-hosts-secret-key-that-no-plugin-may-see"
DATABASE_URL = "postgres://umkm:hosts-database-password@127.0.0.1:5432/umkm"

SPY_PLUGIN = '''
from umkm_graph.hookspecs import hookimpl

received = []


@hookimpl
def register_payment_providers(settings):
    received.append(settings)
    return []


@hookimpl
def register_delivery_providers(settings):
    received.append(settings)
    return []
'''


def reachable(value: object) -> list[object]:
    """Everything one can read off a value without calling its methods: fields, attributes, properties, their parts."""
    seen: set[int] = set()
    todo, found = [value], []
    while todo:
        item = todo.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        found.append(item)
        if isinstance(item, (str, bytes, int, float, type(None))):
            continue
        if isinstance(item, dict):
            todo += [*item.keys(), *item.values()]
        elif isinstance(item, (list, tuple, set, frozenset)):
            todo += list(item)
        else:
            found.append(repr(item))
            todo += [attribute for name in dir(item) if not name.startswith("__")
                     if not callable(attribute := getattr(item, name))]
    return found


def assert_no_host_secret_in(value: object) -> None:
    for item in reachable(value):
        assert not isinstance(item, Settings)
        if isinstance(item, str):
            assert SECRET_KEY not in item and DATABASE_URL not in item, f"a host secret is reachable: {item!r}"
    assert not hasattr(value, "secret_key") and not hasattr(value, "database_url")


async def test_every_hook_receives_plugin_settings_without_the_hosts_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UMKM_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("UMKM_DATABASE_URL", DATABASE_URL)
    monkeypatch.setenv("UMKM_SPY_TOKEN", "the-spy-plugins-own-token")
    (tmp_path / "spy.py").write_text(textwrap.dedent(SPY_PLUGIN))
    host = Settings(database_url=DATABASE_URL, secret_key=SECRET_KEY, plugins_dir=str(tmp_path), env="production",
                    provider_timeout_seconds=3.5)
    pm = load_plugins(host)
    await collect_providers(pm, host)

    received = pm.get_plugin("spy").received
    assert len(received) == 2  # one per hook
    for told in received:
        assert type(told) is PluginSettings
        assert told.is_production and told.provider_timeout_seconds == 3.5
        assert_no_host_secret_in(told)
        assert told.plugin_variables("spy") == {"UMKM_SPY_TOKEN": "the-spy-plugins-own-token"}
        for name in ("secret", "secret_key", "database", "database_url"):
            assert_no_host_secret_in(told.plugin_variables(name))
        with pytest.raises(dataclasses.FrozenInstanceError):
            told.env = "development"  # type: ignore[misc]


def test_plugin_settings_carry_only_what_a_plugin_needs() -> None:
    # An allowlist: a new field is a choice to tell every plugin something more, made here on purpose.
    fields = {field.name for field in dataclasses.fields(PluginSettings)}
    assert fields == {"env", "provider_timeout_seconds", "cod_max_order_value"}
    host = Settings(secret_key=SECRET_KEY, database_url=DATABASE_URL, cod_max_order_value=750_000)
    told = PluginSettings.from_settings(host)
    assert told.cod_max_order_value == 750_000 and not told.is_production
    assert_no_host_secret_in(told)


def test_no_plugins_name_reaches_a_variable_the_host_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in [name for name in os.environ if name.startswith("UMKM_")]:
        monkeypatch.delenv(variable)
    for variable in HOST_VARIABLES:
        monkeypatch.setenv(variable, f"host value of {variable}")
    monkeypatch.setenv("UMKM_MIDTRANS_SERVER_KEY", "the-midtrans-key")
    told = PluginSettings()
    assert told.plugin_variables("MIDTRANS") == {"UMKM_MIDTRANS_SERVER_KEY": "the-midtrans-key"}
    for variable in HOST_VARIABLES:  # every prefix a plugin could name: UMKM_DATABASE_POOL_SIZE gives DATABASE, ...
        words = variable.removeprefix("UMKM_").split("_")
        for end in range(1, len(words) + 1):
            assert told.plugin_variables("_".join(words[:end])) == {}
    for bad in ("", "_", "a-b", "UMKM_*", "kopi pay"):
        with pytest.raises(ValueError):
            told.plugin_variables(bad)


def test_every_variable_the_host_reads_is_a_host_variable() -> None:
    # plugin_variables hides HOST_VARIABLES (UMKM_<field>); a setting read under another name would leak to a plugin.
    read = set(re.findall(r'"(UMKM_[A-Z0-9_]+)"', Path(settings_module.__file__).read_text()))
    assert read and read <= HOST_VARIABLES
