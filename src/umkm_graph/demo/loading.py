"""Reading the demo's data files (demo/data/*.toml): the shops, products, people, prices and texts the seed uses.

The files are the place to change what the demo says; the modules beside this one only turn them into rows. Each
file is read once per process, and a file that is missing a value fails with the file's name and the value's path.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

DATA_PACKAGE = "umkm_graph.demo"
DATA_FOLDER = "data"


class DemoDataError(Exception):
    """A demo data file cannot be read, or lacks a value the seed needs."""


class DataTable:
    """A table of one data file that names the file and the path of a missing value."""

    def __init__(self, source: str, values: dict[str, Any]) -> None:
        self.source, self.values = source, values

    def __getitem__(self, key: str) -> Any:
        try:
            value = self.values[key]
        except KeyError:
            raise DemoDataError(f"{self.source}: missing {key!r}") from None
        return DataTable(f"{self.source}.{key}", value) if isinstance(value, dict) else value

    def table(self, key: str) -> DataTable:
        """A sub-table, which must be a table."""
        value = self[key]
        if not isinstance(value, DataTable):
            raise DemoDataError(f"{self.source}.{key}: expected a table")
        return value

    def tables(self, key: str) -> list[DataTable]:
        """An array of tables ([[key]] in TOML), in the file's order."""
        value = self[key]
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise DemoDataError(f"{self.source}.{key}: expected [[{key}]] tables")
        return [DataTable(f"{self.source}.{key}[{n}]", item) for n, item in enumerate(value)]

    def items(self) -> list[tuple[str, Any]]:
        """The table's keys and values in the file's order, sub-tables wrapped."""
        return [(key, self[key]) for key in self.values]

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self.values else default


@cache
def load(name: str) -> DataTable:
    """One data file by its stem (`load("catalog")` reads demo/data/catalog.toml)."""
    source = f"{DATA_FOLDER}/{name}.toml"
    try:
        text = (resources.files(DATA_PACKAGE) / DATA_FOLDER / f"{name}.toml").read_text(encoding="utf-8")
        return DataTable(source, tomllib.loads(text))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise DemoDataError(f"demo data {source}: {error}") from error


def band(values: list[int]) -> tuple[int, int]:
    """A [low, high] pair of a data file, as a tuple."""
    low, high = values
    return low, high
