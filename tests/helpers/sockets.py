"""A graphql-transport-ws client for tests that send many operations over one real socket, and see how it is closed."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import httpx2
import pytest

from tests.helpers.api import Api
from tests.helpers.live import live_app
from umkm_graph.settings import Settings

TRANSPORT_WS = "graphql-transport-ws"


@dataclass
class LiveSockets:
    url: str
    api: Api  # over HTTP, to the same server
    session: aiohttp.ClientSession  # opens the sockets


@contextlib.asynccontextmanager
async def live_sockets(settings: Settings) -> AsyncIterator[LiveSockets]:
    """The app served by uvicorn in this event loop (SQLite only: the test is skipped on PostgreSQL, whose
    multi-process tests are elsewhere), with an HTTP client and a session for sockets."""
    if settings.database_url.startswith("postgres"):
        pytest.skip("in-process server tests use SQLite")
    async with live_app(settings) as url, httpx2.AsyncClient(base_url=url) as client, \
            aiohttp.ClientSession() as session:
        yield LiveSockets(url, Api(client), session)


class SocketClosed(Exception):
    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(f"socket closed: {code} {reason}")
        self.code = code
        self.reason = reason


class Socket:
    """One signed-in socket: send operations by id, read what comes back."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self._serial = 0

    async def send(self, query: str, variables: dict[str, Any] | None = None) -> str:
        self._serial += 1
        operation_id = str(self._serial)
        await self.ws.send_str(json.dumps({"id": operation_id, "type": "subscribe",
                                           "payload": {"query": query, "variables": variables or {}}}))
        return operation_id

    async def message(self, timeout: float = 10.0) -> dict[str, Any]:
        """The next message that is not a ping or pong; SocketClosed when the server closes the socket."""
        while True:
            received = await self.ws.receive(timeout=timeout)
            if received.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED):
                raise SocketClosed(self.ws.close_code, str(received.extra or ""))
            message = json.loads(received.data)
            if message["type"] not in ("ping", "pong"):
                return message

    async def final(self, operation_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """The answer of one operation: its `next` payload, or its `error` message."""
        while True:
            message = await self.message(timeout)
            if message.get("id") == operation_id and message["type"] in ("next", "error"):
                return message

    async def nothing_within(self, seconds: float) -> bool:
        try:
            await self.message(timeout=seconds)
        except TimeoutError:
            return True
        return False

    async def answers(self, queries: list[str], window: int = 5) -> list[dict[str, Any]]:
        """Each query's `next` or `error` message, at most `window` in flight at once."""
        found: list[dict[str, Any]] = []
        for start in range(0, len(queries), window):
            pending = {await self.send(query) for query in queries[start:start + window]}
            while pending:
                message = await self.message()
                if message.get("id") in pending and message["type"] in ("next", "error"):
                    pending.discard(message["id"])
                    found.append(message)
        return found


@contextlib.asynccontextmanager
async def open_socket(session: aiohttp.ClientSession, url: str, token: str | None = None,
                      protocol: str = TRANSPORT_WS) -> AsyncIterator[Socket]:
    """A socket to url's /graphql, signed in with the token in connection_init; SocketClosed if it is refused."""
    ws_url = url.replace("http://", "ws://") + "/graphql"
    async with session.ws_connect(ws_url, protocols=[protocol], max_msg_size=0) as ws:
        payload = {"Authorization": f"Bearer {token}"} if token else {}
        await ws.send_str(json.dumps({"type": "connection_init", "payload": payload}))
        socket = Socket(ws)
        ack = await socket.message()
        if ack["type"] != "connection_ack":
            raise AssertionError(f"expected connection_ack, got {ack}")
        yield socket


def code_of(message: dict[str, Any]) -> str | None:
    """The error code of an operation's answer: of its `error` message, or of the first error in its `next`."""
    errors = message["payload"] if message["type"] == "error" else message["payload"].get("errors") or []
    return errors[0].get("extensions", {}).get("code") if errors else None
