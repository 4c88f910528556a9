"""The README's settings table names every setting the server and its plugins read (as datasette's docs test does for
its hooks): a setting added without a row fails here."""

from __future__ import annotations

import re
from pathlib import Path

from umkm_graph.settings import HOST_VARIABLES

ROOT = Path(__file__).resolve().parents[2]
# A row's first cell: `UMKM_MAX_QUERY_DEPTH` / `_ALIASES` / `_TOKENS` names three; a `_SUFFIX` replaces the first
# name's tail from some underscore on.
_ROW = re.compile(r"^\| ((?:`[A-Z0-9_]+`(?: / )?)+) \|", re.M)
_PLUGIN_SETTING = re.compile(r"[\"'](UMKM_[A-Z0-9_]+)[\"']")


def documented() -> set[str]:
    section = ROOT.joinpath("README.md").read_text().split("## Settings", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for cell in _ROW.findall(section):
        first, *shorthands = re.findall(r"`([A-Z0-9_]+)`", cell)
        names.add(first)
        cuts = [m.start() for m in re.finditer("_", first)]
        for shorthand in shorthands:
            if shorthand.startswith("UMKM_"):
                names.add(shorthand)
            else:
                names.update(first[:cut] + shorthand for cut in cuts)
    return names


def test_every_setting_of_the_server_has_a_row_in_the_readme() -> None:
    names = set(HOST_VARIABLES)  # UMKM_<field> and media's UMKM_MEDIA_S3_* (media_settings.py)
    assert len(names) > 40  # the settings were found
    assert sorted(names - documented()) == []


def test_every_setting_a_plugin_reads_has_a_row_in_the_readme() -> None:
    sources = [*ROOT.glob("plugins/*/src/**/*.py"), *ROOT.glob("src/umkm_graph/providers/**/*.py")]
    names = {name for path in sources for name in _PLUGIN_SETTING.findall(path.read_text())}
    assert {"UMKM_MIDTRANS_SERVER_KEY", "UMKM_BITESHIP_API_KEY"} <= names  # the plugins' settings were found
    assert sorted(names - documented()) == []


def test_a_shorthand_row_names_only_settings_that_exist() -> None:
    """A row's shorthand expands against every underscore of its first name; the spare names it makes must not hide a
    real setting missing from the table, so each row's first name must itself be a setting."""
    known = set(HOST_VARIABLES) | {"UMKM_TEST_DATABASE_URL"}
    sources = [*ROOT.glob("plugins/*/src/**/*.py"), *ROOT.glob("src/umkm_graph/**/*.py"),
               *ROOT.glob("tests/helpers/*.py")]  # the tests' own variables (UMKM_REQUIRE_BROWSER, ...) are read there
    known |= {name for path in sources for name in _PLUGIN_SETTING.findall(path.read_text())}
    section = ROOT.joinpath("README.md").read_text().split("## Settings", 1)[1].split("\n## ", 1)[0]
    firsts = {re.findall(r"`([A-Z0-9_]+)`", cell)[0] for cell in _ROW.findall(section)}
    assert sorted(firsts - known) == []
