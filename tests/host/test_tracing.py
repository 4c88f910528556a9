"""Tracing with OpenTelemetry (UMKM_TRACING=true), read with the SDK's in-memory exporter: a span per operation named by
its type and name, the SQL it sent as client spans inside it (statements with placeholders, never the values), and a
client span per provider call; off, nothing is traced. The provider calls are counted in /metrics either way."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tests.helpers.api import scrape_metrics, serve
from tests.helpers.checkout import cart, check_out, market
from umkm_graph.settings import Settings

SHOP = 'query ShopPage { shop(slug: "toko-yang-tidak-ada-xq7") { name } }'


@pytest.fixture(scope="module")
def spans() -> Iterator[InMemorySpanExporter]:
    """The process's tracer provider (set once per process, as OpenTelemetry allows), with an exporter of our own."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield exporter
    exporter.shutdown()


def named(exporter: InMemorySpanExporter, name: str) -> list[Any]:
    return [s for s in exporter.get_finished_spans() if s.name == name]


def inside(span: Any, ancestor: Any, everything: dict[int, Any]) -> bool:
    while span.parent is not None:
        if span.parent.span_id == ancestor.context.span_id:
            return True
        span = everything.get(span.parent.span_id)
        if span is None:
            return False
    return False


async def test_an_operation_is_one_span_holding_its_sql_without_the_values(
        settings: Settings, spans: InMemorySpanExporter) -> None:
    async with serve(dataclasses.replace(settings, tracing=True)) as api:
        spans.clear()
        assert (await api.gql(SHOP))["shop"] is None
    (operation,) = named(spans, "query ShopPage")
    assert operation.attributes["graphql.operation.name"] == "ShopPage"
    assert operation.attributes["graphql.operation.type"] == "query"
    everything = {s.context.span_id: s for s in spans.get_finished_spans()}
    statements = [s for s in everything.values() if "db.statement" in s.attributes and inside(s, operation, everything)]
    assert statements, "no SQL span inside the operation"
    for statement in statements:
        assert statement.kind == trace.SpanKind.CLIENT
        assert statement.attributes["db.system"] in ("sqlite", "postgresql")
        assert "toko-yang-tidak-ada-xq7" not in statement.attributes["db.statement"]
    assert any(s.attributes["db.statement"].lstrip().upper().startswith("SELECT") for s in statements)


async def test_each_provider_call_is_a_client_span_and_is_counted(
        settings: Settings, spans: InMemorySpanExporter) -> None:
    async with serve(dataclasses.replace(settings, tracing=True)) as api:
        m = await market(api)
        spans.clear()
        await check_out(api, m.buyer, cart([(m.beras, 1)], [(m.shop, "pickup")]))
        metrics = await scrape_metrics(api)
    (checkout,) = named(spans, "mutation anonymous")
    (payment,) = named(spans, "provider cod create_payment")
    assert payment.kind == trace.SpanKind.CLIENT and payment.attributes["umkm.provider"] == "cod"
    assert inside(payment, checkout, {s.context.span_id: s for s in spans.get_finished_spans()})
    assert 'umkm_provider_call_seconds_count{operation="create_payment",provider="cod"}' in metrics


async def test_without_the_setting_nothing_is_traced(settings: Settings, spans: InMemorySpanExporter) -> None:
    async with serve(settings) as api:
        spans.clear()
        assert (await api.gql(SHOP))["shop"] is None
    assert spans.get_finished_spans() == ()
