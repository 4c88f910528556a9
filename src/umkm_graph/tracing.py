"""Optional OpenTelemetry tracing (`pip install 'umkm-graph[tracing]'`, then UMKM_TRACING=true): one span per GraphQL
operation, named by its type and name; a client span per SQL statement (the statement with its placeholders, never
its values); a client span per provider call attempt. Without the setting nothing here runs, and the packages need not
be installed.

Where spans go is OpenTelemetry's own business: an SDK tracer provider set before the app starts (e.g. by
`opentelemetry-instrument`, or a test's in-memory exporter) is used as it is; with none, the app sets one that exports
over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318), as service "umkm-graph"."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from strawberry.extensions import SchemaExtension

try:
    from opentelemetry import trace
except ImportError:  # the tracing extra is not installed
    trace = None  # type: ignore[assignment]

TRACER = "umkm_graph"
_STATEMENTS = ("execute_insert", "execute_many", "execute_query", "execute_query_dict", "execute_script")
_state = {"active": False, "instrumented": False}


class TracingUnavailable(RuntimeError):
    pass


def start_tracing() -> None:
    """Turn tracing on for this process (the app's start, with UMKM_TRACING=true)."""
    if trace is None:
        raise TracingUnavailable("UMKM_TRACING=true needs OpenTelemetry: pip install 'umkm-graph[tracing]'")
    if not _has_sdk_provider():
        _export_over_otlp()
    if not _state["instrumented"]:
        _instrument_statements()
        _state["instrumented"] = True
    _state["active"] = True


def stop_tracing() -> None:
    _state["active"] = False


def active() -> bool:
    return _state["active"]


@contextlib.contextmanager
def span(name: str, attributes: dict[str, Any], client: bool = False) -> Iterator[Any]:
    """A span around a block when tracing is on (else nothing); an exception marks it failed and passes on."""
    if not _state["active"]:
        yield None
        return
    kind = trace.SpanKind.CLIENT if client else trace.SpanKind.INTERNAL
    with trace.get_tracer(TRACER).start_as_current_span(name, kind=kind, attributes=attributes) as current:
        yield current


class OperationSpans(SchemaExtension):
    """One span per GraphQL operation: "query storefront", "mutation checkout"; its errors mark it failed."""

    def on_operation(self) -> Iterator[None]:
        if not _state["active"]:
            yield
            return
        context = self.execution_context
        with span("graphql", {}) as current:
            yield
            name = context.operation_name or "anonymous"
            try:
                kind = context.operation_type.value
            except Exception:  # not parsed: the document was refused before it had a type
                kind = "operation"
            current.update_name(f"{kind} {name}")
            current.set_attributes({"graphql.operation.name": name, "graphql.operation.type": kind})
            errors = context.result.errors if context.result is not None else None
            if errors:
                current.set_status(trace.Status(trace.StatusCode.ERROR, errors[0].message[:200]))


def _has_sdk_provider() -> bool:
    provider = trace.get_tracer_provider()
    return not isinstance(provider, (trace.ProxyTracerProvider, trace.NoOpTracerProvider))


def _export_over_otlp() -> None:
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError as missing:
        raise TracingUnavailable(f"UMKM_TRACING=true found no tracer provider and cannot export ({missing.name} is "
                                 "missing): pip install 'umkm-graph[tracing]'") from None
    provider = TracerProvider(resource=Resource.create({"service.name": "umkm-graph"}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)


def _instrument_statements() -> None:
    """Wrap the statement methods of tortoise's SQLite and PostgreSQL clients (each class that defines its own)."""
    from tortoise.backends.base_postgres.client import BasePostgresClient
    from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionWrapper
    classes: list[tuple[type, str]] = [(SqliteClient, "sqlite"), (SqliteTransactionWrapper, "sqlite"),
                                       (BasePostgresClient, "postgresql")]
    with contextlib.suppress(ImportError):  # asyncpg is installed with the production database only
        from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
        classes += [(AsyncpgDBClient, "postgresql"), (TransactionWrapper, "postgresql")]
    for cls, system in classes:
        for method in _STATEMENTS:
            if method in vars(cls):
                setattr(cls, method, _traced(getattr(cls, method), system))


def _traced(method: Callable[..., Awaitable[Any]], system: str) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(method)
    async def run(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
        if not _state["active"]:
            return await method(self, query, *args, **kwargs)
        operation = query.lstrip().split(None, 1)[0].upper() if query.strip() else "SQL"
        with span(f"{operation} {system}", {"db.system": system, "db.operation": operation, "db.statement": query},
                  client=True):
            return await method(self, query, *args, **kwargs)
    return run
