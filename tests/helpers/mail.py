"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd, in its own thread): it keeps every message it accepts, and
on demand refuses (a 451, so the sender tries again) or hangs before answering; and the app set up to mail through it."""

from __future__ import annotations

import asyncio
import dataclasses
import email
import email.policy
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.helpers.api import Api, asgi_client, started_app
from tests.helpers.live import free_port
from umkm_graph.settings import Settings


@dataclass
class Mailbox:
    """What the server received, and how it behaves next."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse: int = 0  # refuse this many next messages with 451
    hang_seconds: float = 0.0  # wait this long before answering each message
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def subjects(self, address: str) -> list[str]:
        return [str(m["Subject"]) for m in self.to(address)]

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        if self.hang_seconds:
            await asyncio.sleep(self.hang_seconds)
        with self.lock:
            if self.refuse:
                self.refuse -= 1
                return "451 4.3.0 Try again later"
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))  # type: ignore[arg-type]
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    """An SMTP server on 127.0.0.1 and a free port, without TLS, for as long as the block runs."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def mailing(settings: Settings, port: int, **changes: Any) -> Settings:
    """The settings with email through the test server; retries a second apart, so tests move the clock by seconds."""
    return dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none",
                               smtp_from="UMKM Kota Malang <noreply@umkm.test>", notification_retry_seconds=1.0,
                               **changes)


@dataclass
class MailServed:
    """The app mailing through a test SMTP server, a client of it, and one run of its jobs on demand."""

    api: Api
    app: Any
    settings: Settings
    mailbox: Mailbox

    async def send(self) -> Any:
        return await run_jobs(self.app, self.settings)


@asynccontextmanager
async def mail_served(settings: Settings, **changes: Any) -> AsyncIterator[MailServed]:
    with smtp_server() as (mailbox, port):
        configured = mailing(settings, port, **changes)
        async with started_app(configured) as app:
            client = asgi_client(app)
            try:
                yield MailServed(Api(client), app, configured, mailbox)
            finally:
                await client.aclose()


async def run_jobs(app: Any, settings: Settings, now: Any = None) -> Any:
    """One run of the server's periodic jobs (payments, then the outbox) by the given clock; its report."""
    from umkm_graph import jobs

    state = app.state
    return await jobs.run_once(state.providers, state.events, now, outbox=jobs.OutboxPolicy.from_settings(settings))


PREFERENCES = """
mutation($input: NotificationPreferencesInput!) {
  updateNotificationPreferences(input: $input) {
    preferences { language channels { channel displayName enabled address } } errors { code field message }
  }
}"""
OUTBOX = """
query($status: OutboxStatus) {
  notificationOutbox(status: $status) { totalCount edges { node { kind channel status attempts lastError sentAt } } }
}"""
