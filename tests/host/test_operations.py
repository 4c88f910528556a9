"""Operating the server: readiness, Prometheus metrics, request ids and JSON logs."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx2

from tests.helpers.api import Api, scrape_metrics
from tests.helpers.live import free_port, server_process
from umkm_graph.observability import JsonFormatter, request_id


async def test_readyz_reports_the_database_ready(api: Api) -> None:
    response = await api.client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "migrations": "ok"}}


async def test_metrics_count_operations_by_name_and_errors_by_code(api: Api) -> None:
    await api.gql("query Storefront { products(first: 1) { totalCount } }")
    await api.fails('mutation Login { login(email: "nobody@example.id", password: "salah-password") { errors { code } } }')
    scraped = await scrape_metrics(api)
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



async def test_the_access_log_is_a_line_per_request_unless_switched_off(tmp_path: Path) -> None:
    for switch, lines in (("1", 2), ("0", 0)):
        port, output = free_port(), tmp_path / f"serve-{switch}.log"
        env = {"UMKM_DATABASE_URL": f"sqlite://{tmp_path / 'access.sqlite3'}", "UMKM_ACCESS_LOG": switch,
               "UMKM_PAYMENT_JOBS_INTERVAL_SECONDS": "0"}
        with server_process(env, port, output):
            async with httpx2.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
                for _ in range(2):
                    assert (await client.get("/healthz")).status_code == 200
        assert output.read_text().count('"GET /healthz HTTP/1.1" 200') == lines, output.read_text()
