"""node and npm for the TypeScript client's test: skipped with the reason when npm is missing, unless
UMKM_REQUIRE_NODE=1 (set by .ci/run), where its absence fails the test."""

from __future__ import annotations

import os
import shutil

import pytest


def require_npm() -> str:
    found = shutil.which("npm")
    if found is None:
        if os.environ.get("UMKM_REQUIRE_NODE") == "1":
            pytest.fail("UMKM_REQUIRE_NODE=1 but npm is not installed (apt-get install npm)", pytrace=False)
        pytest.skip("needs node and npm (apt-get install npm)")
    return found
