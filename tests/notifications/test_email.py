"""Email notifications end to end: order and payment changes put messages in the outbox, the jobs send them to a real
SMTP server on 127.0.0.1, in the person's language, and each person's preferences decide where they go."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.applications import Starlette

from tests.helpers.api import Api, asgi_client, started_app
from tests.helpers.checkout import Market, cart, check_out, market
from tests.helpers.mail import PREFERENCES, Mailbox, mailing, run_jobs, smtp_server
from tests.helpers.orders import attempt
from umkm_graph.notifications.texts import rupiah
from umkm_graph.settings import Settings


@dataclass
class Mailing:
    api: Api
    app: Starlette
    settings: Settings
    mailbox: Mailbox

    async def send(self) -> Any:
        return await run_jobs(self.app, self.settings)


@pytest.fixture
async def mailing_app(settings: Settings) -> AsyncIterator[Mailing]:
    with smtp_server() as (mailbox, port):
        configured = mailing(settings, port)
        async with started_app(configured) as app:
            client = asgi_client(app)
            try:
                yield Mailing(Api(client), app, configured, mailbox)
            finally:
                await client.aclose()


async def pickup_order(api: Api, m: Market) -> dict[str, Any]:
    variables = cart([(m.beras, 2)], [(m.shop, "pickup")])
    return (await check_out(api, m.buyer, variables))["orders"][0]


async def test_a_seller_hears_of_a_new_cash_order_by_email_in_bahasa_indonesia(mailing_app: Mailing) -> None:
    m = await market(mailing_app.api)
    order = await pickup_order(mailing_app.api, m)
    assert mailing_app.mailbox.to(m.seller.email) == []  # nothing leaves before the jobs send it
    report = await mailing_app.send()
    assert report.messages.sent >= 1
    (mail,) = mailing_app.mailbox.to(m.seller.email)
    assert mail["Subject"] == f"Pesanan baru {order['reference']}"
    assert mail["From"] == "UMKM Kota Malang <noreply@umkm.test>"
    body = mail.get_content()
    assert rupiah(order["total"]) in body and "Toko Bu Endang" in body and "untuk menerimanya" in body
    assert mailing_app.mailbox.to(m.buyer.email) == []  # the buyer placed it: nothing to tell them yet


async def test_a_buyer_who_chose_english_hears_each_step_in_english_with_the_pickup_code(mailing_app: Mailing) -> None:
    api = mailing_app.api
    m = await market(api)
    chosen = await api.ok(PREFERENCES, {"input": {"language": "en"}}, m.buyer.token)
    assert chosen["preferences"]["language"] == "en"
    order = await pickup_order(api, m)
    for name in ("acceptOrder", "markReadyForPickup", "markDelivered"):
        assert (await attempt(api, name, order, m.seller))["errors"] == []
    await mailing_app.send()
    reference = order["reference"]
    assert mailing_app.mailbox.subjects(m.buyer.email) == [
        f"Order {reference} accepted", f"Order {reference} is ready for pickup", f"Order {reference} has arrived",
    ]
    ready = mailing_app.mailbox.to(m.buyer.email)[1].get_content()
    assert order["pickupCode"] in ready and "Show the pickup code" in ready
    assert mailing_app.mailbox.subjects(m.seller.email) == [f"Pesanan baru {reference}"]  # the seller's stays Indonesian


async def test_a_seller_who_cancels_tells_the_buyer_why_and_a_buyer_who_cancels_tells_the_seller(
    mailing_app: Mailing,
) -> None:
    api = mailing_app.api
    m = await market(api)
    by_seller, by_buyer = await pickup_order(api, m), await pickup_order(api, m)
    await attempt(api, "cancelOrder", by_seller, m.seller, reason="Beras habis, maaf")
    await attempt(api, "cancelOrder", by_buyer, m.buyer, reason="Salah pesan")
    await mailing_app.send()
    to_buyer = mailing_app.mailbox.to(m.buyer.email)
    assert [str(mail["Subject"]) for mail in to_buyer] == [f"Pesanan {by_seller['reference']} dibatalkan"]
    assert "Alasan: Beras habis, maaf" in to_buyer[0].get_content()
    cancelled = [s for s in mailing_app.mailbox.subjects(m.seller.email) if "dibatalkan" in s]
    assert cancelled == [f"Pesanan {by_buyer['reference']} dibatalkan"]


async def test_email_goes_to_the_address_chosen_and_nowhere_once_switched_off(mailing_app: Mailing) -> None:
    api = mailing_app.api
    m = await market(api)
    other = "Kasir.Toko@Example.id"
    chosen = await api.ok(PREFERENCES, {"input": {"channels": [{"channel": "email", "enabled": True, "address": other}]}},
                          m.seller.token)
    assert chosen["preferences"]["channels"] == [
        {"channel": "email", "displayName": "Email", "enabled": True, "address": "kasir.toko@example.id"}]
    first = await pickup_order(api, m)
    await api.ok(PREFERENCES, {"input": {"channels": [{"channel": "email", "enabled": False}]}}, m.seller.token)
    await pickup_order(api, m)
    await mailing_app.send()
    assert mailing_app.mailbox.subjects("kasir.toko@example.id") == [f"Pesanan baru {first['reference']}"]
    assert mailing_app.mailbox.to(m.seller.email) == []


async def test_each_message_is_sent_once_however_often_the_jobs_run(mailing_app: Mailing) -> None:
    api = mailing_app.api
    m = await market(api)
    order = await pickup_order(api, m)
    await attempt(api, "acceptOrder", order, m.seller)
    first, second = await mailing_app.send(), await mailing_app.send()
    assert (first.messages.sent, second.messages.sent) == (2, 0)
    assert len(mailing_app.mailbox.messages) == 2
