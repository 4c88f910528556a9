"""Messages caused by cashless payments, with a fake Midtrans and a real SMTP server: the seller hears of an order once
it is paid (never while it waits for payment), the buyer of the payment received or expired and of a refund."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.helpers.checkout import market
from tests.helpers.mail import Mailbox, mailing, run_jobs, smtp_server
from tests.helpers.payments import Live, pay_by_qris, serve_live
from umkm_graph.notifications.texts import rupiah
from umkm_graph.settings import Settings

REFUND = """
mutation($id: ID!, $amount: Rupiah!) {
  refundPayment(orderId: $id, amount: $amount, reason: "Telur pecah dua butir") { order { id } errors { code field message } }
}"""


@pytest.fixture
async def paying(live_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[Live, Settings, Mailbox]]:
    with smtp_server() as (mailbox, port):
        configured = mailing(live_settings, port)
        async with serve_live(configured, monkeypatch) as live:
            yield live, configured, mailbox


async def test_the_seller_hears_of_a_cashless_order_only_once_it_is_paid_and_the_buyer_of_the_payment(
    paying: tuple[Live, Settings, Mailbox],
) -> None:
    live, settings, mailbox = paying
    m = await market(live.api)
    order = await pay_by_qris(live, m)
    await run_jobs(live.app, settings)
    assert mailbox.messages == []  # waiting for payment: nobody needs to act yet
    await live.fake.pay(order["reference"])
    await run_jobs(live.app, settings)
    assert mailbox.subjects(m.seller.email) == [f"Pesanan baru {order['reference']}"]
    (paid,) = mailbox.to(m.buyer.email)
    assert paid["Subject"] == f"Pembayaran {order['reference']} diterima"
    assert rupiah(order["total"]) in paid.get_content()


async def test_a_buyer_hears_that_an_unpaid_order_expired_and_the_seller_hears_nothing(
    paying: tuple[Live, Settings, Mailbox],
) -> None:
    live, settings, mailbox = paying
    m = await market(live.api)
    order = await pay_by_qris(live, m)
    report = await run_jobs(live.app, settings, dt.datetime.now(dt.UTC) + dt.timedelta(minutes=61))
    assert report.expired == 1
    assert mailbox.subjects(m.buyer.email) == [f"Pembayaran {order['reference']} kedaluwarsa"]
    assert mailbox.to(m.seller.email) == []


async def test_a_buyer_hears_of_each_refund_with_its_amount_and_reason(paying: tuple[Live, Settings, Mailbox]) -> None:
    live, settings, mailbox = paying
    m = await market(live.api)
    order = await pay_by_qris(live, m)
    await live.fake.pay(order["reference"])
    assert (await live.api.gql(REFUND, {"id": order["id"], "amount": 20000}, m.seller.token))["refundPayment"]["errors"] == []
    await run_jobs(live.app, settings)
    refunds = [mail for mail in mailbox.to(m.buyer.email) if "dikembalikan" in str(mail["Subject"])]
    assert [mail.get_content().split(" untuk")[0] for mail in refunds] == [rupiah(20000)]
    assert "Alasan: Telur pecah dua butir" in refunds[0].get_content()
