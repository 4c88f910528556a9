"""WhatsApp's delivery reports on the outbox, through the real plugin and the fake Cloud API: its signed status
webhooks at POST /webhooks/notifications/whatsapp move a sent message to DELIVERED and READ (never back, a repeat
changes nothing); a failed one is sent again after its backoff, or given up when no retry helps, when it had its tries,
or when it carried a reset code the outbox no longer keeps; a forged webhook changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from umkm_whatsapp.fake import FAKE_ACCESS_TOKEN, FAKE_APP_SECRET, FAKE_PHONE_NUMBER_ID, FakeWhatsApp, StatusReport

from tests.helpers.checkout import cart, check_out, market
from tests.helpers.mail import PREFERENCES, MailServed, mail_served, run_jobs
from tests.helpers.people import city_person, sign_up
from umkm_graph.settings import Settings

PHONE = "6281234567890"
WHATSAPP_ON = {"channels": [{"channel": "whatsapp", "enabled": True, "address": "0812 3456 7890"}]}
OUTBOX = """{ notificationOutbox { edges { node {
  kind channel status attempts lastError sentAt deliveryStatus deliveryStatusAt } } } }"""


@pytest.fixture
async def world(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[MailServed, FakeWhatsApp]]:
    async with FakeWhatsApp() as whatsapp:
        for name, value in {"UMKM_WHATSAPP_ACCESS_TOKEN": FAKE_ACCESS_TOKEN, "UMKM_WHATSAPP_APP_SECRET": FAKE_APP_SECRET,
                            "UMKM_WHATSAPP_PHONE_NUMBER_ID": FAKE_PHONE_NUMBER_ID,
                            "UMKM_WHATSAPP_BASE_URL": whatsapp.base_url}.items():
            monkeypatch.setenv(name, value)
        async with mail_served(settings, notification_max_attempts=2) as served:
            yield served, whatsapp


async def deliver(served: MailServed, *reports: StatusReport, channel: str = "whatsapp") -> Any:
    """POST the fake's status webhooks to the host, one after another; the outcomes of each."""
    outcomes = []
    for report in reports:
        answer = await served.api.client.post(f"/webhooks/notifications/{channel}", content=report.body,
                                              headers=report.headers)
        assert answer.status_code == 200, answer.text
        outcomes.extend(event["outcome"] for event in answer.json()["events"])
    return outcomes


async def new_order_on_whatsapp(served: MailServed) -> None:
    """A seller who hears on WhatsApp gets a new order; the jobs send it."""
    m = await market(served.api)
    await served.api.ok(PREFERENCES, {"input": WHATSAPP_ON}, m.seller.token)
    await check_out(served.api, m.buyer, cart([(m.beras, 1)], [(m.shop, "pickup")]))
    assert (await served.send()).messages.sent == 2  # email and WhatsApp


async def whatsapp_row(served: MailServed) -> dict[str, Any]:
    officer = await city_person(served.api)
    rows = [e["node"] for e in (await served.api.gql(OUTBOX, token=officer.token))["notificationOutbox"]["edges"]]
    (row,) = [r for r in rows if r["channel"] == "whatsapp"]
    return row


