"""The /graphql endpoint: one strawberry view, and the order in which its steps run. Each step is a plain function or
a small object of its own module; this class only calls them in order. Every strawberry method the engine overrides
is here: get_context, on_ws_connect, render_graphql_ide (the host's page), decode_json and encode_json (documented
hooks), run, execute_single, parse_json and parse_http_body (undocumented: compat.VIEW_HOOKS names them, and
tests/engine/test_compat.py checks them on each upgrade).
The socket's adapter and protocol handler are sockets.py's (tests/engine/test_socket_limits.py checks what they override).

In front of the view, middleware.py refuses by rate (429), size (413) and time (503).

An HTTP request (`run`):
  1. Response cache lookup (response_cache.PublicAnswers.lookup), when fast paths and the response cache are on: an
     anonymous single query whose answer is kept and current is answered now (X-Cache: HIT), with no GraphQL work.
  2a. The document compiler (when fast paths are on and the server is not persisted-only): a POSTed single query whose
     document has a plan (compiled.CompiledDocuments) is answered by it now, after the same variable checks and cost
     budget, with no strawberry step; a request the plan gives back goes on to step 2.
  2. strawberry reads the request: the context (the host's context_getter), the body (parse_json and parse_http_body,
     checked by request_body: not UTF-8, nested too deeply, not an object or a non-empty array of objects, or an
     operation's field of the wrong type is a 400), at most limits.batching operations in a batch.
  3. A batch (`execute_operation`) is resolved (3a) and costed as a whole first: when its operations together are over
     the asker's budget, or hold more than one rationed field (limits.QueryLimits.request_problem), each operation
     gets that error as its answer and none runs.
     Each operation (`execute_single`; those of a batch concurrently):
     a. persisted-query lookup (persisted.resolve): a hash becomes its document, or the APQ error is the answer;
     b. the document compiler again, for what step 2a did not take (an operation of a batch, a persisted query's
        hash): a document with a plan is answered by it; any other, or any request the plan gives back, goes on to
        strawberry's schema.execute, whose extensions run in the order graphql_schema.build_schema gives them:
        metrics, readable errors, persisted-only (persisted.extensions), then limits.QueryLimits.extensions: token limit, the
        guarded parser (length, nesting, fragments, depth, aliases), error codes, cost budget and variables,
        introspection switch, validation cache; then execution (fast_fields.PlainFieldsFirst when fast paths are on);
     c. a persisted document that ran is kept under its hash (APQ registration);
     d. the document that ran is noted for the response cache (when it answered data without errors).
  4. strawberry shapes the answer; encode_json writes it with orjson.
  5. Response cache store (PublicAnswers.keep): a 200 of public fields only is kept (X-Cache: MISS).
  6. An HTTPException raised in 2-4 (bad JSON, a malformed body, too many operations, no query, a wrong method) becomes a
     GraphQL-shaped JSON body with a code (limits.refusal_response).

A WebSocket (`run`, then sockets.LimitedTransportWS, graphql-transport-ws only): the origin check (allowed_origins),
the context, each message's size (sockets.LimitedSocket), then at connection_init the host's socket_gate (sign-in),
which may refuse, and the cap on sockets per owner; each operation then passes the host's socket_policy.admit (the
rate limits) and the cap on operations per socket, and runs 3b (no persisted lookup, no cache) within the request
timeout (subscriptions excepted); each message is encoded by encode_json, as text.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from cross_web import HTTPException
from graphql import GraphQLError
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry import Schema
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from umkm_graph.graphql_engine import limits, persisted, request_body
from umkm_graph.graphql_engine.sockets import LimitedSocket, LimitedTransportWS, OpenSockets, SocketPolicy
from umkm_graph.graphql_engine.compat import core_schema
from umkm_graph.graphql_engine.compiled import CompiledDocuments
from umkm_graph.graphql_engine.persisted import DocumentStore
from umkm_graph.graphql_engine.response_cache import PublicAnswers
from umkm_graph.settings import Settings

ContextGetter = Callable[[HTTPConnection], Awaitable[Any]]
"""The host's per-request context, for an HTTP request or a WebSocket."""
SocketGate = Callable[[Any], Awaitable[None]]
"""Called with the context at a WebSocket's connection_init; raises strawberry's ConnectionRejectionError to refuse."""


async def _open_socket(_: Any) -> None:
    return None


