"""Operating the server: a request id on every request and log line, JSON logs, and Prometheus metrics."""

from __future__ import annotations

import contextvars
import hmac
import json
import logging
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension
from tortoise import Tortoise

from umkm_graph.core.orm_compat import connection_pool

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

GRAPHQL_REQUESTS = Counter("umkm_graphql_operations_total", "GraphQL operations executed", ["operation"])
GRAPHQL_LATENCY = Histogram("umkm_graphql_operation_seconds", "Time to execute a GraphQL operation", ["operation"])
ERRORS = Counter("umkm_errors_total", "Errors returned to clients, by code", ["code"])
PROVIDER_CALLS = Histogram("umkm_provider_call_seconds", "Time of plugin provider calls", ["provider", "operation"])
PROVIDER_FAILURES = Counter("umkm_provider_failures_total", "Plugin provider calls that failed", ["provider", "operation"])
DB_POOL_SIZE = Gauge("umkm_db_pool_connections", "Database pool connections (PostgreSQL)", ["state"])

_INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


class RequestIdMiddleware:
    """Takes a sane X-Request-ID from the client (or a gateway) or makes one, and sends it back on the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")
        rid = incoming if _INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id.reset(token)


class OperationMetrics(SchemaExtension):
    """Counts and times each operation by name: one hook per operation, none per field."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        record_operation(self.execution_context.operation_name, time.perf_counter() - started)


def record_operation(name: str | None, seconds: float) -> None:
    """One operation executed, by its name (the extension's, and the document compiler's for the plans it runs)."""
    label = (name if _NAME.fullmatch(name) else "invalid") if name else "anonymous"
    GRAPHQL_REQUESTS.labels(label).inc()
    GRAPHQL_LATENCY.labels(label).observe(seconds)


def _update_pool_gauges() -> None:
    try:
        pool = connection_pool(Tortoise.get_connection("default"))
    except Exception:  # not initialised yet, or no such connection
        return
    if pool is not None and hasattr(pool, "get_size"):
        size, idle = pool.get_size(), pool.get_idle_size()
        DB_POOL_SIZE.labels("in_use").set(size - idle)
        DB_POOL_SIZE.labels("idle").set(idle)


async def metrics(request: Request) -> Response:
    """Prometheus metrics, for the bearer of UMKM_METRICS_TOKEN only: they tell an outsider what runs and how busy it is.
    Without a token set, there is nothing here (404)."""
    expected = request.app.state.settings.metrics_token
    if expected is None:
        return Response("Not Found", status_code=404, media_type="text/plain")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        return Response("a bearer token is needed", status_code=401, media_type="text/plain",
                        headers={"WWW-Authenticate": "Bearer"})
    _update_pool_gauges()
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id.get(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def configure_logging(log_format: str, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(_RequestIdFilter())
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # tortoise logs its connection objects' reprs at start and "shutdown" once per registration: noise at INFO
    logging.getLogger("tortoise").setLevel(max(level, logging.WARNING))
