"""Persisted queries. Automatic persisted queries follow Apollo's APQ protocol: a client sends
`extensions: {"persistedQuery": {"version": 1, "sha256Hash": "<hex>"}}` without the document; when the hash is unknown
the answer is the error PersistedQueryNotFound, and the client sends the document again with its hash, which the server
checks and keeps (in memory, or in Redis when UMKM_REDIS_URL is set) once the document has run.

The store is bounded: a document longer than UMKM_PERSISTED_QUERY_MAX_CHARS runs but is not kept (its client goes on
sending it whole), and at most UMKM_PERSISTED_QUERIES_MAX_ENTRIES documents are kept, the oldest dropped first; in
Redis each also expires REDIS_TTL_SECONDS after it was last registered.

UMKM_PERSISTED_QUERIES_ONLY (for production) runs only the documents of UMKM_PERSISTED_QUERIES_FILE, a JSON object
{"<sha256 of the document>": "<document>"}, whether a client sends the hash or the whole document, over HTTP or a
WebSocket; nothing is added at run time.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.http import GraphQLRequestData

from umkm_graph.graphql_engine.limits import refuse
from umkm_graph.settings import Settings, SettingsError

log = logging.getLogger("umkm_graph.persisted")

_SHA256 = re.compile(r"[0-9a-f]{64}")
NOT_FOUND = "PersistedQueryNotFound"  # the message Apollo clients look for
REDIS_TTL_SECONDS = 7 * 24 * 3600


def sha256(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


class DocumentStore(Protocol):
    async def get(self, sha: str) -> str | None: ...

    async def put(self, sha: str, document: str) -> None: ...


class MemoryDocuments:
    """The most recently used documents, up to max_entries of at most max_document_chars each, and max_chars in all."""

    def __init__(self, max_entries: int = 1_000, max_document_chars: int = 20_000, max_chars: int = 8_000_000) -> None:
        self.max_entries = max_entries
        self.max_document_chars = max_document_chars
        self.max_chars = max_chars
        self.chars = 0
        self.documents: OrderedDict[str, str] = OrderedDict()

    async def get(self, sha: str) -> str | None:
        document = self.documents.get(sha)
        if document is not None:
            self.documents.move_to_end(sha)
        return document

    async def put(self, sha: str, document: str) -> None:
        if sha in self.documents or len(document) > min(self.max_document_chars, self.max_chars):
            return
        self.documents[sha] = document
        self.chars += len(document)
        while self.chars > self.max_chars or len(self.documents) > self.max_entries:
            _, dropped = self.documents.popitem(last=False)
            self.chars -= len(dropped)


class RedisDocuments:
    """Documents shared by every server process, each under a key of its own with a TTL; a sorted set of their hashes
    by registration time holds them to max_entries keys, dropping the oldest. A Redis failure makes a hash unknown, so
    the client sends the document."""

    def __init__(self, client: Any, prefix: str, max_entries: int = 1_000, max_document_chars: int = 20_000) -> None:
        self.client = client
        self.prefix = f"{prefix}:apq:"
        self.index = f"{prefix}:apq-index"
        self.max_entries = max_entries
        self.max_document_chars = max_document_chars

    async def get(self, sha: str) -> str | None:
        try:
            value = await self.client.get(self.prefix + sha)
        except Exception as error:  # redis-py raises RedisError and OSError subclasses
            log.warning("persisted query lookup failed: %s", error)
            return None
        return value.decode() if isinstance(value, bytes) else value

    async def put(self, sha: str, document: str) -> None:
        if len(document) > self.max_document_chars:
            return
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.set(self.prefix + sha, document, ex=REDIS_TTL_SECONDS)
                pipe.zadd(self.index, {sha: time.time()})
                pipe.expire(self.index, REDIS_TTL_SECONDS)
                pipe.zcard(self.index)
                *_, count = await pipe.execute()
            if count > self.max_entries:
                dropped = await self.client.zpopmin(self.index, count - self.max_entries)
                if dropped:
                    await self.client.delete(*(self.prefix + _text(member) for member, _ in dropped))
        except Exception as error:
            log.warning("persisted query not kept: %s", error)


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


class Safelist:
    """The documents an operator persisted ahead of time; read-only."""

    def __init__(self, documents: dict[str, str]) -> None:
        self.documents = documents

    async def get(self, sha: str) -> str | None:
        return self.documents.get(sha)

    async def put(self, sha: str, document: str) -> None:
        return None


@functools.cache
def load_safelist(path: str) -> dict[str, str]:
    """The persisted documents file, with every hash checked; a broken file stops the start."""
    try:
        raw = json.loads(Path(path).read_text())
    except (OSError, ValueError) as error:
        raise SettingsError(f"UMKM_PERSISTED_QUERIES_FILE {path!r} cannot be read as JSON: {error}") from None
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise SettingsError(f"UMKM_PERSISTED_QUERIES_FILE {path!r} must be a JSON object of sha256 -> document")
    wrong = [key for key, document in raw.items() if key.lower() != sha256(document)]
    if wrong:
        raise SettingsError(f"UMKM_PERSISTED_QUERIES_FILE {path!r}: {len(wrong)} hashes do not match their documents, "
                            f"e.g. {wrong[0][:16]}...")
    return {key.lower(): document for key, document in raw.items()}


def document_store(settings: Settings, redis: Any | None) -> DocumentStore:
    if settings.persisted_queries_only and settings.persisted_queries_file:
        return Safelist(load_safelist(settings.persisted_queries_file))
    if redis is not None:
        return RedisDocuments(redis, settings.redis_prefix, settings.persisted_queries_max_entries,
                              settings.persisted_query_max_chars)
    return MemoryDocuments(settings.persisted_queries_max_entries, settings.persisted_query_max_chars)


def _error(code: str, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


@dataclasses.dataclass
class Resolved:
    data: GraphQLRequestData
    keep: str | None = None  # the hash to keep the document under, once it has run


async def resolve(store: DocumentStore, data: GraphQLRequestData) -> Resolved | GraphQLError:
    """The request with its document filled in from a persisted-query hash, or the APQ error to answer."""
    extension = (data.extensions or {}).get("persistedQuery")
    if extension is None:
        return Resolved(data)
    if not isinstance(extension, dict) or extension.get("version") != 1:
        return _error("PERSISTED_QUERY_NOT_SUPPORTED", "Only version 1 of persistedQuery is supported")
    sha = extension.get("sha256Hash")
    if not isinstance(sha, str) or not _SHA256.fullmatch(sha.lower()):
        return _error("BAD_USER_INPUT", "persistedQuery.sha256Hash must be 64 hexadecimal digits")
    sha = sha.lower()
    if data.query is None:
        document = await store.get(sha)
        if document is None:
            return _error("PERSISTED_QUERY_NOT_FOUND", NOT_FOUND)
        return Resolved(dataclasses.replace(data, query=document))
    if not isinstance(data.query, str) or sha256(data.query) != sha:
        return _error("PERSISTED_QUERY_HASH_MISMATCH", "persistedQuery.sha256Hash is not the sha256 of the query sent")
    return Resolved(data, keep=sha)


class PersistedOnly(SchemaExtension):
    """Production switch: refuse every document that is not in the persisted documents file."""

    def __init__(self, documents: dict[str, str]) -> None:
        self.documents = documents

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None and context.graphql_document is None and sha256(context.query) not in self.documents:
            refuse(context, _error("PERSISTED_QUERY_REQUIRED", "This server runs only persisted documents: send "
                                   "extensions.persistedQuery.sha256Hash of a document registered with the server"))
        yield


def extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    if not (settings.persisted_queries_only and settings.persisted_queries_file):
        return []
    documents = load_safelist(settings.persisted_queries_file)
    return [lambda: PersistedOnly(documents)]
