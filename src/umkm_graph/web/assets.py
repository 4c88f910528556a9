"""The browser assets shipped in the package (static/vendor/, written by tools/vendor_web_assets.py): where each file
is served and its Subresource Integrity, so a page loads nothing from outside and the browser checks every byte."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
VENDOR = STATIC / "vendor"
PREFIX = "/static"


@dataclass(frozen=True)
class Asset:
    url: str  # where the app serves it
    path: Path  # the file in the package
    integrity: str  # sha384 as the manifest records it; the browser refuses a file that differs


@functools.cache
def vendored() -> dict[str, Asset]:
    """Every vendored file by its name (e.g. "graphiql.min.js")."""
    manifest = json.loads((VENDOR / "manifest.json").read_text())
    assets: dict[str, Asset] = {}
    for folder, entry in manifest.items():
        for name, integrity in entry["files"].items():
            assets[name] = Asset(f"{PREFIX}/vendor/{folder}/{name}", VENDOR / folder / name, integrity)
    return assets


def script_tag(name: str) -> str:
    asset = vendored()[name]
    return f'<script src="{asset.url}" integrity="{asset.integrity}" crossorigin="anonymous"></script>'


def stylesheet_tag(name: str) -> str:
    asset = vendored()[name]
    return f'<link rel="stylesheet" href="{asset.url}" integrity="{asset.integrity}" crossorigin="anonymous">'


def static_files() -> StaticFiles:
    return StaticFiles(directory=STATIC)
