"""Renditions in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, ...), so that several API machines share them.

aiobotocore (aio-libs) is botocore, the AWS SDK's own core, on aiohttp: the same signing, endpoints, retries and
credential chain as boto3, awaited on the event loop instead of a thread per call, over the aiohttp the host already
uses. It is the s3 extra (pip install 'umkm-graph[s3]'), imported only when a bucket is configured.

Objects are written with the Cache-Control and Content-Type that /media sends, so a bucket or CDN serving them
directly (UMKM_MEDIA_PUBLIC_URL) caches them the same way. Failures become StorageUnavailable naming only the
operation and S3's error code: botocore's messages can quote the request, and no key may reach a log or a client."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import aiohttp
from botocore.exceptions import BotoCoreError, ClientError

from umkm_graph.media_settings import MediaSettings
from umkm_graph.uploads.storage import CACHE_CONTROL, CONTENT_TYPE, StorageUnavailable, checked

MISSING = {"NoSuchKey", "404", "NotFound"}


class S3Storage:
    def __init__(self, settings: MediaSettings) -> None:
        if settings.s3_bucket is None:
            raise ValueError("S3Storage needs UMKM_MEDIA_S3_BUCKET")
        self.settings = settings
        self.bucket = settings.s3_bucket
        self._client: Any = None
        self._exits = contextlib.AsyncExitStack()
        self._opening = asyncio.Lock()

    async def put(self, key: str, data: bytes) -> None:
        name, client = self._object(key), await self._opened()
        try:
            await client.put_object(Bucket=self.bucket, Key=name, Body=data, CacheControl=CACHE_CONTROL,
                                    ContentType=CONTENT_TYPE)
        except (BotoCoreError, ClientError) as error:  # botocore's: unreachable, timed out, refused
            raise _unavailable("put", error) from None

    async def get(self, key: str) -> bytes | None:
        name, client = self._object(key), await self._opened()
        try:
            answer = await client.get_object(Bucket=self.bucket, Key=name)
            async with answer["Body"] as body:
                return bytes(await body.read())
        except (BotoCoreError, ClientError, aiohttp.ClientError) as error:  # the body is read over aiohttp itself
            if _code(error) in MISSING:
                return None
            raise _unavailable("get", error) from None

    async def close(self) -> None:
        await self._exits.aclose()
        self._client = None

    def _object(self, key: str) -> str:
        return self.settings.s3_prefix + checked(key)

    async def _opened(self) -> Any:
        """One client (one aiohttp connection pool) for the app's life, opened at first use."""
        async with self._opening:
            if self._client is None:
                self._client = await self._exits.enter_async_context(_client(self.settings))
            return self._client


def _client(settings: MediaSettings) -> Any:
    from aiobotocore.config import AioConfig
    from aiobotocore.session import get_session

    config = AioConfig(
        connect_timeout=5, read_timeout=15, retries={"max_attempts": 2, "mode": "standard"},  # a person waits
        # Path-style addresses (endpoint/bucket/key): a self-hosted server has no DNS name per bucket.
        s3={"addressing_style": "path" if settings.s3_endpoint else "auto"},
        # Checksums only where S3 requires them: several S3-compatible servers refuse botocore's newer default ones.
        request_checksum_calculation="when_required", response_checksum_validation="when_required")
    return get_session().create_client(
        "s3", region_name=settings.s3_region, endpoint_url=settings.s3_endpoint, config=config,
        aws_access_key_id=settings.s3_access_key_id, aws_secret_access_key=settings.s3_secret_access_key)


def _code(error: Exception) -> str | None:
    response = getattr(error, "response", None)
    return str(response.get("Error", {}).get("Code")) if isinstance(response, dict) else None


def _unavailable(operation: str, error: Exception) -> StorageUnavailable:
    return StorageUnavailable(f"S3 {operation} failed: {_code(error) or type(error).__name__}")
