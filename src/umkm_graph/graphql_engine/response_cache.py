"""The public response cache: the answers to anonymous storefront queries, kept in this process and served again without
running GraphQL, until the public catalog changes (changes.py) or they grow old.

What is cached, and when:
- only a single query (never a mutation, a subscription or a batch) sent without an Authorization header, over HTTP;
- only a document whose every field is declared public (`public_data()` in the field's metadata, read from the schema):
  public data versioned by changes.py, the same for whoever asks (an allowlist: a field without the declaration, such
  as Shop.npwp or a reviewer's name, makes the document uncacheable);
- only an answer with data and no errors (a refusal, a bad cursor or a masked failure is never kept).
The key is the sha256 of the document (a persisted query's hash names the same document), the variables and the
operation name. An entry is served while the catalog version it was computed at is current, for at most the TTL; the
least recently used entries go first when the cache is full. Answers carry `X-Cache: HIT` or `X-Cache: MISS` (computed,
and kept); uncacheable requests carry neither.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLField,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    parse,
    visit,
)
from prometheus_client import Counter
from starlette.requests import Request
from starlette.responses import Response
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from umkm_graph import changes
from umkm_graph.graphql_engine.compat import field_definition
from umkm_graph.settings import Settings

_PUBLIC_DATA = "umkm_graph.public_data"


def public_data() -> dict[str, object]:
    """Field metadata declaring the field's answer public data that the cache may serve: the same for everyone and
    covered by changes.py's version (so not Shop.npwp, shown to the owner and the city only, nor a reviewer's name)."""
    return {_PUBLIC_DATA: True}


def is_public_data(field: GraphQLField) -> bool:
    """Whether the schema's field carries the public_data declaration (strawberry keeps a field's metadata on its
    definition, which graphql-core's field holds in `extensions`)."""
    definition = field_definition(field)
    return (getattr(definition, "metadata", None) or {}).get(_PUBLIC_DATA) is True


_SHA256 = re.compile(r"[0-9a-f]{64}")
HEADER = "x-cache"

CACHE_LOOKUPS = Counter("umkm_response_cache_total", "Anonymous public queries by cache outcome", ["outcome"])


@dataclass
class _Entry:
    body: bytes
    version: int
    expires: float


