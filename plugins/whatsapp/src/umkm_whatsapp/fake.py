"""A fake WhatsApp Business Cloud API on 127.0.0.1, for tests and the demo: the messages endpoint, its answers and its
errors as Meta gives them.

- `POST /{version}/{phone-number-id}/messages`: a template message; 200 with a `wamid` when the template is known and
  the number reachable; 400 with Meta's error code otherwise (132001: no such template, 131026: not on WhatsApp).
- Every call needs the access token as a Bearer token (401, error 190, otherwise).
- Status webhooks, signed with X-Hub-Signature-256 by the app secret: each accepted message gets "sent" then
  "delivered" (or "sent" then "failed" for a number given to `undeliverable_later(number, code)`), kept in `reports`
  and POSTed to `webhook_url` when it is set (the host's /webhooks/notifications/whatsapp). `report(wamid, status,
  error_code)` makes one more on demand (a "read", a repeat, a late one).
- Knobs for tests: `delay(seconds)`, `fail(status, times)` (answered before anything else), `unreachable(number)`,
  `messages` (every one accepted) and `calls` (how many requests came).

Run it alone with `python -m umkm_whatsapp.fake [--port 8102]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import secrets
import socket
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from umkm_whatsapp.reports import SIGNATURE_HEADER, signature

log = logging.getLogger("umkm_whatsapp.fake")

FAKE_ACCESS_TOKEN = "fake-whatsapp-access-token-for-umkm-graph"
FAKE_APP_SECRET = "fake-whatsapp-app-secret-for-umkm-graph"
FAKE_PHONE_NUMBER_ID = "109876543210"
KNOWN_LANGUAGES = ("id", "en")


@dataclass(frozen=True)
class SentTemplate:
    id: str  # the wamid it answered
    to: str
    template: str
    language: str
    parameters: tuple[str, ...]
    callback_data: str | None


@dataclass(frozen=True)
class StatusReport:
    """One status webhook as Meta sends it: the raw body and its headers."""

    message_id: str
    status: str
    body: bytes
    headers: dict[str, str]


class FakeWhatsApp:
    def __init__(self, *, access_token: str = FAKE_ACCESS_TOKEN, phone_number_id: str = FAKE_PHONE_NUMBER_ID,
                 templates: frozenset[str] | None = None, app_secret: str = FAKE_APP_SECRET,
                 webhook_url: str | None = None) -> None:
        self.access_token = access_token
        self.app_secret = app_secret
        self.webhook_url = webhook_url  # where status webhooks go; None: only kept in `reports`
        self.reports: list[StatusReport] = []
        self.webhook_answers: list[int] = []  # the HTTP status of each webhook POSTed to webhook_url
        self.phone_number_id = phone_number_id
        self.templates = templates  # None: every template name is approved
        self.messages: list[SentTemplate] = []
        self.calls = 0
        self.base_url = ""
        self._delay = 0.0
        self._failures: list[int] = []
        self._unreachable: set[str] = set()
        self._undeliverable: dict[str, int] = {}
        self._posting: set[asyncio.Task[None]] = set()
        self._runner: web.AppRunner | None = None

    def delay(self, seconds: float) -> None:
        """Answer each request only after `seconds` (0 for no delay)."""
        self._delay = seconds

    def fail(self, status: int = 500, times: int = 1) -> None:
        """Answer the next `times` requests with this status (429 or 5xx: the host tries again)."""
        self._failures.extend([status] * times)

    def unreachable(self, number: str) -> None:
        """This number is not on WhatsApp: error 131026."""
        self._unreachable.add(number)

    def undeliverable_later(self, number: str, code: int = 131026) -> None:
        """Accept messages to this number, then report them failed with this error code (Meta's usual way)."""
        self._undeliverable[number] = code

    def report(self, message_id: str, status: str, error_code: int | None = None) -> StatusReport:
        """A signed status webhook about one message; kept, and POSTed to webhook_url when set."""
        recipient = next((m.to for m in self.messages if m.id == message_id), "")
        entry: dict[str, Any] = {"id": message_id, "status": status, "timestamp": str(int(time.time())),
                                 "recipient_id": recipient}
        if error_code is not None:
            entry["errors"] = [{"code": error_code, "title": "Message undeliverable", "message": "Message undeliverable",
                                "error_data": {"details": f"Fake failure {error_code}"}}]
        body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "fake-waba", "changes": [{
            "field": "messages", "value": {"messaging_product": "whatsapp", "metadata": {
                "display_phone_number": "6281100000000", "phone_number_id": self.phone_number_id},
                "statuses": [entry]}}]}]}).encode()
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: signature(body, self.app_secret)}
        made = StatusReport(message_id, status, body, headers)
        self.reports.append(made)
        if self.webhook_url:
            task = asyncio.get_running_loop().create_task(self._post(made))
            self._posting.add(task)
            task.add_done_callback(self._posting.discard)
        return made

    async def _post(self, report: StatusReport) -> None:
        assert self.webhook_url
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
                async with session.post(self.webhook_url, data=report.body, headers=report.headers) as answer:
                    self.webhook_answers.append(answer.status)
        except aiohttp.ClientError as error:
            log.warning("fake WhatsApp could not post a status webhook: %s", error)

    async def reports_posted(self) -> None:
        """Wait until every status webhook made so far has been POSTed."""
        while self._posting:
            await asyncio.gather(*list(self._posting))

    def to(self, number: str) -> list[SentTemplate]:
        return [m for m in self.messages if m.to == number]

    async def _messages(self, request: web.Request) -> web.Response:
        self.calls += 1
        if self._delay:
            await asyncio.sleep(self._delay)
        if self._failures:
            status = self._failures.pop(0)
            return _error(status, "Fake failure on demand", 130429 if status == 429 else 131000)
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return _error(401, "Invalid OAuth access token - Cannot parse access token", 190)
        if request.match_info["number_id"] != self.phone_number_id:
            return _error(400, "Unsupported post request: unknown phone number id", 100)
        body: dict[str, Any] = await request.json()
        template = body.get("template") or {}
        name, language = template.get("name", ""), (template.get("language") or {}).get("code", "")
        if body.get("messaging_product") != "whatsapp" or body.get("type") != "template" or not name:
            return _error(400, "(#100) Invalid parameter", 100)
        if (self.templates is not None and name not in self.templates) or language not in KNOWN_LANGUAGES:
            return _error(400, f"(#132001) Template name does not exist in the translation: {name} ({language})", 132001)
        to = str(body.get("to", ""))
        if to in self._unreachable:
            return _error(400, "(#131026) Message undeliverable", 131026)
        parameters = tuple(p["text"] for c in template.get("components", []) if c.get("type") == "body"
                           for p in c.get("parameters", []))
        wamid = "wamid." + secrets.token_hex(12)
        self.messages.append(SentTemplate(wamid, to, name, language, parameters, body.get("biz_opaque_callback_data")))
        self.report(wamid, "sent")
        if to in self._undeliverable:
            self.report(wamid, "failed", self._undeliverable[to])
        else:
            self.report(wamid, "delivered")
        return web.json_response({"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
                                  "messages": [{"id": wamid, "message_status": "accepted"}]})

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        app = web.Application()
        app.add_routes([web.post("/{version}/{number_id}/messages", self._messages)])
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))  # port 0: the system picks a free one, and we read which
        await web.SockSite(self._runner, sock).start()
        self.base_url = f"http://{host}:{sock.getsockname()[1]}"
        return self.base_url

    async def close(self) -> None:
        await self.reports_posted()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeWhatsApp:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()


def _error(status: int, message: str, code: int) -> web.Response:
    return web.json_response({"error": {"message": message, "type": "OAuthException", "code": code,
                                        "fbtrace_id": secrets.token_urlsafe(8)}}, status=status)


async def _serve(port: int) -> None:
    fake = FakeWhatsApp()
    print(f"fake WhatsApp Cloud API at {await fake.start(port=port)}  (access token {fake.access_token!r}, "
          f"phone number id {fake.phone_number_id})")
    try:
        await asyncio.Event().wait()
    finally:
        await fake.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the fake WhatsApp Business Cloud API on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8102)
    args = parser.parse_args()
    try:
        asyncio.run(_serve(args.port))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
