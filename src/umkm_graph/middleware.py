"""HTTP protections in front of the app, outermost first: rate limits per user and per IP on /graphql and /receipts (429), a request
timeout (503), and a request body limit (413). Counts live in memory, or in Redis when UMKM_REDIS_URL is set, so that
every server process shares them. `Protections` builds them, the login throttle and the persisted-query store from the
settings.

Refusals are GraphQL-shaped JSON bodies with `extensions.code`: RATE_LIMITED, TIMEOUT, PAYLOAD_TOO_LARGE.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError
from starlette.middleware import Middleware
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from umkm_graph.core.network import client_address  # here too for those who import it from the middleware
from umkm_graph.graphql_engine.limits import error_body
from umkm_graph.graphql_engine.sockets import SocketPolicy
from umkm_graph.graphql_engine.persisted import DocumentStore, document_store
from umkm_graph.graphql_engine.query_guard import limit_error
from umkm_graph.people.service import token_subject
from umkm_graph.people.throttle import LoginThrottle, PasswordResetThrottle, RegistrationThrottle
from umkm_graph.settings import Settings

log = logging.getLogger("umkm_graph.middleware")

# Webhooks are verified and idempotent; health checks must always answer. A receipt costs a PDF, and its verification
# is public; an upload costs decoding an image; share links (growth/sharing.py) count visits.
RATE_LIMITED_PATHS = ("/graphql", "/receipts/", "/uploads", "/s/")


class MemoryCounters:
    """Fixed-window counters in this process: a key's window starts at its first hit."""

    def __init__(self, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_keys = max_keys
        self.clock = clock
        self.windows: dict[str, tuple[float, int]] = {}  # key -> (window end, count)

    async def hit(self, key: str, window_seconds: int) -> tuple[int, float]:
        now = self.clock()
        end, count = self.windows.get(key, (0.0, 0))
        if end <= now:
            if len(self.windows) >= self.max_keys:
                self._forget_ended(now)
            end, count = now + window_seconds, 0
        self.windows[key] = (end, count + 1)
        return count + 1, end - now

    async def peek(self, key: str) -> int:
        end, count = self.windows.get(key, (0.0, 0))
        return count if end > self.clock() else 0

    async def clear(self, key: str) -> None:
        self.windows.pop(key, None)

    def _forget_ended(self, now: float) -> None:
        self.windows = {key: window for key, window in self.windows.items() if window[0] > now}
        if len(self.windows) >= self.max_keys:  # a flood of distinct keys: start over rather than grow
            log.warning("rate limit counters full (%d keys); starting over", len(self.windows))
            self.windows.clear()

    async def aclose(self) -> None:
        return None


class RedisCounters:
    """Fixed-window counters in Redis, shared by every server process. A limit is never lifted because the counters are
    busy or gone: when many requests are in flight they queue for one of the client's pooled connections, and when Redis
    cannot answer (down, or no connection free in time) this process's own counters count instead, logged, for the next
    OUTAGE_SECONDS before Redis is tried again. Each process then holds the limit alone, so a client spread over N
    processes may get up to N times it until Redis is back (docs/security.md)."""

    OUTAGE_SECONDS = 5.0

    def __init__(self, client: Any, prefix: str, fallback: MemoryCounters | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.prefix = f"{prefix}:count:"
        self.fallback = fallback or MemoryCounters(clock=clock)
        self.clock = clock
        self._down_until = 0.0

    async def hit(self, key: str, window_seconds: int) -> tuple[int, float]:
        if self.clock() < self._down_until:
            return await self.fallback.hit(key, window_seconds)
        name = self.prefix + key
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.set(name, 0, ex=window_seconds, nx=True)
                pipe.incr(name)
                pipe.pttl(name)
                _, count, ttl_ms = await pipe.execute()
        except Exception as error:  # redis-py raises RedisError and OSError subclasses
            self._down_until = self.clock() + self.OUTAGE_SECONDS
            log.warning("rate limit counters unavailable in Redis, counting in this process for %s s: %s",
                        self.OUTAGE_SECONDS, error)
            return await self.fallback.hit(key, window_seconds)
        return int(count), max(int(ttl_ms), 0) / 1000

    async def peek(self, key: str) -> int:
        if self.clock() < self._down_until:
            return await self.fallback.peek(key)
        try:
            count = await self.client.get(self.prefix + key)
        except Exception as error:
            self._down_until = self.clock() + self.OUTAGE_SECONDS
            log.warning("rate limit counters unavailable in Redis, counting in this process for %s s: %s",
                        self.OUTAGE_SECONDS, error)
            return await self.fallback.peek(key)
        return int(count or 0)

    async def clear(self, key: str) -> None:
        await self.fallback.clear(key)
        try:
            await self.client.delete(self.prefix + key)
        except Exception as error:
            log.warning("rate limit counter not cleared: %s", error)

    async def aclose(self) -> None:
        await self.client.aclose()


Counters = MemoryCounters | RedisCounters


async def send_refusal(scope: Scope, receive: Receive, send: Send, status: int, code: str, message: str,
                       headers: dict[str, str] | None = None, **extra: object) -> None:
    response = JSONResponse(error_body(code, message, **extra), status_code=status, headers=headers)
    await response(scope, receive, send)


@dataclass(frozen=True)
class RateRefusal:
    message: str
    retry_after: int


async def rate_refusal(counters: Counters, settings: Settings, address: str, user_id: int | None) -> RateRefusal | None:
    """Counts one request (or one operation over a WebSocket) from this address and user; a refusal past a limit."""
    window = settings.rate_limit_window_seconds
    checks = [("ip", address, settings.rate_limit_per_ip, "from your address")]
    if user_id is not None:
        checks.append(("user", str(user_id), settings.rate_limit_per_user, "for your account"))
    for kind, who, limit, whose in checks:
        if limit <= 0:
            continue
        count, left = await counters.hit(f"rate:{kind}:{who}", window)
        if count > limit:
            retry = max(1, math.ceil(left))
            return RateRefusal(f"Too many requests {whose}: at most {limit} every {window} seconds. "
                               f"Try again in {retry} seconds.", retry)
    return None


class RateLimit:
    """At most per_ip requests per window from one address and per_user from one signed-in user (0 turns either off)."""

    def __init__(self, app: ASGIApp, *, counters: Counters, settings: Settings) -> None:
        self.app = app
        self.counters = counters
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not scope["path"].startswith(RATE_LIMITED_PATHS):
            await self.app(scope, receive, send)
            return
        refused = await rate_refusal(self.counters, self.settings, client_address(scope), self._user_id(scope))
        if refused is not None:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008, "reason": "rate limited"})
                return
            await send_refusal(scope, receive, send, 429, "RATE_LIMITED", refused.message,
                               headers={"Retry-After": str(refused.retry_after)}, retryAfter=refused.retry_after)
            return
        await self.app(scope, receive, send)

    def _user_id(self, scope: Scope) -> int | None:
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                scheme, _, token = value.decode("latin-1").partition(" ")
                if scheme.lower() == "bearer" and token.strip():
                    return token_subject(token.strip(), self.settings.secret_key)
        return None