class GraphQLView(GraphQL[Any, None]):
    websocket_adapter_class = LimitedSocket  # type: ignore[assignment]
    graphql_transport_ws_handler_class = LimitedTransportWS

    def __init__(self, schema: Schema, settings: Settings, persisted_queries: DocumentStore, *,
                 context_getter: ContextGetter, socket_gate: SocketGate = _open_socket,
                 socket_policy: SocketPolicy | None = None, ide_page: Callable[[], str] | None = None) -> None:
        super().__init__(schema, graphql_ide="graphiql" if settings.introspection_enabled and ide_page else None,
                         allowed_origins=settings.allowed_origins,
                         subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
                         max_subscriptions_per_connection=None)  # LimitedTransportWS counts them, with a code
        self.settings = settings
        self.socket_policy = socket_policy or SocketPolicy.from_settings(settings)
        self.open_sockets = OpenSockets()
        self.persisted_queries = persisted_queries
        self.query_limits = limits.of(schema, settings)
        self.context_getter = context_getter
        self.socket_gate = socket_gate
        self.ide_page = ide_page
        self.public_answers = (PublicAnswers(settings, core_schema(schema))
                               if settings.response_cache and settings.fast_paths else None)
        roots = getattr(schema, "compiled_roots", None)
        self.compiled = (CompiledDocuments(core_schema(schema), self.query_limits, roots)
                         if roots and settings.fast_paths and not settings.persisted_queries_only else None)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        if not isinstance(request, Request):  # a WebSocket: strawberry's protocol handlers from here on
            return await super().run(request, context, root_value)
        try:
            pending = await self.public_answers.lookup(request) if self.public_answers else None  # step 1
            if isinstance(pending, Response):
                return pending
            response = await self._compiled_answer(request) if self.compiled else None  # step 2a
            if response is None:
                response = await super().run(request, context, root_value)  # steps 2 to 4
            if pending is not None:
                self.public_answers.keep(request, pending, response)  # type: ignore[union-attr]  # step 5
            return response
        except HTTPException as error:  # step 6
            return limits.refusal_response(error, self.settings)

    async def _compiled_answer(self, request: Request) -> Response | None:
        """A POSTed single query whose document has a plan, answered by the plan before strawberry reads the request;
        None for anything else (a batch, a persisted query's hash, a body strawberry must refuse), or when the plan
        gives the request back."""
        compiled = self.compiled
        if request.method != "POST" or compiled is None or \
                not request.headers.get("content-type", "").startswith("application/json"):
            return None
        try:
            data = self.parse_json(await request.body())
        except HTTPException:
            return None  # strawberry refuses it, as it always has
        if not isinstance(data, dict):
            return None
        query, name, variables = data.get("query"), data.get("operationName"), data.get("variables")
        if data.get("extensions") is not None or not isinstance(query, str) or \
                not isinstance(name, (str, type(None))) or not isinstance(variables, (dict, type(None))) or \
                compiled.plan(query, name) is None:
            return None
        answer = await compiled.execute(query, name, variables, await self.context_getter(request))
        if answer is None:
            return None
        if self.public_answers:  # step 3d
            self.public_answers.note(request, GraphQLRequestData(query, variables, name, None),
                                     ExecutionResult(data=answer, errors=None))
        return Response(limits.encode_json({"data": answer}), media_type="application/json")

    async def execute_operation(self, *, request_data: GraphQLRequestData | list[GraphQLRequestData], context: Any,
                                **kwargs: Any) -> Any:
        if not isinstance(request_data, list):
            return await super().execute_operation(request_data=request_data, context=context, **kwargs)
        resolved = [await persisted.resolve(self.persisted_queries, data) for data in request_data]  # step 3a
        ran = [r.data for r in resolved if isinstance(r, persisted.Resolved)]
        problem = await self.query_limits.request_problem(
            core_schema(self.schema), [(data.query, data.operation_name, data.variables) for data in ran], context)
        if problem is not None:  # step 3
            return [ExecutionResult(data=None, errors=[problem]) for _ in request_data]
        return await asyncio.gather(*(self._execute_resolved(resolved=one, context=context, **kwargs)
                                      for one in resolved))

    async def execute_single(self, *, request: Any, request_data: GraphQLRequestData, **kwargs: Any) -> ExecutionResult:
        resolved = await persisted.resolve(self.persisted_queries, request_data)  # step 3a
        return await self._execute_resolved(request=request, resolved=resolved, **kwargs)

    async def _execute_resolved(self, *, request: Any, resolved: persisted.Resolved | GraphQLError,
                                **kwargs: Any) -> ExecutionResult:
        if isinstance(resolved, GraphQLError):
            return ExecutionResult(data=None, errors=[resolved])
        data = None if self.compiled is None else await self.compiled.execute(  # step 3b, compiled
            resolved.data.query, resolved.data.operation_name, resolved.data.variables, kwargs.get("context"))
        result: ExecutionResult = ExecutionResult(data=data, errors=None) if data is not None else \
            await super().execute_single(request=request, request_data=resolved.data, **kwargs)  # step 3b
        if resolved.keep and result.data is not None:  # step 3c: only documents that ran are worth keeping
            await self.persisted_queries.put(resolved.keep, resolved.data.query or "")
        if self.public_answers:  # step 3d
            self.public_answers.note(request, resolved.data, result)
        return result

    async def render_graphql_ide(self, request: Request) -> Response:
        """The host's own IDE page (its assets served by the host, not a CDN) instead of strawberry's."""
        return HTMLResponse(self.ide_page() if self.ide_page else "", headers={"Cache-Control": "no-cache"})

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Any:
        return await self.context_getter(request)

    async def on_ws_connect(self, context: Any) -> UnsetType | dict[str, object] | None:
        await self.socket_gate(context)
        return await super().on_ws_connect(context)

    def parse_json(self, data: str | bytes) -> Any:
        """An HTTP body or GET parameter (never a WebSocket message): JSON that strawberry can read, or a 400."""
        return request_body.check_json(request_body.decode(self.decode_json, data))

    async def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        data = await super().parse_http_body(request)
        request_body.check_request(data)
        return data

    def decode_json(self, data: str | bytes) -> object:
        try:
            return super().decode_json(data)
        except RecursionError:
            raise HTTPException(400, "The JSON body nests too deeply") from None

    def encode_json(self, data: object) -> str:
        return limits.encode_json(data).decode()  # str: strawberry sends bytes over a WebSocket as binary frames
