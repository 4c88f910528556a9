"""The WhatsApp notifier against the fake Cloud API over real HTTP: the template message it sends, what is refused for
good (no retry helps) and what fails for now (the host tries again). The host's side (who hears what, retries) is
tested in umkm-graph's tests/notifications/."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from umkm_whatsapp.fake import FAKE_ACCESS_TOKEN, FAKE_PHONE_NUMBER_ID, FakeWhatsApp
from umkm_whatsapp.notifier import WhatsAppNotifier
from umkm_whatsapp.plugin import register_notifiers
from umkm_whatsapp.settings import WhatsAppSettings

from umkm_graph.hookspecs import Message, ProviderRefused
from umkm_graph.settings import PluginSettings

ACCEPTED = Message(id=41, channel="whatsapp", address="6281234567890", kind="ORDER_ACCEPTED", language="id",
                   subject="Pesanan UMKM-1 diterima", body="Toko Bu Endang menerima pesanan UMKM-1.",
                   parameters=("UMKM-1", "Toko Bu Endang"))


@pytest.fixture
async def fake() -> AsyncIterator[FakeWhatsApp]:
    async with FakeWhatsApp() as gateway:
        yield gateway


def notifier_for(fake: FakeWhatsApp, token: str = FAKE_ACCESS_TOKEN, timeout: float = 5.0) -> WhatsAppNotifier:
    return WhatsAppNotifier(WhatsAppSettings(access_token=token, phone_number_id=FAKE_PHONE_NUMBER_ID,
                                             base_url=fake.base_url, timeout_seconds=timeout))


async def test_a_message_goes_as_the_kinds_template_with_its_values_in_order(fake: FakeWhatsApp) -> None:
    await notifier_for(fake).send(ACCEPTED)
    (sent,) = fake.to("6281234567890")
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