class RequestTimeout:
    """A request that has not started its response within the timeout is stopped (its transaction rolls back) and
    answered 503. A response that has started (a stream) is not cut."""

    def __init__(self, app: ASGIApp, *, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        deadline = asyncio.timeout(self.seconds)

        async def send_and_note(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                deadline.reschedule(None)
            await send(message)

        try:
            async with deadline:
                await self.app(scope, receive, send_and_note)
        except TimeoutError:
            if not deadline.expired():
                raise  # the app's own timeout, not ours
            log.warning("request to %s stopped after %s seconds", scope["path"], self.seconds)
            if not started:
                await send_refusal(scope, receive, send, 503, "TIMEOUT",
                                   f"The request took longer than {self.seconds:g} seconds and was stopped")


class BodyLimit:
    """Reads the request body up to max_bytes (or a path's own cap: an upload's image is larger than any GraphQL
    document), and answers 413 past it, before the app parses a byte of it."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, path_caps: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.path_caps = path_caps or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.path_caps.get(scope["path"], self.max_bytes)
        declared = dict(scope.get("headers", ())).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > cap:
            await self._refuse(scope, receive, send, cap)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > cap:
                await self._refuse(scope, receive, send, cap)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, cap: int) -> None:
        await send_refusal(scope, receive, send, 413, "PAYLOAD_TOO_LARGE",
                           f"The request body is larger than {cap} bytes", maxBytes=cap)


REDIS_CONNECTIONS = 100  # per process: the most counters and persisted-query lookups in flight at once


class Protections:
    """What the app needs to protect itself, built from the settings: one Redis client when UMKM_REDIS_URL is set."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.redis: Any | None = None
        if settings.redis_url:
            import redis.asyncio as redis  # only needed when UMKM_REDIS_URL is set

            # Requests beyond the pool's connections wait for one (up to the timeout) instead of failing at once.
            pool = redis.BlockingConnectionPool.from_url(settings.redis_url, max_connections=REDIS_CONNECTIONS,
                                                         timeout=10, socket_connect_timeout=5, socket_timeout=5)
            self.redis = redis.Redis.from_pool(pool)  # the client owns the pool: closing it closes the connections
        self.counters: Counters = (
            RedisCounters(self.redis, settings.redis_prefix) if self.redis is not None else MemoryCounters()
        )
        self.persisted_queries: DocumentStore = document_store(settings, self.redis)
        self.login_throttle: LoginThrottle | None = (
            LoginThrottle(self.counters, settings.login_max_failures, settings.login_lockout_seconds,
                          max_failures_per_account=settings.login_max_failures_per_account,
                          max_attempts_per_address=settings.login_max_attempts_per_address)
            if settings.login_max_failures > 0 else None
        )
        self.registration_throttle = RegistrationThrottle(
            self.counters, settings.registrations_per_address, settings.login_lockout_seconds,
            asn_per_account=settings.asn_registrations_per_account)
        self.password_reset_throttle = PasswordResetThrottle(
            self.counters, settings.password_reset_window_seconds, settings.password_resets_per_identifier,
            settings.password_resets_per_account, settings.password_resets_per_address,
            settings.password_reset_tries_per_address)

    def socket_policy(self) -> SocketPolicy:
        """A socket's operations count against the same rate limits as POSTs, by its address and its signed-in user
        (the token of its connection_init); the user owns the socket, for the cap on sockets per user."""
        settings, counters = self.settings, self.counters

        def user_id(context: Any) -> int | None:
            token = getattr(context, "token", None)
            return token_subject(token, settings.secret_key) if token else None

        async def owner(context: Any) -> str | None:
            found = user_id(context)
            return None if found is None else f"user:{found}"

        async def admit(context: Any) -> GraphQLError | None:
            refused = await rate_refusal(counters, settings, client_address(context.request.scope), user_id(context))
            if refused is None:
                return None
            return limit_error("RATE_LIMITED", refused.message, retryAfter=refused.retry_after)

        return dataclasses.replace(SocketPolicy.from_settings(settings), owner=owner, admit=admit)

    def middleware(self) -> list[Middleware]:
        settings = self.settings
        return [
            Middleware(RateLimit, counters=self.counters, settings=settings),
            Middleware(RequestTimeout, seconds=settings.request_timeout_seconds),
            Middleware(BodyLimit, max_bytes=settings.max_body_bytes, path_caps={"/uploads": settings.upload_max_bytes}),
        ]

    async def close(self) -> None:
        await self.counters.aclose()
