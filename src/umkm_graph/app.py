"""create_app(settings) -> Starlette: /graphql (HTTP, GraphiQL and WebSocket subscriptions), /dashboard and /static (web/),
/receipts (receipt_routes.py), /healthz, /readyz and /metrics, with the database and the event bus opened in the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Iterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from strawberry.exceptions import ConnectionRejectionError
from tortoise import Tortoise
from tortoise.contrib.starlette import RegisterTortoise

from umkm_graph import changes, tracing
from umkm_graph.balances import ledger
from umkm_graph.catalog.service import ensure_categories
from umkm_graph.people.opds import ensure_opds
from umkm_graph.core.errors import DomainError
from umkm_graph.db import (
    check_connection,
    close_analytics,
    open_analytics,
    pending_migrations,
    prepare_schema,
    tortoise_config,
)
from umkm_graph.events_redis import create_event_bus
from umkm_graph.graphql_common.context import Context, bearer_token
from umkm_graph.graphql_engine.view import GraphQLView
from umkm_graph.graphql_schema import build_schema
from umkm_graph.growth import sharing
from umkm_graph.growth.trending import rules_of
from umkm_graph.jobs import run_forever, run_growth_forever
from umkm_graph.media import open_media_storage, receive_upload, serve_media
from umkm_graph.middleware import Protections
from umkm_graph.observability import RequestIdMiddleware, metrics
from umkm_graph.plugin_host import collect_providers, load_plugins
from umkm_graph.production_rules import acknowledged_unsafe
from umkm_graph.procurement_routes import procurement_routes
from umkm_graph.receipt_routes import receipt_routes
from umkm_graph.settings import Settings
from umkm_graph.web.graphiql import graphiql_page
from umkm_graph.serving import OneLineStartupFailures
from umkm_graph.share_route import open_share_link
from umkm_graph.web.routes import web_routes
from umkm_graph.webhooks import delivery_webhook, notification_webhook, payment_webhook

log = logging.getLogger(__name__)


async def graphql_context(connection: HTTPConnection) -> Context:
    state = connection.app.state
    return Context(settings=state.settings, request=connection, token=bearer_token(connection),
                   providers=state.providers, events=state.events)


async def sign_in_socket(context: Context) -> None:
    """A socket signs in once, in connection_init: {"Authorization": "Bearer <token>"}; a bad token closes it."""
    params = context.connection_params or {}
    header = params.get("Authorization") or params.get("authorization")
    if isinstance(header, str):
        scheme, _, token = header.partition(" ")
        context.token = token.strip() or None if scheme.lower() == "bearer" else None
    try:
        await context.user()
    except DomainError:
        raise ConnectionRejectionError() from None


async def healthz(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Ready when the database answers with its schema up to date (and Redis answers, when configured)."""
    checks: dict[str, str] = {}
    try:
        await Tortoise.get_connection("default").execute_query("SELECT 1")
        checks["database"] = "ok"
        checks["migrations"] = await _migrations_check(request.app)
    except Exception as exc:  # any failure means not ready; say which
        checks["database"] = f"error: {type(exc).__name__}"
    events = request.app.state.events
    if hasattr(events, "ping"):
        try:
            await events.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {type(exc).__name__}"
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse({"status": "ready" if ready else "not ready", "checks": checks}, status_code=200 if ready else 503)


async def _migrations_check(app: Starlette) -> str:
    if app.state.pending_migrations:  # `umkm-graph migrate` may have run since; once up to date, the schema stays so
        app.state.pending_migrations = await pending_migrations()
    if app.state.pending_migrations:
        return "pending: " + ", ".join(app.state.pending_migrations) + " (run `umkm-graph migrate`)"
    return "ok"


@contextlib.asynccontextmanager
async def _payment_jobs(app: Starlette, settings: Settings) -> AsyncIterator[None]:
    """Reconciliation and expiry of cashless payments, every so often, while the app runs (off when the interval is 0)."""
    interval = settings.payment_jobs_interval_seconds
    if interval <= 0:
        yield
        return
    task = asyncio.create_task(run_forever(app.state.providers, app.state.events, interval, settings), name="payment-jobs")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@contextlib.asynccontextmanager
async def _growth_jobs(settings: Settings) -> AsyncIterator[None]:
    """What is trending, recomputed every so often while the app runs (off when UMKM_TRENDING_REFRESH_SECONDS is 0)."""
    if settings.trending_refresh_seconds <= 0:
        yield
        return
    task = asyncio.create_task(run_growth_forever(rules_of(settings)), name="growth-jobs")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@contextlib.contextmanager
def _long_lived_heap() -> Iterator[None]:
    """What start-up built (schema, ORM, plugins) lives as long as the app, so the cyclic collector need not scan it on
    every collection while requests allocate (a tenth to a fifth of a small storefront page's time, measured with
    bench/profile_storefront.py)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    settings.check()  # unsafe settings (in production: the default secret key, ...) stop the start here
    ledger.use_platform_fee(settings.platform_fee_basis_points)
    for warning in acknowledged_unsafe(settings):  # switched off on purpose: said at every start, not only once
        log.warning("%s", warning)
    protections = Protections(settings)  # limits, rate limits, login throttle, persisted queries; Redis if configured
    plugins = load_plugins(settings)  # a misspelt hook or a broken plugin stops the start here
    if settings.tracing:
        tracing.start_tracing()  # without the tracing extra, the start stops here and says what to install
    graphql = GraphQLView(build_schema(settings), settings, protections.persisted_queries,
                          context_getter=graphql_context, socket_gate=sign_in_socket,
                          socket_policy=protections.socket_policy(), ide_page=graphiql_page)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.providers = await collect_providers(plugins, settings)
        async with RegisterTortoise(app, config=tortoise_config(settings.database_url, settings.database_pool_size)):
            await check_connection(settings.database_url)  # else "startup complete", then INTERNAL for every request
            app.state.pending_migrations = await prepare_schema(settings.database_url)
            if not app.state.pending_migrations:  # else the tables may be missing; `umkm-graph migrate` ensures them
                await ensure_categories()
                await ensure_opds()
            await app.state.events.start()
            disconnect_changes = changes.connect(app.state.events)  # catalog changes reach the response cache
            open_analytics(settings.analytics_database_url)
            try:
                async with _payment_jobs(app, settings), _growth_jobs(settings):
                    with _long_lived_heap():
                        yield
            finally:
                disconnect_changes()
                await close_analytics()
                await app.state.events.close()
                await app.state.media_storage.close()
                await protections.close()
                tracing.stop_tracing()

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            Route("/webhooks/payments/{provider}", payment_webhook, methods=["POST"]),
            Route("/webhooks/delivery/{provider}", delivery_webhook, methods=["POST"]),
            Route("/webhooks/notifications/{provider}", notification_webhook, methods=["POST"]),
            Route("/uploads", receive_upload, methods=["POST"]),
            Route("/media/{sha256}/{size}.webp", serve_media),
            *receipt_routes(),
            *procurement_routes(),
            Route(sharing.SHARE_PATH + "{token}", open_share_link),
            *web_routes(),
        ],
        middleware=[Middleware(OneLineStartupFailures), Middleware(RequestIdMiddleware), *protections.middleware()],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.plugins = plugins
    app.state.login_throttle = protections.login_throttle
    app.state.registration_throttle = protections.registration_throttle
    app.state.password_reset_throttle = protections.password_reset_throttle
    app.state.events = create_event_bus(settings)
    app.state.media_storage = open_media_storage(settings)
    return app
