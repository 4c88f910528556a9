"""The WhatsApp notifier against the fake Cloud API over real HTTP: the template message it sends, what is refused for
good (no retry helps) and what fails for now (the host tries again); and the status webhooks it reads, only when
signed with the app secret. The host's side (who hears what, retries, recording the reports) is tested in
umkm-graph's tests/notifications/."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest
from umkm_whatsapp.fake import FAKE_ACCESS_TOKEN, FAKE_APP_SECRET, FAKE_PHONE_NUMBER_ID, FakeWhatsApp
from umkm_whatsapp.reports import SIGNATURE_HEADER, signature
from umkm_whatsapp.notifier import WhatsAppNotifier
from umkm_whatsapp.plugin import register_notifiers
from umkm_whatsapp.settings import WhatsAppSettings

from umkm_graph.hookspecs import DeliveryState, Message, ProviderRefused, WebhookPayloadError, WebhookSignatureError
from umkm_graph.settings import PluginSettings

ACCEPTED = Message(id=41, channel="whatsapp", address="6281234567890", kind="ORDER_ACCEPTED", language="id",
                   subject="Pesanan UMKM-1 diterima", body="Toko Bu Endang menerima pesanan UMKM-1.",
                   parameters=("UMKM-1", "Toko Bu Endang"))


@pytest.fixture
async def fake() -> AsyncIterator[FakeWhatsApp]:
    async with FakeWhatsApp() as gateway:
        yield gateway


def notifier_for(fake: FakeWhatsApp, token: str = FAKE_ACCESS_TOKEN, timeout: float = 5.0,
                 app_secret: str = FAKE_APP_SECRET) -> WhatsAppNotifier:
    return WhatsAppNotifier(WhatsAppSettings(access_token=token, phone_number_id=FAKE_PHONE_NUMBER_ID,
                                             base_url=fake.base_url, timeout_seconds=timeout, app_secret=app_secret))


async def test_a_message_goes_as_the_kinds_template_with_its_values_in_order(fake: FakeWhatsApp) -> None:
    wamid = await notifier_for(fake).send(ACCEPTED)
    (sent,) = fake.to("6281234567890")
    assert wamid == sent.id and wamid.startswith("wamid.")  # what its status webhooks name
    assert (sent.template, sent.language, sent.parameters) == ("umkm_order_accepted", "id", ("UMKM-1", "Toko Bu Endang"))
    assert sent.callback_data == "umkm-outbox-41"


async def test_a_number_not_on_whatsapp_and_a_missing_template_are_refused_for_good(fake: FakeWhatsApp) -> None:
    fake.unreachable("6281234567890")
    with pytest.raises(ProviderRefused, match="131026"):
        await notifier_for(fake).send(ACCEPTED)
    async with FakeWhatsApp(templates=frozenset({"umkm_new_order"})) as strict:
        with pytest.raises(ProviderRefused, match="132001"):
            await notifier_for(strict).send(ACCEPTED)
    assert fake.messages == []


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_throttling_and_server_errors_fail_for_now_so_the_host_tries_again(fake: FakeWhatsApp, status: int) -> None:
    fake.fail(status)
    with pytest.raises(RuntimeError, match=f"HTTP {status}"):
        await notifier_for(fake).send(ACCEPTED)
    await notifier_for(fake).send(ACCEPTED)  # the next try gets through
    assert len(fake.messages) == 1


async def test_a_wrong_access_token_fails_for_now_not_for_good(fake: FakeWhatsApp) -> None:
    with pytest.raises(RuntimeError, match="error 190"):
        await notifier_for(fake, token="expired-token").send(ACCEPTED)


async def test_a_slow_gateway_is_given_up_after_the_timeout(fake: FakeWhatsApp) -> None:
    fake.delay(2.0)
    with pytest.raises(TimeoutError):
        await notifier_for(fake, timeout=0.3).send(ACCEPTED)


def test_the_plugin_offers_the_channel_only_when_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UMKM_WHATSAPP_ACCESS_TOKEN", raising=False)
    assert register_notifiers(settings=PluginSettings()) == []
    monkeypatch.setenv("UMKM_WHATSAPP_ACCESS_TOKEN", FAKE_ACCESS_TOKEN)
    monkeypatch.setenv("UMKM_WHATSAPP_PHONE_NUMBER_ID", FAKE_PHONE_NUMBER_ID)
    (notifier,) = register_notifiers(settings=PluginSettings())
    assert notifier.channel == "whatsapp" and isinstance(notifier, WhatsAppNotifier)


async def test_signed_status_webhooks_become_delivery_reports_and_a_lasting_failure_is_final(fake: FakeWhatsApp) -> None:
    notifier = notifier_for(fake)
    fake.undeliverable_later("6289900001111")
    delivered = await notifier.send(ACCEPTED)
    failed = await notifier.send(dataclasses.replace(ACCEPTED, address="6289900001111"))
    throttled = fake.report(delivered, "failed", error_code=131000)
    reports = [r for made in fake.reports for r in notifier.parse_webhook(made.body, made.headers)]
    assert [(r.provider_message_id, r.state) for r in reports] == [
        (delivered, DeliveryState.SENT), (delivered, DeliveryState.DELIVERED), (failed, DeliveryState.SENT),
        (failed, DeliveryState.FAILED), (delivered, DeliveryState.FAILED)]
    assert len({r.event_id for r in reports}) == 5 and all(r.occurred_at is not None for r in reports)
    undeliverable, for_now = reports[3], reports[4]
    assert undeliverable.final and "131026" in (undeliverable.reason or "")
    assert not for_now.final and "131000" in (for_now.reason or "")
    assert throttled.headers[SIGNATURE_HEADER] == signature(throttled.body, FAKE_APP_SECRET)


async def test_a_status_webhook_not_signed_with_the_app_secret_is_refused(fake: FakeWhatsApp) -> None:
    made = fake.report(await notifier_for(fake).send(ACCEPTED), "read")
    forged = {**made.headers, SIGNATURE_HEADER: signature(made.body, "someone-elses-secret")}
    for notifier, headers in ((notifier_for(fake), forged), (notifier_for(fake), {}),
                              (notifier_for(fake, app_secret=""), made.headers)):  # no secret set: nothing is trusted
        with pytest.raises(WebhookSignatureError):
            notifier.parse_webhook(made.body, headers)
    tampered = made.body.replace(b'"read"', b'"failed"')
    with pytest.raises(WebhookSignatureError):
        notifier_for(fake).parse_webhook(tampered, made.headers)


def test_incoming_messages_and_other_numbers_statuses_are_skipped_and_garbage_is_refused() -> None:
    notifier = WhatsAppNotifier(WhatsAppSettings(access_token=FAKE_ACCESS_TOKEN, phone_number_id=FAKE_PHONE_NUMBER_ID,
                                                 app_secret=FAKE_APP_SECRET))
    other = FakeWhatsApp(phone_number_id="555")  # never started: it only writes webhooks
    bodies = [
        b'{"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": {"metadata": '
        b'{"phone_number_id": "109876543210"}, "messages": [{"from": "6281234567890", "type": "text"}]}}]}]}',
        other.report("wamid.abc", "delivered").body,
    ]
    for body in bodies:
        assert notifier.parse_webhook(body, {SIGNATURE_HEADER: signature(body, FAKE_APP_SECRET)}) == []
    with pytest.raises(WebhookPayloadError):
        notifier.parse_webhook(b"not json", {SIGNATURE_HEADER: signature(b"not json", FAKE_APP_SECRET)})
