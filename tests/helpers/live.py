"""Real servers for tests that need real sockets: uvicorn in this event loop, or `umkm-graph serve` as a process, and a
small graphql-transport-ws client on aiohttp."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import uvicorn

from tests.helpers.demo_copy import seeded_sqlite
from umkm_graph.app import create_app
from umkm_graph.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.asynccontextmanager
async def live_app(settings: Settings) -> AsyncIterator[str]:
    """The app served by uvicorn inside this event loop; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@contextlib.contextmanager
def server_process(env: dict[str, str], port: int, output: Path | None = None, *options: str,
                   cwd: Path | None = None, unset: tuple[str, ...] = ()) -> Any:
    """`umkm-graph serve` (with `options`, e.g. "--demo") in its own process, in `cwd`, without the variables `unset`,
    ready when /healthz answers; what it prints goes to `output` if given."""
    log = open(output, "w+b") if output else tempfile.TemporaryFile()  # a pipe nobody reads would block a chatty server
    process = subprocess.Popen(
        [sys.executable, "-m", "umkm_graph.cli", "serve", "--port", str(port), *options],
        env={**{k: v for k, v in os.environ.items() if k not in unset}, **env}, stdout=log, stderr=subprocess.STDOUT,
        cwd=cwd,
    )
    try:
        deadline = time.monotonic() + 120  # a fresh demo database is migrated and seeded first: slow on a busy machine
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    output = log.read().decode(errors="replace")
                    raise RuntimeError(f"server on port {port} did not start:\n{output}") from None
                time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


async def post_graphql(session: aiohttp.ClientSession, url: str, query: str, variables: dict[str, Any] | None = None,
                       token: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with session.post(f"{url}/graphql", json={"query": query, "variables": variables or {}}, headers=headers) as r:
        body = await r.json()
    assert not body.get("errors"), body["errors"]
    return body["data"]


class Subscriber:
    """One graphql-transport-ws socket with one subscription."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws

    async def next(self, timeout: float = 5.0) -> dict[str, Any]:
        while True:
            message = await self.ws.receive_json(timeout=timeout)
            if message["type"] == "next":
                return message["payload"]
            if message["type"] in ("error", "complete"):
                return message
            # pings and pongs are not events

    async def nothing_within(self, seconds: float) -> bool:
        try:
            await self.ws.receive_json(timeout=seconds)
        except TimeoutError:
            return True
        return False


@contextlib.asynccontextmanager
async def subscribe(session: aiohttp.ClientSession, url: str, query: str, variables: dict[str, Any] | None = None,
                    token: str | None = None) -> AsyncIterator[Subscriber]:
    ws_url = url.replace("http://", "ws://") + "/graphql"
    async with session.ws_connect(ws_url, protocols=["graphql-transport-ws"]) as ws:
        payload = {"Authorization": f"Bearer {token}"} if token else {}
        await ws.send_str(json.dumps({"type": "connection_init", "payload": payload}))
        ack = await ws.receive(timeout=5)
        if ack.type != aiohttp.WSMsgType.TEXT or json.loads(ack.data)["type"] != "connection_ack":
            raise ConnectionRefusedError(f"socket not acknowledged: {ack.type} {ack.data} {ack.extra}")
        await ws.send_str(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables or {}}}))
        await asyncio.sleep(0.2)  # let the server register the subscription before the test makes changes
        yield Subscriber(ws)


@contextlib.contextmanager
def demo_server(folder: Path) -> Any:
    """`umkm-graph serve --demo` on a SQLite file in `folder` holding the seeded demo (a copy of the worker's template:
    tests/host/test_seed.py is where the seeding itself is tested), over real HTTP; yields its base URL."""
    port = free_port()
    env = {"UMKM_DATABASE_URL": seeded_sqlite(folder / "demo.db"), "UMKM_PAYMENT_JOBS_INTERVAL_SECONDS": "0",
           "UMKM_ACCESS_LOG": "0"}
    with server_process(env, port, folder / "server.log", "--demo"):
        yield f"http://127.0.0.1:{port}"


def post_graphql_sync(base_url: str, query: str, variables: dict[str, Any] | None = None,
                      token: str | None = None) -> dict[str, Any]:
    """The data of a query over real HTTP from a sync test (the browser and command-line tests run no event loop); errors fail it."""
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(f"{base_url}/graphql", headers=headers, method="POST",
                                     data=json.dumps({"query": query, "variables": variables or {}}).encode())
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.loads(response.read())
    assert not body.get("errors"), body["errors"]
    return body["data"]  # type: ignore[no-any-return]
