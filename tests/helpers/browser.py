"""A real browser for the web pages' tests: Debian's chromium driven by Playwright (never a browser Playwright fetches),
offline: every request outside 127.0.0.1 is refused and noted. Without chromium the tests skip and say why, unless
UMKM_REQUIRE_BROWSER=1 (set by .ci/run), where its absence fails them."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.helpers.paths import REPO

ARTEFACTS = REPO / "tests" / "artefacts"  # gitignored: screenshots the browser tests take
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser")
LOCAL_HOSTS = {"127.0.0.1"}


def chromium_path() -> str | None:
    """UMKM_CHROMIUM if set, else the first chromium on PATH (Debian's package installs /usr/bin/chromium)."""
    configured = os.environ.get("UMKM_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    return next((found for name in CHROMIUM_CANDIDATES if (found := shutil.which(name))), None)


def require_chromium() -> str:
    path = chromium_path()
    if path is None:
        reason = ("no chromium found (install Debian's: apt-get install chromium, or set UMKM_CHROMIUM to its path)")
        if os.environ.get("UMKM_REQUIRE_BROWSER") == "1":
            pytest.fail(f"UMKM_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return path


@contextmanager
def offline_browser() -> Iterator[Any]:
    """A headless chromium; one per session is enough, each test opens its own context with offline_context."""
    from playwright.sync_api import sync_playwright

    executable = require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def offline_context(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A fresh browser context whose requests outside 127.0.0.1 are aborted; yields it and the URLs it refused."""
    refused: list[str] = []

    def guard(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).hostname in LOCAL_HOSTS or url.startswith("data:"):
            route.continue_()
        else:
            refused.append(url)
            route.abort("internetdisconnected")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID", service_workers="block")
    context.route("**/*", guard)
    try:
        yield context, refused
    finally:
        context.close()


def screenshot_path(name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS / f"{name}.png"
