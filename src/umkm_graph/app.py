"""create_app(settings) -> Starlette: /graphql (GraphiQL in browsers) and /healthz, with the database opened in the lifespan."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from tortoise import Tortoise
from tortoise.contrib.starlette import RegisterTortoise

from umkm_graph.api.context import Context, bearer_token
from umkm_graph.api.schema import build_schema
from umkm_graph.db import tortoise_config
from umkm_graph.events import LocalEventBus
from umkm_graph.plugins import collect_providers, load_plugins
from umkm_graph.services.catalog import ensure_categories
from umkm_graph.settings import Settings


class GraphQLApp(GraphQL[Context, None]):
    def __init__(self, settings: Settings) -> None:
        super().__init__(build_schema(), graphql_ide="graphiql")
        self.settings = settings

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        connection: HTTPConnection = request
        state = connection.app.state
        return Context(settings=self.settings, request=connection, token=bearer_token(connection),
                       providers=state.providers, events=state.events)


async def healthz(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    plugins = load_plugins(settings)  # a misspelt hook or a broken plugin stops the start here
    graphql = GraphQLApp(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.providers = await collect_providers(plugins, settings)
        async with RegisterTortoise(app, config=tortoise_config(settings.database_url)):
            await Tortoise.generate_schemas(safe=True)
            await ensure_categories()
            yield

    app = Starlette(
        routes=[Route("/graphql", graphql, methods=["GET", "POST"]), Route("/healthz", healthz)],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.plugins = plugins
    app.state.events = LocalEventBus()
    return app
