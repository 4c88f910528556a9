"""The GraphQL client of the tests, and the one way to start the app for a test: `started_app` runs it inside its
lifespan on an empty database; `serve` and `serve_to` add clients that talk to it over ASGI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx2
from starlette.applications import Starlette

from tests.helpers.database import TEST_DATABASE_URL, reset_database
from umkm_graph.app import create_app
from umkm_graph.catalog.service import ensure_categories
from umkm_graph.people.opds import ensure_opds
from umkm_graph.settings import Settings

# A documentation address (RFC 5737): requests look like they come from a client on the internet.
CLIENT_IP = "203.0.113.10"
# The bearer token of the test settings' /metrics (UMKM_METRICS_TOKEN).
METRICS_TOKEN = "test-metrics-token-Yh3KbMs7QpXe1Gd4UaR9fJ6n"


class GraphQLErrors(AssertionError):
    pass


@dataclass
class Api:
    client: httpx2.AsyncClient

    async def post(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    async def gql(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
        """The data of a query that must succeed without GraphQL errors."""
        body = await self.post(query, variables, token)
        if body.get("errors"):
            raise GraphQLErrors(body["errors"])
        return body["data"]

    async def ok(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
        """The payload of a single mutation that must succeed with no UserErrors."""
        data = await self.gql(query, variables, token)
        (result,) = data.values()
        assert result["errors"] == [], result["errors"]
        return result

    async def fails(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> list[dict[str, Any]]:
        """The UserErrors of a single mutation that must fail."""
        data = await self.gql(query, variables, token)
        (result,) = data.values()
        assert result["errors"], f"expected UserErrors, got {result}"
        return result["errors"]


@asynccontextmanager
async def started_app(settings: Settings, reset: bool = True) -> AsyncIterator[Starlette]:
    """The app with these settings, inside its lifespan. On PostgreSQL the tables are emptied first unless reset=False
    (for a second app on the same data); SQLite in memory starts empty anyway."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        if TEST_DATABASE_URL and reset:
            await reset_database()
            await ensure_categories()
            await ensure_opds()
        yield app


def asgi_client(app: Starlette, client_ip: str = CLIENT_IP) -> httpx2.AsyncClient:
    """A client of the app over ASGI (no sockets), whose requests come from client_ip."""
    return httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app, client=(client_ip, 40000)),
                              base_url="http://testserver")


@asynccontextmanager
async def serve_to(settings: Settings, *client_ips: str, reset: bool = True) -> AsyncIterator[list[Api]]:
    """One app with these settings, and a client from each address."""
    async with started_app(settings, reset) as app:
        clients = [asgi_client(app, ip) for ip in client_ips]
        try:
            yield [Api(client) for client in clients]
        finally:
            for client in clients:
                await client.aclose()


@asynccontextmanager
async def serve(settings: Settings, client_ip: str = CLIENT_IP, reset: bool = True) -> AsyncIterator[Api]:
    """One app with these settings, and one client."""
    async with serve_to(settings, client_ip, reset=reset) as (api,):
        yield api


async def post(api: Api, body: Any, token: str | None = None, **kwargs: Any) -> httpx2.Response:
    """POST any body to /graphql (a batch, a persisted query, something malformed) and get the raw response."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await api.client.post("/graphql", json=body, headers=headers, **kwargs)


async def scrape_metrics(api: Api) -> str:
    """What Prometheus would scrape from /metrics, asking with the test settings' token."""
    response = await api.client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert response.status_code == 200, response.text
    return response.text


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in body.get("errors", [])]
