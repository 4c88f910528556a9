"""Recording a channel's delivery reports on the outbox (POST /webhooks/notifications/{channel}): each report names
the message by the gateway's id that the notifier's `send` returned, so a report of an earlier try (replaced by a
retry) matches nothing.

- SENT, DELIVERED, READ only move forward: a report that arrives late (delivered after read) or twice changes nothing.
- FAILED on a SENT message follows the outbox's rules (sending.OutboxPolicy): it is tried again after the backoff of
  its attempts so far, or given up (FAILED, the reason kept) when the gateway says no retry helps, when it has had
  its tries, or when it carried a secret the outbox no longer keeps (a reset code is blanked once sent; the person
  asks for a new one). A failure after delivered changes nothing.

Every change is one conditional update on the row's id, gateway id and state, so a report delivered twice at once,
or alongside a jobs run, applies once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tortoise.expressions import Q

from umkm_graph.hookspecs import DeliveryReport, DeliveryState
from umkm_graph.notifications.kinds import SECRET_REMOVED
from umkm_graph.notifications.models import DeliveryStatus, OutboxMessage, OutboxStatus
from umkm_graph.notifications.sending import OutboxPolicy
from umkm_graph.plugin_host.notifiers import MAX_REASON

PROGRESS = (None, DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.READ)  # in the order they happen
SECRET_GONE = " (it carried a code the outbox no longer keeps, so it is not sent again: ask for a new one)"


async def record(channel: str, reports: Sequence[DeliveryReport], policy: OutboxPolicy,
                 now: dt.datetime | None = None) -> list[str]:
    """Record each report on its message; per report what became of it: recorded, repeat (nothing new), unknown (no
    message of this channel has that id now), retrying or failed (a FAILED report, by the outbox's rules)."""
    now = now or dt.datetime.now(dt.UTC)
    return [await _record(channel, report, policy, now) for report in reports]


async def _record(channel: str, report: DeliveryReport, policy: OutboxPolicy, now: dt.datetime) -> str:
    row = await OutboxMessage.get_or_none(channel=channel, provider_message_id=report.provider_message_id,
                                          status=OutboxStatus.SENT)
    if row is None:
        return "unknown"
    at = report.occurred_at or now
    if report.state == DeliveryState.FAILED:
        return await _failed(row, report, policy, now, at)
    status = DeliveryStatus(report.state.value)
    earlier = [s for s in PROGRESS[:PROGRESS.index(status)] if s is not None]
    moved = await OutboxMessage.filter(_this_try(row), Q(delivery_status__isnull=True) | Q(delivery_status__in=earlier)) \
        .update(delivery_status=status, delivery_status_at=at)
    return "recorded" if moved else "repeat"


async def _failed(row: OutboxMessage, report: DeliveryReport, policy: OutboxPolicy, now: dt.datetime,
                  at: dt.datetime) -> str:
    reason = (report.reason or "the channel reported the message failed")[:MAX_REASON - len(SECRET_GONE)]
    secret_gone = SECRET_REMOVED in row.parameters.values()
    give_up = report.final or row.attempts >= policy.max_attempts or secret_gone
    not_arrived = OutboxMessage.filter(_this_try(row), Q(delivery_status__isnull=True) | Q(
        delivery_status__not_in=[DeliveryStatus.DELIVERED, DeliveryStatus.READ]))
    if give_up:
        changed = await not_arrived.update(
            status=OutboxStatus.FAILED, delivery_status=DeliveryStatus.FAILED, delivery_status_at=at,
            last_error=reason + (SECRET_GONE if secret_gone and not report.final else ""))
        return "failed" if changed else "repeat"
    changed = await not_arrived.update(
        status=OutboxStatus.PENDING, delivery_status=DeliveryStatus.FAILED, delivery_status_at=at, last_error=reason,
        provider_message_id=None, sent_at=None, claimed_until=None, next_attempt_at=now + policy.wait_after(row.attempts))
    return "retrying" if changed else "repeat"


def _this_try(row: OutboxMessage) -> Q:
    """The row as it was read: still SENT by the same try."""
    return Q(id=row.id, status=OutboxStatus.SENT, provider_message_id=row.provider_message_id)
