"""Delivering the outbox, run by the jobs: each due message is claimed (core/claims.py) by one process just before its
send, sent through its channel's notifier with the timeout, then marked SENT; a failed try waits retry_after, twice as
long after each next failure, and after max_attempts (or a refusal) the message is FAILED with the reason kept.

A claim lasts longer than one send may take, so no other process sends the message while its holder is still trying.
A process that dies after the notifier accepted a message but before marking it SENT leaves it to be sent again once
the claim runs out: notifiers get the row's id to recognise such a repeat."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from umkm_graph.core.claims import claim, unclaimed
from umkm_graph.hookspecs import Message
from umkm_graph.notifications.kinds import Kind, without_secrets
from umkm_graph.notifications.models import OutboxMessage, OutboxStatus
from umkm_graph.notifications.texts import render
from umkm_graph.plugin_host import Providers
from umkm_graph.plugin_host.notifiers import DeliveryFailed, send_once
from umkm_graph.settings import Settings

BATCH = 100  # messages per run, the oldest due first
CONCURRENT_SENDS = 8  # people sent to at once: a hanging gateway holds up at most this many, each for one timeout


@dataclass(frozen=True)
class OutboxPolicy:
    max_attempts: int
    retry_after: dt.timedelta
    timeout: float  # seconds one send may take

    @classmethod
    def from_settings(cls, settings: Settings) -> OutboxPolicy:
        return cls(max_attempts=settings.notification_max_attempts,
                   retry_after=dt.timedelta(seconds=settings.notification_retry_seconds),
                   timeout=settings.provider_timeout_seconds)

    def wait_after(self, attempts: int) -> dt.timedelta:
        return self.retry_after * 2 ** (attempts - 1)


@dataclass(frozen=True)
class SendReport:
    sent: int = 0
    retrying: int = 0  # failed this time, to be tried again
    failed: int = 0  # given up this time


async def deliver_due(
    providers: Providers, policy: OutboxPolicy, now: dt.datetime | None = None, *, lease: dt.timedelta,
    limit: int = BATCH,
) -> SendReport:
    """Send the due messages nobody else holds; what became of those this process sent."""
    now = now or dt.datetime.now(dt.UTC)
    lease = max(lease, dt.timedelta(seconds=policy.timeout * 2))  # outlasts the send, so nobody else starts it
    due = await OutboxMessage.filter(unclaimed(now), status=OutboxStatus.PENDING, next_attempt_at__lte=now) \
        .order_by("next_attempt_at", "id").limit(limit)
    # One person's messages on one channel go one after another, in the order of their changes; people in parallel.
    queues: dict[tuple[int, str], list[OutboxMessage]] = defaultdict(list)
    for row in due:
        queues[(row.user_id, row.channel)].append(row)  # type: ignore[attr-defined]
    slots = asyncio.Semaphore(CONCURRENT_SENDS)

    async def in_turn(rows: list[OutboxMessage]) -> list[str]:
        outcomes = []
        async with slots:
            for row in rows:
                if await claim(OutboxMessage, row.id, now, lease, status=OutboxStatus.PENDING):
                    outcomes.append(await _send(row, providers, policy, now))
        return outcomes

    outcomes = [outcome for done in await asyncio.gather(*map(in_turn, queues.values())) for outcome in done]
    return SendReport(sent=outcomes.count("sent"), retrying=outcomes.count("retrying"),
                      failed=outcomes.count("failed"))


async def _send(row: OutboxMessage, providers: Providers, policy: OutboxPolicy, now: dt.datetime) -> str:
    attempts = row.attempts + 1
    try:
        provider_message_id = await send_once(providers.notifiers.get(row.channel), _written(row), policy.timeout)
    except DeliveryFailed as failure:
        if failure.final or attempts >= policy.max_attempts:
            await OutboxMessage.filter(id=row.id).update(
                status=OutboxStatus.FAILED, attempts=attempts, last_error=failure.reason,
                parameters=without_secrets(row.parameters))
            return "failed"
        await OutboxMessage.filter(id=row.id).update(
            attempts=attempts, last_error=failure.reason, next_attempt_at=now + policy.wait_after(attempts),
            claimed_until=None)
        return "retrying"
    await OutboxMessage.filter(id=row.id).update(
        status=OutboxStatus.SENT, attempts=attempts, sent_at=dt.datetime.now(dt.UTC), last_error=None,
        provider_message_id=provider_message_id, delivery_status=None, delivery_status_at=None,
        parameters=without_secrets(row.parameters))  # a reset code lives no longer than its message's delivery
    return "sent"


def _written(row: OutboxMessage) -> Message:
    try:
        return message_of(row)
    except (KeyError, ValueError, IndexError) as exc:  # a kind or value this version cannot write: no retry helps
        raise DeliveryFailed(f"The message cannot be written: {type(exc).__name__}: {exc}", final=True) from None


def message_of(row: OutboxMessage) -> Message:
    """The row as a notifier receives it, written in the person's language."""
    text = render(Kind(row.kind), dict(row.parameters), row.language)
    return Message(id=row.id, channel=row.channel, address=row.address, kind=row.kind, language=row.language,
                   subject=text.subject, body=text.body, parameters=text.values)
