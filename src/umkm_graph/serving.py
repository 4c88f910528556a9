"""Running the app under uvicorn for `umkm-graph serve`: the port is taken before anything starts, the banner is
printed only once the server listens, so a start that fails never claims to have started, and a start that fails for a
known reason says it in one line instead of a traceback."""

from __future__ import annotations

import socket

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.supervisors import Multiprocess

from umkm_graph.db import DatabaseNotReady

# Failures of the lifespan whose message says all there is to say.
KNOWN_STARTUP_FAILURES: tuple[type[BaseException], ...] = (DatabaseNotReady,)


class PortUnavailable(Exception):
    """The address cannot be listened on (in use, not this machine's, or a privileged port)."""


def listening_socket(host: str, port: int) -> socket.socket:
    """The bound socket uvicorn would make (its Config.bind_socket, which logs and exits instead of raising)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family=family)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise PortUnavailable(f"cannot listen on {host}:{port}: {error.strerror or error}") from error
    sock.set_inheritable(True)  # the workers inherit it
    return sock


class _AnnouncingServer(uvicorn.Server):
    """uvicorn's server, which prints the banner once its lifespan has started and it listens."""

    def __init__(self, config: uvicorn.Config, banner: str) -> None:
        super().__init__(config)
        self.banner = banner

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if not self.should_exit:
            print(self.banner, flush=True)


def run(config: uvicorn.Config, sock: socket.socket, banner: str) -> bool:
    """Serve on the bound socket until stopped; whether the server started. Several workers each load the app from
    config's import string, and the banner is printed once they are under way."""
    if config.workers > 1:
        print(banner, flush=True)
        Multiprocess(config, sockets=[sock]).run()
        return True
    server = _AnnouncingServer(config, banner)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    return server.started


class OneLineStartupFailures:
    """Starlette reports a lifespan that raised with the whole traceback, which uvicorn logs; for a known failure
    (an unreachable database, tables no migration made) the server reports its message alone, and still fails."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        held: list[Message] = []

        async def hold_startup_failure(message: Message) -> None:
            if message["type"] == "lifespan.startup.failed":
                held.append(message)  # sent below, once the exception says whether it is a known one
                return
            await send(message)

        try:
            await self.app(scope, receive, hold_startup_failure)
        except KNOWN_STARTUP_FAILURES as error:
            if not held:
                raise
            await send({"type": "lifespan.startup.failed", "message": str(error)})
        except BaseException:
            for message in held:
                await send(message)
            raise
