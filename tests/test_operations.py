"""Operating the server: readiness, Prometheus metrics, request ids and JSON logs."""

from __future__ import annotations

import json
import logging

from tests.support import Api
from umkm_graph.observability import JsonFormatter, request_id


async def test_readyz_reports_the_database_ready(api: Api) -> None:
    response = await api.client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "migrations": "ok"}}


async def test_metrics_count_operations_by_name_and_errors_by_code(api: Api) -> None:
    await api.gql("query Storefront { products(first: 1) { totalCount } }")
    await api.fails('mutation Login { login(email: "nobody@example.id", password: "salah-password") { errors { code } } }')
    scraped = (await api.client.get("/metrics")).text
    assert 'umkm_graphql_operations_total{operation="Storefront"}' in scraped
    assert 'umkm_graphql_operation_seconds_bucket{le="0.005",operation="Storefront"}' in scraped
    assert 'umkm_errors_total{code="INVALID_CREDENTIALS"}' in scraped


async def test_every_response_carries_a_request_id_and_echoes_a_sane_one(api: Api) -> None:
    made = await api.client.get("/healthz")
    assert len(made.headers["x-request-id"]) == 32
    echoed = await api.client.get("/healthz", headers={"X-Request-ID": "gateway-abc.123"})
    assert echoed.headers["x-request-id"] == "gateway-abc.123"
    replaced = await api.client.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"})
    assert replaced.headers["x-request-id"] != "bad id\nwith newline"


async def test_logs_are_json_lines_with_the_request_id() -> None:
    token = request_id.set("req-42")
    try:
        record = logging.LogRecord("umkm_graph.test", logging.WARNING, __file__, 1, "stok %s habis", ("beras",), None)
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert line["message"] == "stok beras habis" and line["request_id"] == "req-42" and line["level"] == "WARNING"

