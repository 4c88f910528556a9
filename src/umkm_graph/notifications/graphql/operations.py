"""Notification preferences (the signed-in person's) and the outbox (city officers; its counts for analysts too)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.pagination import Connection, connection, window
from umkm_graph.notifications import service as notifications
from umkm_graph.notifications.graphql.types import (
    NotificationPreferencesInput,
    NotificationPreferencesType,
    OutboxCountsType,
    OutboxMessageType,
    OutboxStatusEnum,
)
from umkm_graph.notifications.models import OutboxStatus


@strawberry.type
class NotificationPreferencesPayload:
    preferences: NotificationPreferencesType | None = None
    errors: list[UserError]


def _channels(info: Info[Context, None]) -> dict[str, str]:
    """The installed channels, with their notifiers' names."""
    return {channel: notifier.display_name for channel, notifier in info.context.providers.notifiers.items()}


@strawberry.type
class NotificationsQuery:
    @strawberry.field(description="Your notification preferences: language, and each installed channel.")
    async def my_notification_preferences(self, info: Info[Context, None]) -> NotificationPreferencesType:
        names = _channels(info)
        return NotificationPreferencesType.of(
            await notifications.preferences(await info.context.user(), list(names)), names)

    @strawberry.field(description="The notification outbox, newest first, for city officers: what waits, what was "
                      "sent, and what was given up, with the reason.")
    async def notification_outbox(
        self, info: Info[Context, None], status: OutboxStatusEnum | None = None,  # type: ignore[valid-type]
        first: int | None = None, after: str | None = None,
    ) -> Connection[OutboxMessageType]:
        settings = info.context.settings
        page = await notifications.outbox(await info.context.user(), status, window(
            first, after, default=settings.default_page_size, cap=settings.max_page_size))
        return connection(page, OutboxMessageType.from_model)

    @strawberry.field(description="How many messages wait, were sent, or were given up: city officers and analysts.")
    async def notification_outbox_counts(self, info: Info[Context, None]) -> OutboxCountsType:
        counts = await notifications.outbox_counts(await info.context.user())
        return OutboxCountsType(pending=counts[OutboxStatus.PENDING], sent=counts[OutboxStatus.SENT],
                                failed=counts[OutboxStatus.FAILED])


@strawberry.type
class NotificationsMutation:
    @strawberry.mutation(description="Change your notification language and channels: each on or off, and where "
                         "its messages go.")
    async def update_notification_preferences(
        self, info: Info[Context, None], input: NotificationPreferencesInput
    ) -> NotificationPreferencesPayload:
        names = _channels(info)
        choices = [notifications.ChannelChoice(c.channel, c.enabled, c.address) for c in input.channels]
        return await mutate(
            info, NotificationPreferencesPayload,
            lambda user: notifications.update_preferences(user, list(names), input.language, choices),
            lambda preferences: {"preferences": NotificationPreferencesType.of(preferences, names)},
        )
