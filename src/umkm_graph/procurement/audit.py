"""The procurement audit trail: one chain of entries, each hashed over its contents and the previous entry's hash
(SHA-256), appended in the transaction of the step it records, and checked end to end by `umkm-graph procurement
verify-audit`.

The chain proves the trail was not edited, reordered or cut in the middle. Removing the newest entries leaves a shorter
chain that is still whole, so the check also holds every procurement's recorded steps (its signatures, its kuitansi)
against the trail: a step without its entry is reported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from umkm_graph.people.models import User
from umkm_graph.procurement.models import AuditEntry, Procurement

GENESIS = "0" * 64  # the previous hash of the first entry
APPEND_ATTEMPTS = 5
T = TypeVar("T")


class Action:
    PURCHASE_ORDER_ISSUED = "PURCHASE_ORDER_ISSUED"
    BAST_SIGNED_BY_SELLER = "BAST_SIGNED_BY_SELLER"
    BAST_SIGNED_BY_RECEIVER = "BAST_SIGNED_BY_RECEIVER"
    KUITANSI_ISSUED = "KUITANSI_ISSUED"


def entry_hash(previous_hash: str, procurement_id: int, actor_id: int | None, actor_name: str, action: str,
               detail: str, at: dt.datetime) -> str:
    content = json.dumps([previous_hash, procurement_id, actor_id, actor_name, action, detail,
                          at.astimezone(dt.UTC).isoformat()], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(content.encode()).hexdigest()


def canonical(detail: Mapping[str, object]) -> str:
    return json.dumps(detail, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


async def append(procurement_id: int, actor: User, action: str, detail: Mapping[str, object],
                 at: dt.datetime) -> AuditEntry:
    """Append an entry after the newest; call inside the step's transaction. A writer that raced another fails on the
    unique previous hash (so the chain never forks) and its step is retried by `step_with_entry`."""
    newest = await AuditEntry.all().order_by("-id").first()
    previous = newest.hash if newest is not None else GENESIS
    text = canonical(detail)
    return await AuditEntry.create(
        procurement_id=procurement_id, actor_id=actor.id, actor_name=actor.name, action=action, detail=text, at=at,
        previous_hash=previous, hash=entry_hash(previous, procurement_id, actor.id, actor.name, action, text, at))


async def in_step(step: Callable[[], Awaitable[T]]) -> T:
    """Run `step` (a change and its audit entry) in a transaction, again when another writer took the chain's head."""
    for attempt in range(APPEND_ATTEMPTS):
        try:
            async with in_transaction():
                return await step()
        except IntegrityError:
            if attempt == APPEND_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


@dataclass
class ChainCheck:
    entries: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


# Which recorded step of a procurement needs which entry in the trail.
_STEPS = (("created_at", Action.PURCHASE_ORDER_ISSUED), ("seller_signed_at", Action.BAST_SIGNED_BY_SELLER),
          ("receiver_signed_at", Action.BAST_SIGNED_BY_RECEIVER), ("kuitansi_issued_at", Action.KUITANSI_ISSUED))


async def check_chain(batch: int = 1000) -> ChainCheck:
    """Every entry in order: it follows the one before, and its hash matches its contents; then every procurement's
    steps have their entries."""
    found, expected_previous, last_id = ChainCheck(), GENESIS, 0
    recorded: set[tuple[int, str]] = set()
    columns = ("id", "previous_hash", "procurement_id", "actor_id", "actor_name", "action", "detail", "at", "hash")
    # Plain tuples, not models: the check reads every entry, and building a model each costs more than its hash.
    while rows := await AuditEntry.filter(id__gt=last_id).order_by("id").limit(batch).values_list(*columns):
        for row_id, previous, procurement_id, actor_id, actor_name, action, detail, at, stored in rows:
            found.entries += 1
            if previous != expected_previous:
                found.problems.append(f"entry {row_id}: does not follow the entry before it "
                                      "(an entry was removed, inserted or moved)")
            if entry_hash(previous, procurement_id, actor_id, actor_name, action, detail, at) != stored:
                found.problems.append(f"entry {row_id}: its contents do not match its hash (it was edited)")
            expected_previous, last_id = stored, row_id
            recorded.add((procurement_id, action))
    for procurement in await Procurement.all().order_by("id"):
        for moment, action in _STEPS:
            if getattr(procurement, moment) is not None and (procurement.id, action) not in recorded:
                found.problems.append(f"procurement {procurement.number}: {action} has no entry in the trail")
    return found
