"""Email over SMTP, the built-in notifier: one message per send, over a fresh connection (aiosmtplib, on the loop).

The host builds it from its own settings (UMKM_SMTP_*), since it holds the SMTP password, which no plugin is told; with
no UMKM_SMTP_HOST there is no email channel."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib

from umkm_graph.hookspecs import Message, Notifier, ProviderRefused


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str  # the From header, e.g. "UMKM Kota Malang <noreply@malangkota.go.id>"
    security: str  # "starttls" (upgrade on the submission port), "tls" (implicit, port 465) or "none"
    username: str | None = None
    password: str | None = None
    timeout: float = 10.0


class SmtpNotifier(Notifier):
    channel = "email"
    display_name = "Email"

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    def email(self, message: Message) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.config.sender
        email["To"] = message.address
        email["Subject"] = message.subject
        # The outbox row's id in the Message-ID: a retry of a message that did arrive is recognisably the same mail.
        email["Message-ID"] = make_msgid(idstring=f"umkm-outbox-{message.id}")
        email["Content-Language"] = message.language
        email.set_content(message.body)
        return email

    async def send(self, message: Message) -> None:
        config = self.config
        try:
            await aiosmtplib.send(
                self.email(message), hostname=config.host, port=config.port, username=config.username,
                password=config.password, use_tls=config.security == "tls", start_tls=config.security == "starttls",
                timeout=config.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as refused:
            raise ProviderRefused(f"the mail server refuses the address: {refused}") from None
