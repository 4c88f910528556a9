"""The seeded demo in a SQLite file, cheaply. Each worker seeds one template per environment with `umkm-graph seed`
(what the tests ran each time) and every test gets a copy of its own, taken with SQLite's backup API: the seed is
deterministic, so the copy holds the rows a fresh seed would, for the price of copying a file."""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

_templates: dict[tuple[tuple[str, str], ...], Path] = {}


def seeded_sqlite(path: Path, env: Mapping[str, str] | None = None) -> str:
    """A SQLite file at `path` holding the demo as `umkm-graph seed` leaves it under `env`; its URL."""
    env = {key: value for key, value in (env or {}).items() if key != "UMKM_DATABASE_URL"}
    key = tuple(sorted(env.items()))
    template = _templates.get(key)
    if template is None:
        folder = Path(tempfile.mkdtemp(prefix="umkm-demo-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template = folder / "demo.db"
        subprocess.run([sys.executable, "-m", "umkm_graph.cli", "seed"],
                       env={**os.environ, **env, "UMKM_DATABASE_URL": f"sqlite://{template}"},
                       check=True, capture_output=True)
        _templates[key] = template
    source, copy = sqlite3.connect(template), sqlite3.connect(path)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    return f"sqlite://{path}"
