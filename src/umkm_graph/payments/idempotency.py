"""Idempotency keys: a client names one request of a mutation that takes money or stock (checkout, a refund), so that
sending it again, at once or after its answer was lost, answers what the first made instead of doing it twice.

The rules are Stripe's, mostly. A key is the user's own: 1 to 100 printable ASCII characters (a UUID fits). The same
key with other input is refused, naming the key. A request that fails writes nothing, its key included, so it can be
retried. A key counts for `idempotency_key_hours`, then is forgotten. Unlike Stripe, a send that overlaps a running one
gets no "in progress" error: each runs, the key's row is written in the same transaction as what the request made,
so the database's unique (user, key) lets one commit, and the others roll back and answer the first one's result.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.payments.models import IdempotencyKey

FIELD = ["idempotencyKey"]
MAX_LENGTH = 100
_PRINTABLE_ASCII = re.compile(r"[!-~]+")  # no spaces, controls or look-alike characters
T = TypeVar("T")


@dataclass(frozen=True)
class RequestKey:
    """One request of one mutation as its key names it, and how long the key counts."""

    user_id: int
    key: str
    operation: str
    request_hash: str
    kept: dt.timedelta

    def row(self, result_id: int) -> IdempotencyKey:
        """The key's row, unsaved: to be written in the transaction that makes `result_id`."""
        return IdempotencyKey(user_id=self.user_id, key=self.key, operation=self.operation,
                              request_hash=self.request_hash, result_id=result_id, created_at=dt.datetime.now(dt.UTC))


def request_key(user_id: int, key: str | None, operation: str, request: Any, kept_hours: int) -> RequestKey | None:
    """The key of this request, checked; None when the client sent none. `request` is the mutation's input, as
    dataclasses and plain values: two requests are the same when their inputs are equal."""
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_LENGTH or not _PRINTABLE_ASCII.fullmatch(key):
        raise DomainError(ErrorCode.INVALID, f"An idempotency key has 1 to {MAX_LENGTH} printable ASCII characters "
                          "and no spaces; a UUID is a good one", FIELD)
    plain = dataclasses.asdict(request) if dataclasses.is_dataclass(request) else request
    digest = hashlib.sha256(json.dumps([operation, plain], sort_keys=True, default=str).encode()).hexdigest()
    return RequestKey(user_id, key, operation, digest, dt.timedelta(hours=kept_hours))


async def earlier_result(request: RequestKey) -> int | None:
    """What the key's first request made (an id), or None when the key is new or no longer kept. The user's keys
    older than that are dropped first, so this request may take the key again, and keys do not pile up.
    ALREADY_EXISTS when the key was used for another request."""
    cutoff = dt.datetime.now(dt.UTC) - request.kept
    await IdempotencyKey.filter(user_id=request.user_id, created_at__lt=cutoff).delete()
    row = await IdempotencyKey.get_or_none(user_id=request.user_id, key=request.key)
    if row is None:
        return None
    if (row.operation, row.request_hash) != (request.operation, request.request_hash):
        raise DomainError(ErrorCode.ALREADY_EXISTS, "This idempotency key was used for another request; send a new "
                          "key with a new request, and the same key only to repeat one", FIELD)
    return row.result_id


async def sweep(now: dt.datetime, kept: dt.timedelta) -> int:
    """Forget every user's keys older than `kept`, those of users who never send another included; how many. The jobs
    run it: deleting is idempotent, so processes running it at once need no claim."""
    return await IdempotencyKey.filter(created_at__lt=now - kept).delete()


async def once(key: RequestKey | None, run: Callable[[], Awaitable[T]], load: Callable[[int], Awaitable[T]]) -> T:
    """Run the request, unless its key already made something: then load that (by its id) instead. `run` must write
    key.row(...) in the transaction that makes its result."""
    if key is not None and (made := await earlier_result(key)) is not None:
        return await load(made)
    try:
        return await run()
    except (DomainError, IntegrityError):
        # A send of the same key that overlapped this one wrote first: this one's write failed on the key, or found
        # the stock or the money already taken by it. Its result is the answer.
        if key is not None and (made := await earlier_result(key)) is not None:
            return await load(made)
        raise
