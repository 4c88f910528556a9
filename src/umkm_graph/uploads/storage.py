"""Where renditions are kept: a small interface, MediaStorage, with local disk as the embedded default and an
S3-compatible bucket for several machines (uploads/s3_storage.py). Keys are content addresses (the original's sha256
and the size), so a stored file never changes and may be cached for good."""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

KEY = re.compile(r"[0-9a-f]{64}/[a-z]+\.webp")
# Whoever serves a rendition (GET /media, a bucket, a CDN) sends these: the key is the content, so it never changes.
CACHE_CONTROL = "public, max-age=31536000, immutable"
CONTENT_TYPE = "image/webp"


class StorageUnavailable(Exception):
    """The storage could not be reached or refused us; the message is safe to log (it names no key or secret)."""


class MediaStorage(Protocol):
    async def put(self, key: str, data: bytes) -> None:
        """Keep data under key (idempotent: a key always holds the same bytes); StorageUnavailable if it cannot."""

    async def get(self, key: str) -> bytes | None:
        """The bytes under key, None if there are none; StorageUnavailable if the storage cannot say."""

    async def close(self) -> None:
        """Release connections; called once as the app stops."""


def key_of(sha256: str, size: str) -> str:
    return f"{sha256}/{size.lower()}.webp"


def checked(key: str) -> str:
    if not KEY.fullmatch(key):
        raise ValueError(f"not a media key: {key!r}")
    return key


class LocalStorage:
    """Files under one folder (UMKM_MEDIA_DIR), written whole (a temporary file renamed into place) off the event loop."""

    def __init__(self, root: str) -> None:
        self.root = Path(root)

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, self.root / checked(key), data)

    async def get(self, key: str) -> bytes | None:
        path = self.root / checked(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            return None

    async def close(self) -> None:
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
