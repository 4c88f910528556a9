"""/metrics is for the operator's Prometheus only (issue 12, item 20): off unless UMKM_METRICS_TOKEN is set, and then
only with that bearer token; over real HTTP, as an outside client asks."""

from __future__ import annotations

import dataclasses

import httpx2
import pytest

from tests.helpers.live import live_app
from umkm_graph.settings import Settings, SettingsError

TOKEN = "pQ4sV8yB1nX6cK0mT3hW9jR2fL7dZ5aG-uE_oI1kMbN"


async def test_metrics_are_not_served_to_anyone_unless_a_token_is_set(settings: Settings) -> None:
    async with live_app(dataclasses.replace(settings, metrics_token=None)) as url, \
            httpx2.AsyncClient(base_url=url) as client:
        await client.post("/graphql", json={"query": "query Storefront { __typename }"})
        for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": "Bearer anything"}):
            scraped = await client.get("/metrics", headers=headers)
            assert scraped.status_code == 404 and "umkm_" not in scraped.text


async def test_metrics_answer_only_the_bearer_of_the_metrics_token(settings: Settings) -> None:
    async with live_app(dataclasses.replace(settings, metrics_token=TOKEN)) as url, \
            httpx2.AsyncClient(base_url=url) as client:
        await client.post("/graphql", json={"query": "query Storefront { __typename }"})
        for headers in ({}, {"Authorization": f"Bearer {TOKEN[:-1]}"}, {"Authorization": f"Basic {TOKEN}"},
                        {"Authorization": f"Bearer {TOKEN}x"}, {"X-Metrics-Token": TOKEN}):
            refused = await client.get("/metrics", headers=headers)
            assert refused.status_code == 401, headers
            assert refused.headers["www-authenticate"] == "Bearer" and "umkm_" not in refused.text
        scraped = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert scraped.status_code == 200
    assert 'umkm_graphql_operations_total{operation="Storefront"}' in scraped.text


def test_production_refuses_a_guessable_metrics_token_or_the_secret_key_itself() -> None:
    base = {"UMKM_ENV": "production", "UMKM_SECRET_KEY": TOKEN[::-1]}
    with pytest.raises(SettingsError, match="UMKM_METRICS_TOKEN is too easy to guess"):
        Settings.from_env({**base, "UMKM_METRICS_TOKEN": "metrics" * 5}).check()
    with pytest.raises(SettingsError, match="UMKM_METRICS_TOKEN must differ from UMKM_SECRET_KEY"):
        Settings.from_env({**base, "UMKM_METRICS_TOKEN": TOKEN[::-1]}).check()
    Settings.from_env({**base, "UMKM_METRICS_TOKEN": TOKEN}).check()
