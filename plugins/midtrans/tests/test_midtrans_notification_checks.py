"""What a Midtrans signature does not cover, checked in the plugin: transaction_status must agree with the signed
status_code (200 paid, 201 waiting, 202/407 failed or expired), and gross_amount must be whole rupiah in ASCII digits.
The fake gateway writes each attack: a tampered status and each bad amount, all validly signed."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from umkm_midtrans.fake import FakeMidtrans
from umkm_midtrans.provider import Midtrans, MidtransConfig, rupiah

from umkm_graph.hookspecs import (
    BuyerInfo,
    Item,
    PaymentEventStatus,
    PaymentRequest,
    PaymentStatusRequest,
    ShopInfo,
    WebhookPayloadError,
)

KEY = "SB-Mid-server-checks"
REFERENCE = "UMKM-CHECK000001"
SHOP = ShopInfo(id=1, name="Toko Bu Endang", kecamatan="Klojen", kelurahan="Kauman", address="Jl. Kauman 12",
                phone="081234567890", latitude=None, longitude=None, offers_pickup=True)
BUYER = BuyerInfo(id=2, name="Siti Aminah", email="siti@example.id", phone=None)


@pytest.fixture
async def charged() -> AsyncIterator[tuple[FakeMidtrans, Midtrans]]:
    async with FakeMidtrans(server_key=KEY) as fake:
        midtrans = Midtrans(MidtransConfig(server_key=KEY, base_url=fake.url, timeout=2.0))
        await midtrans.create_payment(PaymentRequest(
            reference=REFERENCE, method="MIDTRANS_QRIS", amount=34400, delivery_fee=0,
            items=(Item(product_id=7, name="Keripik tempe", unit_price=17200, quantity=2),), buyer=BUYER, shop=SHOP,
            expires_at=None))
        yield fake, midtrans


@pytest.mark.parametrize("claim", ["settlement", "capture", "deny", "expire", "refund"])
async def test_a_pending_notification_with_another_status_is_refused(
    charged: tuple[FakeMidtrans, Midtrans], claim: str
) -> None:
    fake, midtrans = charged
    with pytest.raises(WebhookPayloadError, match="status_code '201'"):
        midtrans.parse_webhook(fake.notification(REFERENCE, claim=claim), {})


@pytest.mark.parametrize("status", ["settlement", "expire", "cancel", "deny", "pending"])
async def test_each_status_with_its_own_code_is_read(charged: tuple[FakeMidtrans, Midtrans], status: str) -> None:
    fake, midtrans = charged
    (event,) = midtrans.parse_webhook(fake.notification(REFERENCE, status=status), {})
    assert (event.raw_status, event.amount) == (status, 34400)


async def test_a_settlement_signed_with_a_waiting_or_failed_code_is_refused(charged: tuple[FakeMidtrans, Midtrans]) -> None:
    fake, midtrans = charged
    for wrong in ("pending", "deny"):  # signed as 201 and 202
        with pytest.raises(WebhookPayloadError, match="does not agree"):
            midtrans.parse_webhook(fake.notification(REFERENCE, status=wrong, claim="settlement"), {})


@pytest.mark.parametrize("amount", ["1.50", "NaN", "", "74000.000001", "Infinity", "1e5", "-34400", "+34400",
                                    " 34400", "34400 ", "34_400", "٣٤٤٠٠", "３４４００", "34400.", ".00"])
async def test_a_signed_amount_that_is_not_whole_rupiah_is_refused(
    charged: tuple[FakeMidtrans, Midtrans], amount: str
) -> None:
    fake, midtrans = charged
    body = fake.notification(REFERENCE, status="settlement", gross_amount=amount)
    with pytest.raises(WebhookPayloadError, match="gross_amount"):
        midtrans.parse_webhook(body, {})


def test_whole_rupiah_as_midtrans_writes_it() -> None:
    assert [rupiah(text) for text in ("74000.00", "74000", "74000.0", "0.00")] == [74000, 74000, 74000, 0]
    assert [rupiah(text) for text in ("74000.01", "74000.000001", "NaN", "", None, 74000)] == [None] * 6


async def test_the_status_answer_is_what_the_gateway_holds(charged: tuple[FakeMidtrans, Midtrans]) -> None:
    fake, midtrans = charged
    request = PaymentStatusRequest(REFERENCE, None)
    pending = await midtrans.get_status(request)
    await fake.pay(REFERENCE, notify=False)
    paid = await midtrans.get_status(request)
    assert pending is not None and paid is not None
    assert [(e.status, e.amount) for e in (pending, paid)] == [(PaymentEventStatus.PENDING, 34400),
                                                               (PaymentEventStatus.PAID, 34400)]
