"""The persisted-query store is bounded (hardening II, item 14): a document over UMKM_PERSISTED_QUERY_MAX_CHARS runs
but is not kept, and at most UMKM_PERSISTED_QUERIES_MAX_ENTRIES documents are kept, the oldest dropped first, in
memory and in Redis alike."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

import redis.asyncio as redis

from tests.helpers.api import Api, error_codes, post, serve
from tests.helpers.database import REDIS_URL
from umkm_graph.settings import Settings

PADDED = "{ __typename } #" + "x" * 95_000  # the attack: a trivial query with a 95 KB comment


def persisted(query: str | None, sha: str) -> dict[str, Any]:
    body: dict[str, Any] = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha}}}
    if query is not None:
        body["query"] = query
    return body


def sha256(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


async def kept(api: Api, query: str) -> bool:
    return error_codes((await post(api, persisted(None, sha256(query)))).json()) != ["PERSISTED_QUERY_NOT_FOUND"]


async def register_padded_documents(api: Api, count: int) -> list[str]:
    documents = [PADDED + str(i) for i in range(count)]
    for document in documents:
        answer = (await post(api, persisted(document, sha256(document)))).json()
        assert answer == {"data": {"__typename": "Query"}}  # it runs; it is just not kept
    return documents


async def small_documents(api: Api, count: int) -> list[str]:
    documents = [f"query Small{i} {{ __typename }}" for i in range(count)]
    for document in documents:
        assert error_codes((await post(api, persisted(document, sha256(document)))).json()) == []
    return documents


async def test_a_document_over_the_size_cap_runs_but_is_not_kept_in_memory(api: Api) -> None:
    documents = await register_padded_documents(api, 100)
    assert not any([await kept(api, document) for document in documents])


async def test_memory_keeps_at_most_the_cap_of_documents_dropping_the_oldest(settings: Settings) -> None:
    async with serve(dataclasses.replace(settings, persisted_queries_max_entries=5)) as api:
        documents = await small_documents(api, 12)
        assert [await kept(api, document) for document in documents] == [False] * 7 + [True] * 5


async def test_redis_keeps_no_document_over_the_size_cap(redis_settings: Settings) -> None:
    async with serve(redis_settings) as api:
        documents = await register_padded_documents(api, 100)
        assert not any([await kept(api, document) for document in documents])
    assert await apq_keys(redis_settings) == []


async def test_redis_keeps_at_most_the_cap_of_keys_dropping_the_oldest(redis_settings: Settings) -> None:
    async with serve(dataclasses.replace(redis_settings, persisted_queries_max_entries=5)) as api:
        documents = await small_documents(api, 12)
        assert [await kept(api, document) for document in documents] == [False] * 7 + [True] * 5
    keys = await apq_keys(redis_settings)
    assert len(keys) == 5
    client = redis.from_url(REDIS_URL)
    try:
        ttls = [await client.ttl(key) for key in keys]
        assert all(0 < ttl <= 7 * 24 * 3600 for ttl in ttls), ttls
        await client.delete(*keys, f"{redis_settings.redis_prefix}:apq-index")
    finally:
        await client.aclose()


async def apq_keys(settings: Settings) -> list[bytes]:
    client = redis.from_url(REDIS_URL)
    try:
        return [key async for key in client.scan_iter(f"{settings.redis_prefix}:apq:*")]
    finally:
        await client.aclose()
