"""The outbox's delivery: a refused message is tried again after a backoff that doubles, given up after the bound with
the reason kept, a hanging mail server neither blocks an order change nor the jobs past the timeout, and city officers
see what waits and what failed; preferences refuse wrong input, naming the field."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.helpers.api import Api, asgi_client, started_app
from tests.helpers.checkout import cart, check_out, market
from tests.helpers.mail import OUTBOX, PREFERENCES, Mailbox, mailing, run_jobs, smtp_server
from tests.helpers.orders import attempt
from tests.helpers.people import city_person, sign_up
from umkm_graph.people.models import Role
from umkm_graph.settings import Settings


@pytest.fixture
async def mail_world(settings: Settings) -> AsyncIterator[tuple[Api, Any, Settings, Mailbox]]:
    with smtp_server() as (mailbox, port):
        configured = mailing(settings, port, notification_max_attempts=3, provider_timeout_seconds=0.5)
        async with started_app(configured) as app:
            client = asgi_client(app)
            try:
                yield Api(client), app, configured, mailbox
            finally:
                await client.aclose()


def later(seconds: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


async def test_a_refused_message_is_tried_again_after_its_backoff_and_then_arrives_once(mail_world: Any) -> None:
    api, app, settings, mailbox = mail_world
    m = await market(api)
    mailbox.refuse = 1
    await check_out(api, m.buyer, cart([(m.beras, 1)], [(m.shop, "pickup")]))
    first = await run_jobs(app, settings)
    assert (first.messages.sent, first.messages.retrying) == (0, 1)
    assert (await run_jobs(app, settings)).messages.sent == 0  # its backoff (1 s) has not passed
    assert (await run_jobs(app, settings, later(1.5))).messages.sent == 1
    assert len(mailbox.to(m.seller.email)) == 1
    officer = await city_person(api)
    (row,) = [e["node"] for e in (await api.gql(OUTBOX, {"status": "SENT"}, officer.token))["notificationOutbox"]["edges"]]
    assert (row["kind"], row["channel"], row["attempts"], row["lastError"]) == ("NEW_ORDER", "email", 2, None)
    assert row["sentAt"]


async def test_a_message_refused_every_time_is_given_up_after_the_bound_with_the_reason_shown_to_officers(
    mail_world: Any,
) -> None:
    api, app, settings, mailbox = mail_world
    m = await market(api)
    mailbox.refuse = 100
    await check_out(api, m.buyer, cart([(m.beras, 1)], [(m.shop, "pickup")]))
    outcomes = [(await run_jobs(app, settings, later(seconds))).messages for seconds in (0, 1.5, 3.5, 10)]
    assert [(o.retrying, o.failed) for o in outcomes] == [(1, 0), (1, 0), (0, 1), (0, 0)]  # 1 s, then 2 s, then no more
    officer, analyst = await city_person(api), await city_person(api, Role.ANALYST)
    failed = (await api.gql(OUTBOX, {"status": "FAILED"}, officer.token))["notificationOutbox"]
    (row,) = [e["node"] for e in failed["edges"]]
    assert row["status"] == "FAILED" and row["attempts"] == 3 and "451" in row["lastError"]
    counts = "{ notificationOutboxCounts { pending sent failed } }"
    assert (await api.gql(counts, token=analyst.token))["notificationOutboxCounts"] == {"pending": 0, "sent": 0, "failed": 1}
    for person in (analyst, m.buyer, m.seller):
        body = await api.post(OUTBOX, {}, person.token)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert mailbox.messages == []


async def test_a_hanging_mail_server_neither_blocks_the_order_change_nor_the_jobs_past_the_timeout(
    mail_world: Any,
) -> None:
    api, app, settings, mailbox = mail_world
    m = await market(api)
    mailbox.hang_seconds = 3.0
    order = (await check_out(api, m.buyer, cart([(m.beras, 1)], [(m.shop, "pickup")])))["orders"][0]
    assert (await attempt(api, "acceptOrder", order, m.seller))["errors"] == []
    report = await run_jobs(app, settings)
    assert (report.messages.sent, report.messages.retrying) == (0, 2)
    officer = await city_person(api)
    rows = (await api.gql(OUTBOX, {"status": "PENDING"}, officer.token))["notificationOutbox"]["edges"]
    assert {r["node"]["kind"] for r in rows} == {"NEW_ORDER", "ORDER_ACCEPTED"}
    assert all("did not answer within 0.5 seconds" in r["node"]["lastError"] for r in rows)


@pytest.mark.parametrize(("choice", "field", "code"), [
    ({"language": "jv"}, ["input", "language"], "INVALID"),
    ({"channels": [{"channel": "sms", "enabled": True}]}, ["input", "channels", "0", "channel"], "INVALID"),
    ({"channels": [{"channel": "email", "enabled": True, "address": "bukan-email"}]},
     ["input", "channels", "0", "address"], "INVALID"),
    ({"channels": [{"channel": "email", "enabled": True}, {"channel": "email", "enabled": False}]},
     ["input", "channels", "1", "channel"], "INVALID"),
])
async def test_wrong_preferences_are_refused_naming_the_field_and_nothing_changes(
    mail_world: Any, choice: dict[str, Any], field: list[str], code: str,
) -> None:
    api = mail_world[0]
    buyer = await sign_up(api)
    errors = await api.fails(PREFERENCES, {"input": choice}, buyer.token)
    assert [(e["field"], e["code"]) for e in errors] == [(field, code)]
    shown = await api.gql("{ myNotificationPreferences { language channels { channel enabled address } } }",
                          token=buyer.token)
    assert shown["myNotificationPreferences"] == {
        "language": "id", "channels": [{"channel": "email", "enabled": True, "address": None}]}


async def test_preferences_need_a_signed_in_person(mail_world: Any) -> None:
    errors = await mail_world[0].fails(PREFERENCES, {"input": {"language": "en"}})
    assert errors[0]["code"] == "UNAUTHENTICATED"


async def test_the_demo_seed_tells_nobody_of_its_history(api: Api) -> None:
    from umkm_graph.demo.seed import seed_open_database

    summary = await seed_open_database()
    assert summary.orders > 0
    officer = await city_person(api)
    counts = (await api.gql("{ notificationOutboxCounts { pending sent failed } }", token=officer.token))
    assert counts["notificationOutboxCounts"] == {"pending": 0, "sent": 0, "failed": 0}
