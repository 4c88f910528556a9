"""Where renditions are kept: a small interface with local disk as the embedded default. Keys are content addresses
(the original's sha256 and the size), so a stored file never changes and may be cached for good."""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

KEY = re.compile(r"[0-9a-f]{64}/[a-z]+\.webp")


class MediaStorage(Protocol):
    async def put(self, key: str, data: bytes) -> None: ...

    async def get(self, key: str) -> bytes | None: ...


def key_of(sha256: str, size: str) -> str:
    return f"{sha256}/{size.lower()}.webp"


class LocalStorage:
    """Files under one folder (UMKM_MEDIA_DIR), written whole (a temporary file renamed into place) off the event loop."""

    def __init__(self, root: str) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not KEY.fullmatch(key):
            raise ValueError(f"not a media key: {key!r}")
        return self.root / key

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, self._path(key), data)

    async def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            return None

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        if path.exists():
            return  # content-addressed: already there means the same bytes
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
