"""Where the repository's files are, whichever folder of tests/ asks."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
