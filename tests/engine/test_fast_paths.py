"""UMKM_FAST_PATHS turns the fast field executor and the response cache off: the same answers, by graphql-core's own
execution context, and nothing is cached (no X-Cache header)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette

from tests.helpers.api import Api
from tests.helpers.catalog import add_product
from tests.helpers.people import city_person, sign_up
from tests.helpers.shops import verified_shop
from umkm_graph.app import create_app
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_engine.compat import StrawberryExecutionContext
from umkm_graph.graphql_engine.fast_fields import PlainFieldsFirst
from umkm_graph.graphql_engine.view import GraphQLView
from umkm_graph.graphql_schema import build_schema
from umkm_graph.settings import Settings

STOREFRONT = """
query Storefront($first: Int!) {
  products(filter: {category: "sembako"}, first: $first) {
    edges { cursor node { id name price unit stock shop { id name kecamatan } rating reviewCount } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def view_of(app: Starlette) -> GraphQLView:
    return next(view for route in app.routes if isinstance(view := getattr(route, "app", None), GraphQLView))


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, response_cache=True, fast_paths=False)


@pytest.fixture
async def plain(settings: Settings) -> AsyncIterator[tuple[Starlette, Api]]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield app, Api(client)


async def test_with_fast_paths_off_the_answer_is_the_same_uncached_and_by_graphql_core(
        plain: tuple[Starlette, Api], settings: Settings) -> None:
    app, api = plain
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    shop = await verified_shop(api, seller, officer)
    for stock in (5, 0, 7):
        await add_product(api, seller, shop["id"], stock=stock)
    variables = {"first": 2}

    answers = [await api.client.post("/graphql", json={"query": STOREFRONT, "variables": variables}) for _ in range(2)]
    assert [a.headers.get("x-cache") for a in answers] == [None, None]
    assert answers[0].json() == answers[1].json()
    assert view_of(app).public_answers is None
    assert view_of(app).schema.execution_context_class is StrawberryExecutionContext

    fast = build_schema(dataclasses.replace(settings, fast_paths=True))
    assert fast.execution_context_class is PlainFieldsFirst
    state = app.state
    context = Context(settings=settings, request=None, token=None, providers=state.providers, events=state.events)
    result = await fast.execute(STOREFRONT, variable_values=variables, context_value=context)
    assert result.errors is None
    body: dict[str, Any] = answers[0].json()
    assert "errors" not in body and body["data"] == result.data
    assert len(body["data"]["products"]["edges"]) == 2


def test_the_switch_is_read_from_the_environment_and_is_on_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings.from_env({}).fast_paths is True
    assert Settings.from_env({"UMKM_FAST_PATHS": "false"}).fast_paths is False
    monkeypatch.delenv("UMKM_FAST_PATHS", raising=False)
    assert Settings().fast_paths is True
    monkeypatch.setenv("UMKM_FAST_PATHS", "off")  # settings built in code too: the off-pass of .ci/run relies on it
    assert Settings().fast_paths is False
    assert build_schema(Settings()).execution_context_class is StrawberryExecutionContext