class ResponseCache:
    """Answers by key, each tagged with the catalog version it was computed at; least recently used first out."""

    def __init__(self, max_entries: int, ttl_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_entries = max_entries
        self.ttl_seconds = ttl_seconds
        self.clock = clock
        self.entries: OrderedDict[bytes, _Entry] = OrderedDict()

    def get(self, key: bytes) -> bytes | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        if entry.version != changes.version() or entry.expires <= self.clock():
            del self.entries[key]
            return None
        self.entries.move_to_end(key)
        return entry.body

    def put(self, key: bytes, body: bytes, version: int) -> None:
        self.entries[key] = _Entry(body, version, self.clock() + self.ttl_seconds)
        self.entries.move_to_end(key)
        while len(self.entries) > self.max_entries:
            self.entries.popitem(last=False)


@dataclass(frozen=True)
class PendingAnswer:
    key: bytes
    version: int  # read before the operation runs, so a write that commits meanwhile leaves the answer stale


def request_key(request: Request, body: bytes) -> bytes | None:
    """The cache key of an anonymous single operation sent over HTTP, or None when the request cannot be cached."""
    if "authorization" in request.headers:
        return None
    if request.method == "GET":
        params = request.query_params
        try:
            variables = json.loads(params["variables"]) if params.get("variables") else None
            extensions = json.loads(params["extensions"]) if params.get("extensions") else None
        except ValueError:
            return None
        data: Any = {"query": params.get("query"), "variables": variables, "operationName": params.get("operationName"),
                     "extensions": extensions}
    elif request.method == "POST" and request.headers.get("content-type", "").startswith("application/json"):
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            return None
    else:
        return None
    if not isinstance(data, dict):  # a batch, or nonsense that strawberry will refuse
        return None
    document = _document_id(data.get("query"), data.get("extensions"))
    variables, operation = data.get("variables") or {}, data.get("operationName")
    if document is None or not isinstance(variables, dict) or not isinstance(operation, (str, type(None))):
        return None
    try:
        canonical = json.dumps(variables, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        return None
    return hashlib.sha256(f"{document}\0{canonical}\0{operation or ''}".encode()).digest()


def _document_id(query: object, extensions: object) -> str | None:
    """The sha256 of the document: worked out from its text, or a persisted query's hash when only that is sent."""
    if isinstance(query, str):
        return hashlib.sha256(query.encode()).hexdigest()
    if query is None and isinstance(extensions, dict) and isinstance(extensions.get("persistedQuery"), dict):
        sha = extensions["persistedQuery"].get("sha256Hash")
        if isinstance(sha, str) and _SHA256.fullmatch(sha.lower()):
            return sha.lower()
    return None


class _PublicFieldsOnly(Visitor):
    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.public = True

    def enter_field(self, node: FieldNode, *_: Any) -> Any:
        name = node.name.value
        if name == "__typename":
            return None
        field = self.type_info.get_field_def()
        if field is not None and is_public_data(field):
            return None  # each field below is checked in its turn
        self.public = False
        return self.BREAK


def public_query(schema: GraphQLSchema, query: str, operation_name: str | None) -> bool:
    """Whether this (valid) document's operation is a query of public fields only."""
    try:
        document = parse(query)
    except (GraphQLError, RecursionError):
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    if len(chosen) != 1 or chosen[0].operation != OperationType.QUERY or schema.query_type is None:
        return False
    return _only_public_fields(schema, document)


def _only_public_fields(schema: GraphQLSchema, document: DocumentNode) -> bool:
    type_info = TypeInfo(schema)
    visitor = _PublicFieldsOnly(type_info)
    visit(document, TypeInfoVisitor(type_info, visitor))
    return visitor.public


class PublicAnswers:
    """The view's response cache steps (view.py runs them): look a request up before any GraphQL work, note the
    document each operation ran, and keep a cacheable answer after."""

    def __init__(self, settings: Settings, schema: GraphQLSchema) -> None:
        self.cache = ResponseCache(settings.response_cache_entries, settings.response_cache_ttl_seconds)
        # public_query for this schema, remembered for the documents seen most often.
        self.public_query: Callable[[str, str | None], bool] = functools.lru_cache(maxsize=512)(
            functools.partial(public_query, schema))

    async def lookup(self, request: Request) -> Response | PendingAnswer | None:
        """The kept answer (X-Cache: HIT), or what to keep the answer under once computed, or None: not cacheable."""
        key = request_key(request, await request.body() if request.method == "POST" else b"")
        if key is None:
            return None
        body = self.cache.get(key)
        if body is not None:
            CACHE_LOOKUPS.labels("hit").inc()
            return Response(body, media_type="application/json", headers={HEADER: "HIT"})
        asked = request.state.cache_asked = PendingAnswer(key, changes.version())
        return asked

    @staticmethod
    def note(request: object, request_data: GraphQLRequestData, result: object) -> None:
        """Notes the document that ran (a persisted query's already looked up) when it answered data without errors."""
        if (isinstance(result, ExecutionResult) and result.data is not None and not result.errors
                and isinstance(request, Request) and hasattr(request.state, "cache_asked")
                and isinstance(request_data.query, str)):
            request.state.response_cache_document = (request_data.query, request_data.operation_name)

    def keep(self, request: Request, asked: PendingAnswer, response: object) -> None:
        """Keeps a 200 answer of a document with public fields only (X-Cache: MISS); anything else is uncacheable."""
        ran = getattr(request.state, "response_cache_document", None)
        if (ran is not None and type(response) is Response and response.status_code == 200
                and self.public_query(*ran)):
            self.cache.put(asked.key, bytes(response.body), asked.version)
            response.headers[HEADER] = "MISS"
            CACHE_LOOKUPS.labels("miss").inc()
        else:
            CACHE_LOOKUPS.labels("uncacheable").inc()
