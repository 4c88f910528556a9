"""The outbox sent by several job runners at once: every message arrives exactly once, counted at the real SMTP server
and at the fake WhatsApp Cloud API. On PostgreSQL the runners are `umkm-graph jobs --only notify` processes with their
own connections; SQLite allows one writing process, so there they are concurrent tasks in this process."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections import Counter

import pytest
from umkm_whatsapp.fake import FAKE_ACCESS_TOKEN, FAKE_PHONE_NUMBER_ID, FakeWhatsApp

from tests.helpers.api import Api, asgi_client, started_app
from tests.helpers.checkout import cart, check_out, market
from tests.helpers.database import TEST_DATABASE_URL
from tests.helpers.mail import PREFERENCES, mailing, smtp_server
from tests.helpers.orders import attempt
from umkm_graph.notifications.models import OutboxMessage, OutboxStatus
from umkm_graph.notifications.sending import OutboxPolicy, deliver_due
from umkm_graph.settings import Settings

ORDERS = 6
RUNNERS = 4
ON_POSTGRES = bool(TEST_DATABASE_URL and TEST_DATABASE_URL.startswith("postgres"))
SENT = re.compile(r"sent (\d+) message\(s\), (\d+) to retry, (\d+) given up")


async def test_concurrent_runners_send_each_message_exactly_once_by_email_and_whatsapp(
    settings: Settings, monkeypatch: pytest.MonkeyPatch,
) -> None:
    whatsapp_env = {"UMKM_WHATSAPP_ACCESS_TOKEN": FAKE_ACCESS_TOKEN, "UMKM_WHATSAPP_PHONE_NUMBER_ID": FAKE_PHONE_NUMBER_ID}
    with smtp_server() as (mailbox, port):
        async with FakeWhatsApp() as whatsapp:
            for name, value in {**whatsapp_env, "UMKM_WHATSAPP_BASE_URL": whatsapp.base_url}.items():
                monkeypatch.setenv(name, value)
            configured = mailing(settings, port)
            async with started_app(configured) as app:
                client = asgi_client(app)
                api = Api(client)
                m = await market(api)
                on = {"channels": [{"channel": "whatsapp", "enabled": True, "address": "0812 3456 7890"}]}
                assert (await api.ok(PREFERENCES, {"input": on}, m.buyer.token))["preferences"]["channels"][1] == {
                    "channel": "whatsapp", "displayName": "WhatsApp", "enabled": True, "address": "6281234567890"}
                for _ in range(ORDERS):
                    order = (await check_out(api, m.buyer, cart([(m.beras, 1)], [(m.shop, "pickup")])))["orders"][0]
                    assert (await attempt(api, "acceptOrder", order, m.seller))["errors"] == []
                expected = await OutboxMessage.all().count()
                assert expected == ORDERS * 3  # the seller's email, the buyer's email and WhatsApp
                mailbox.hang_seconds, _ = 0.05, whatsapp.delay(0.05)  # each send takes a moment: the runners overlap

                if ON_POSTGRES:
                    env = {**os.environ, **whatsapp_env, "UMKM_WHATSAPP_BASE_URL": whatsapp.base_url,
                           "UMKM_DATABASE_URL": TEST_DATABASE_URL, "UMKM_SMTP_HOST": "127.0.0.1",
                           "UMKM_SMTP_PORT": str(port), "UMKM_SMTP_SECURITY": "none"}
                    processes = [await asyncio.create_subprocess_exec(
                        sys.executable, "-m", "umkm_graph.cli", "jobs", "--only", "notify", env=env,
                        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT) for _ in range(RUNNERS)]
                    outputs = [(await asyncio.wait_for(p.communicate(), 120))[0].decode() for p in processes]
                    found = [SENT.search(output) for output in outputs]
                    assert all(found), outputs
                    sent = [tuple(map(int, f.groups())) for f in found if f]
                else:
                    policy = OutboxPolicy.from_settings(configured)
                    state = app.state
                    reports = await asyncio.gather(*(deliver_due(state.providers, policy, lease=policy.retry_after)
                                                     for _ in range(RUNNERS)))
                    sent = [(r.sent, r.retrying, r.failed) for r in reports]
                assert sum(s[0] for s in sent) == expected and all(s[1:] == (0, 0) for s in sent)
                assert await OutboxMessage.filter(status=OutboxStatus.SENT).count() == expected
                assert len(mailbox.messages) == ORDERS * 2
                assert Counter(str(mail["Message-ID"]) for mail in mailbox.messages).most_common(1)[0][1] == 1
                assert len(whatsapp.to("6281234567890")) == ORDERS
                assert len({m.callback_data for m in whatsapp.messages}) == ORDERS
                assert {m.template for m in whatsapp.messages} == {"umkm_order_accepted"}
                await client.aclose()