def later(seconds: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


async def test_reports_move_a_message_to_delivered_then_read_and_never_back(world: Any) -> None:
    served, whatsapp = world
    await new_order_on_whatsapp(served)
    (sent,) = whatsapp.to(PHONE)
    assert (await whatsapp_row(served))["deliveryStatus"] is None  # no report yet
    assert await deliver(served, *whatsapp.reports) == ["recorded", "recorded"]  # sent, delivered
    assert await deliver(served, *whatsapp.reports) == ["repeat", "repeat"]
    assert (await whatsapp_row(served))["deliveryStatus"] == "DELIVERED"
    assert await deliver(served, whatsapp.report(sent.id, "read"), whatsapp.report(sent.id, "delivered")) == \
        ["recorded", "repeat"]  # a late "delivered" does not step back
    row = await whatsapp_row(served)
    assert (row["status"], row["deliveryStatus"]) == ("SENT", "READ") and row["deliveryStatusAt"]
    assert await deliver(served, whatsapp.report("wamid.not-ours", "read")) == ["unknown"]


async def test_a_failed_report_sends_the_message_again_after_its_backoff_until_its_tries_are_spent(world: Any) -> None:
    served, whatsapp = world
    await new_order_on_whatsapp(served)
    (first,) = whatsapp.to(PHONE)
    failure = whatsapp.report(first.id, "failed", error_code=131000)  # "something went wrong": worth another try
    assert await deliver(served, failure) == ["retrying"]
    row = await whatsapp_row(served)
    assert (row["status"], row["deliveryStatus"], row["sentAt"]) == ("PENDING", "FAILED", None)
    assert "131000" in row["lastError"]
    assert (await run_jobs(served.app, served.settings)).messages.sent == 0  # its backoff (1 s) has not passed
    assert (await run_jobs(served.app, served.settings, later(1.5))).messages.sent == 1
    first_again, second = whatsapp.to(PHONE)
    assert first_again == first and second.id != first.id and second.parameters == first.parameters
    assert await deliver(served, failure) == ["unknown"]  # a repeat of the first try's failure: that try is gone
    assert (await whatsapp_row(served))["deliveryStatus"] is None  # the new try has no report yet
    assert await deliver(served, whatsapp.report(second.id, "failed", error_code=131000)) == ["failed"]
    row = await whatsapp_row(served)
    assert (row["status"], row["attempts"], row["deliveryStatus"]) == ("FAILED", 2, "FAILED")  # the bound is 2
    assert (await run_jobs(served.app, served.settings, later(60))).messages.sent == 0
    assert len(whatsapp.to(PHONE)) == 2


async def test_a_number_not_on_whatsapp_is_given_up_at_once_and_a_failed_reset_code_is_not_resent(world: Any) -> None:
    served, whatsapp = world
    whatsapp.undeliverable_later(PHONE)
    await new_order_on_whatsapp(served)
    assert await deliver(served, *whatsapp.reports) == ["recorded", "failed"]  # sent, then failed with 131026
    row = await whatsapp_row(served)
    assert (row["status"], row["attempts"]) == ("FAILED", 1) and "131026" in row["lastError"]

    person = await sign_up(served.api)
    await served.api.ok("mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { errors { code } } }",
                        {"input": {"phone": "0899 0000 2222"}}, person.token)
    await served.api.ok(PREFERENCES, {"input": {"channels": [{"channel": "whatsapp", "enabled": True}]}}, person.token)
    await served.api.ok("mutation { requestPasswordReset(emailOrPhone: \"0899 0000 2222\") { errors { code } } }")
    await served.send()
    (code_message,) = whatsapp.to("6289900002222")
    assert await deliver(served, whatsapp.report(code_message.id, "failed", error_code=131000)) == ["failed"]
    officer = await city_person(served.api)
    rows = [e["node"] for e in (await served.api.gql(OUTBOX, token=officer.token))["notificationOutbox"]["edges"]]
    (reset,) = [r for r in rows if r["kind"] == "PASSWORD_RESET"]
    assert reset["status"] == "FAILED" and "ask for a new one" in reset["lastError"]


async def test_a_forged_report_is_refused_and_a_channel_without_reports_has_no_webhook(world: Any) -> None:
    served, whatsapp = world
    await new_order_on_whatsapp(served)
    (sent,) = whatsapp.to(PHONE)
    real = whatsapp.report(sent.id, "failed", error_code=131000)
    forged = await served.api.client.post("/webhooks/notifications/whatsapp", content=real.body, headers={
        **real.headers, "X-Hub-Signature-256": "sha256=" + "0" * 64})
    assert forged.status_code == 401
    row = await whatsapp_row(served)
    assert (row["status"], row["deliveryStatus"]) == ("SENT", None)
    email = await served.api.client.post("/webhooks/notifications/email", content=real.body, headers=real.headers)
    assert email.status_code == 404
