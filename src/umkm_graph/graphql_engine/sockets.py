"""The limits of a POST, for each operation over a WebSocket: the view serves graphql-transport-ws only, through the
two classes below.

- `LimitedSocket` reads messages: one larger than UMKM_MAX_BODY_BYTES closes the socket with 1009 (message too big)
  before it is decoded, as a body over the limit gets 413.
- `LimitedTransportWS` runs the protocol: at connection_init it caps the sockets one owner (the host says who: a
  signed-in user) holds open in this process (4429); each `subscribe` is checked for its shape (BAD_REQUEST, as a
  malformed body gets 400), then asks the host's `admit` (the rate limits a POST counts against), is refused past the
  operations in flight a socket may hold, and a query or mutation is stopped after UMKM_REQUEST_TIMEOUT_SECONDS. A refused operation gets an `error` message with a code, as a
  refused request gets a coded JSON body. Subscriptions are long-lived and get no timeout: they are bounded by the
  caps, and each event they hear is routed to them alone (events.py).

Depth, aliases, tokens, cost and persisted-only mode are schema extensions (limits.py, persisted.py): they hold for
a socket's operations as they are. The legacy graphql-ws protocol is not served (strawberry's handler runs none of
the above): a socket asking only for it is closed with 4406 and a reason naming graphql-transport-ws.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from json import JSONDecodeError
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError, Source
from graphql.language import Lexer, TokenKind
from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import NonJsonMessageReceived, NonTextMessageReceived
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler, Operation
from strawberry.subscriptions.protocols.graphql_transport_ws.types import Message, SubscribeMessage

from umkm_graph.graphql_engine.query_guard import limit_error
from umkm_graph.settings import Settings

log = logging.getLogger("umkm_graph.sockets")

MESSAGE_TOO_BIG = 1009  # RFC 6455
TOO_MANY_SOCKETS = 4429  # graphql-transport-ws uses 44xx for what the client did wrong
SUBPROTOCOL_NOT_ACCEPTABLE = 4406
ONLY_PROTOCOL = "Use the graphql-transport-ws subprotocol: graphql-ws is not served"


async def _nobody(_: Any) -> str | None:
    return None


async def _admit_all(_: Any) -> GraphQLError | None:
    return None


@dataclass(frozen=True)
class SocketPolicy:
    """What the host decides for sockets: who owns one (None: nobody, uncapped), and whether an operation may run now
    (None) or is refused with this error (the rate limits). The rest are the settings' numbers."""

    max_message_bytes: int
    operation_timeout_seconds: float
    max_sockets_per_owner: int
    max_operations_per_socket: int
    max_tokens: int  # of a document, as the schema allows: the lexer reads no further
    owner: Callable[[Any], Awaitable[str | None]] = _nobody
    admit: Callable[[Any], Awaitable[GraphQLError | None]] = _admit_all

    @classmethod
    def from_settings(cls, settings: Settings) -> SocketPolicy:
        """The settings' limits, with no owner (no cap on sockets) and no rate limit: the host adds those."""
        return cls(max_message_bytes=settings.max_body_bytes, operation_timeout_seconds=settings.request_timeout_seconds,
                   max_sockets_per_owner=settings.max_sockets_per_user,
                   max_operations_per_socket=settings.max_subscriptions_per_socket, max_tokens=settings.max_query_tokens)


class OpenSockets:
    """How many acknowledged sockets each owner holds open in this process."""

    def __init__(self) -> None:
        self.by_owner: Counter[str] = Counter()

    def take(self, owner: str, most: int) -> bool:
        if self.by_owner[owner] >= most:
            return False
        self.by_owner[owner] += 1
        return True

    def give_back(self, owner: str) -> None:
        self.by_owner[owner] -= 1
        if self.by_owner[owner] <= 0:
            del self.by_owner[owner]


def utf8_size_over(text: str, most: int) -> bool:
    """Whether text takes more than `most` bytes in UTF-8, without encoding short texts (at most 4 bytes a character)."""
    if len(text) > most:
        return True
    return len(text) * 4 > most and len(text.encode("utf-8", "surrogatepass")) > most


def subscribe_problem(message: dict[str, Any]) -> str | None:
    """What is wrong with a `subscribe` message's payload, as strawberry would only find out with a traceback."""
    payload = message.get("payload")
    if not isinstance(payload, dict):
        return "The payload of a subscribe message must be an object"
    if not isinstance(payload.get("query"), str):
        return "The payload's query must be a string: the GraphQL document"
    if not isinstance(payload.get("variables"), dict | None):
        return "The payload's variables must be an object, or null"
    if not isinstance(payload.get("operationName"), str | None):
        return "The payload's operationName must be a string, or null"
    return None


_KINDS = frozenset({"query", "mutation", "subscription"})
_OPENING = frozenset({TokenKind.BRACE_L, TokenKind.PAREN_L, TokenKind.BRACKET_L})
_CLOSING = frozenset({TokenKind.BRACE_R, TokenKind.PAREN_R, TokenKind.BRACKET_R})


def operation_kind(document: str, operation_name: str | None, max_tokens: int) -> str | None:
    """'query', 'mutation' or 'subscription': the kind of the operation that would run, read by the lexer alone (linear,
    at most max_tokens tokens); None when the document cannot tell (the schema then refuses it anyway)."""
    if not isinstance(document, str):
        return None
    lexer = Lexer(Source(document))
    depth, kind, previous = 0, None, TokenKind.SOF
    try:
        for _ in range(max_tokens):
            token = lexer.advance()
            if token.kind == TokenKind.EOF:
                return None
            if token.kind in _OPENING:
                if depth == 0 and token.kind == TokenKind.BRACE_L and kind is None and operation_name is None:
                    return "query"  # the first operation is a bare selection set
                depth += 1
            elif token.kind in _CLOSING:
                depth -= 1
                kind = None if depth == 0 and token.kind == TokenKind.BRACE_R else kind  # a definition ended
            elif depth == 0 and token.kind == TokenKind.NAME and previous != TokenKind.AT:
                if kind is None:
                    kind = token.value  # query, mutation, subscription or fragment
                    if kind in _KINDS and operation_name is None:
                        return kind
                elif previous == TokenKind.NAME and token.value == operation_name and kind in _KINDS:
                    return kind
            previous = token.kind
    except GraphQLSyntaxError:
        return None
    return None


class LimitedSocket(ASGIWebSocketAdapter):
    """Strawberry's socket adapter, refusing a message over the size a POST body may have before decoding it. A socket
    is closed once: the first reason given stands."""

    async def iter_json(self, *, ignore_parsing_errors: bool = False) -> AsyncGenerator[object, None]:
        most = self.view.socket_policy.max_message_bytes
        try:
            while self.ws.application_state != WebSocketState.DISCONNECTED:
                text = await self.ws.receive_text()
                if utf8_size_over(text, most):
                    await self.close(MESSAGE_TOO_BIG, f"A message may be at most {most} bytes")
                    return
                try:
                    yield self.view.decode_json(text)
                except JSONDecodeError as error:
                    if not ignore_parsing_errors:
                        raise NonJsonMessageReceived from error
        except KeyError as error:  # a binary frame
            raise NonTextMessageReceived from error
        except WebSocketDisconnect:
            pass

    async def close(self, code: int, reason: str) -> None:
        if self.ws.application_state == WebSocketState.DISCONNECTED:
            return
        if code == SUBPROTOCOL_NOT_ACCEPTABLE:
            reason = ONLY_PROTOCOL
        await super().close(code, reason)


class LimitedTransportWS(BaseGraphQLTransportWSHandler[Any, Any]):
    """graphql-transport-ws with the limits of a POST on every operation (see the module's docstring)."""

    owner: str | None = None

    @property
    def policy(self) -> SocketPolicy:
        return self.view.socket_policy  # type: ignore[attr-defined,no-any-return]

    async def send_message(self, message: Message) -> None:
        if message["type"] == "connection_ack" and not await self._take_socket():
            return
        await super().send_message(message)

    async def _take_socket(self) -> bool:
        """Counts this socket against its owner's cap, at the moment it would be acknowledged; closes it past the cap."""
        owner = await self.policy.owner(self.context)
        if owner is None:
            return True
        most = self.policy.max_sockets_per_owner
        if not self.view.open_sockets.take(owner, most):  # type: ignore[attr-defined]
            await self.websocket.close(TOO_MANY_SOCKETS, f"Too many sockets for your account: at most {most} at once")
            return False
        self.owner = owner
        return True

    async def shutdown(self) -> None:
        try:
            await super().shutdown()
        finally:
            if self.owner is not None:
                self.view.open_sockets.give_back(self.owner)  # type: ignore[attr-defined]
                self.owner = None

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if not isinstance(message.get("id"), str) or not message["id"]:
            await self.websocket.close(4400, "A subscribe message needs an id: a non-empty string")
            return
        if self.connection_acknowledged and message["id"] not in self.operations:
            malformed = subscribe_problem(message)  # type: ignore[arg-type]
            problem = limit_error("BAD_REQUEST", malformed) if malformed else await self.policy.admit(self.context)
            most = self.policy.max_operations_per_socket
            if problem is None and len(self.operations) >= most:
                problem = limit_error("TOO_MANY_SUBSCRIPTIONS", f"A socket may run at most {most} operations at once, "
                                  "subscriptions included; complete one first", maxOperations=most)
            if problem is not None:
                await self.send_message({"id": message["id"], "type": "error", "payload": [problem.formatted]})
                return
        await super().handle_subscribe(message)

    async def run_operation(self, operation: Operation[Any, Any]) -> None:
        kind = operation_kind(operation.query, operation.operation_name, self.policy.max_tokens)
        if kind == "subscription":
            await super().run_operation(operation)
            return
        seconds = self.policy.operation_timeout_seconds
        try:
            async with asyncio.timeout(seconds):
                await super().run_operation(operation)
        except TimeoutError:
            log.warning("operation %s on a socket stopped after %s seconds", operation.id, seconds)
            error = limit_error("TIMEOUT", f"The operation took longer than {seconds:g} seconds and was stopped")
            await operation.send_operation_message({"id": operation.id, "type": "error", "payload": [error.formatted]})
