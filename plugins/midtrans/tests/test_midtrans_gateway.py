"""The Midtrans provider against the fake Midtrans, over real HTTP on 127.0.0.1: the Core API calls, the idempotency key,
notification signatures, and each failure the fake can put on."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import AsyncIterator

import pytest
from umkm_midtrans.fake import FakeMidtrans
from umkm_midtrans.provider import Midtrans, MidtransConfig, MidtransUnavailable, rupiah, signature

from umkm_graph.hookspecs import (
    BuyerInfo,
    Item,
    PaymentCancelRequest,
    PaymentEventStatus,
    PaymentRequest,
    PaymentStatusRequest,
    ProviderRefused,
    RefundRequest,
    ShopInfo,
    WebhookPayloadError,
    WebhookSignatureError,
)

KEY = "SB-Mid-server-test"
SHOP = ShopInfo(id=1, name="Toko Bu Endang", kecamatan="Klojen", kelurahan="Kauman", address="Jl. Kauman 12",
                phone="081234567890", latitude=None, longitude=None, offers_pickup=True)
BUYER = BuyerInfo(id=2, name="Siti Aminah", email="siti@example.id", phone=None)


def charge(reference: str = "UMKM-TEST000001", method: str = "MIDTRANS_QRIS") -> PaymentRequest:
    return PaymentRequest(
        reference=reference, method=method, amount=2 * 67500 + 8000, delivery_fee=8000,
        items=(Item(product_id=7, name="Beras Medium 5 kg", unit_price=67500, quantity=2),), buyer=BUYER, shop=SHOP,
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=15),
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeMidtrans]:
    async with FakeMidtrans(server_key=KEY) as gateway:
        yield gateway


@pytest.fixture
def midtrans(fake: FakeMidtrans) -> Midtrans:
    return Midtrans(MidtransConfig(server_key=KEY, base_url=fake.url, timeout=2.0))


async def test_a_qris_charge_returns_the_qr_string_and_the_transaction_id(fake: FakeMidtrans, midtrans: Midtrans) -> None:
    result = await midtrans.create_payment(charge())
    txn = fake.transactions["UMKM-TEST000001"]
    assert result.action is not None and result.action.kind == "QR_STRING"
    assert result.action.value == txn.qr_string and result.action.value.startswith("000201")
    assert result.provider_reference == txn.transaction_id and txn.gross_amount == 143000
    assert result.expires_at is not None and result.expires_at > dt.datetime.now(dt.UTC) + dt.timedelta(minutes=14)


async def test_a_virtual_account_charge_returns_the_number_and_the_bank(midtrans: Midtrans) -> None:
    bca = await midtrans.create_payment(charge("UMKM-VA1", "MIDTRANS_BCA_VA"))
    permata = await midtrans.create_payment(charge("UMKM-VA2", "MIDTRANS_PERMATA_VA"))
    assert bca.action is not None and (bca.action.kind, bca.action.bank, len(bca.action.value)) == ("VA_NUMBER", "BCA", 11)
    assert permata.action is not None and (permata.action.kind, permata.action.bank) == ("VA_NUMBER", "PERMATA")
    assert [m.refundable for m in midtrans.methods] == [True, False, False, False, False]


async def test_a_charge_retried_with_its_idempotency_key_creates_one_transaction(
    fake: FakeMidtrans, midtrans: Midtrans
) -> None:
    fake.fail("charge", "timeout", seconds=5)
    with pytest.raises(TimeoutError):
        await midtrans.create_payment(charge())
    again = await midtrans.create_payment(charge())
    assert fake.count("charge") == 2 and len(fake.transactions) == 1
    assert again.provider_reference == fake.transactions["UMKM-TEST000001"].transaction_id


@pytest.mark.parametrize("mode", ["500", "malformed", "reset"])
async def test_a_failing_gateway_raises_a_retryable_error_and_creates_nothing(
    fake: FakeMidtrans, midtrans: Midtrans, mode: str
) -> None:
    fake.fail("charge", mode)
    with pytest.raises(MidtransUnavailable):
        await midtrans.create_payment(charge())
    assert fake.transactions == {}
    assert (await midtrans.create_payment(charge())).action is not None


async def test_a_wrong_server_key_is_refused(fake: FakeMidtrans) -> None:
    stranger = Midtrans(MidtransConfig(server_key="SB-Mid-server-wrong", base_url=fake.url, timeout=5.0))
    with pytest.raises(MidtransUnavailable, match="server key"):
        await stranger.create_payment(charge())


async def test_status_follows_the_transaction_and_is_none_for_an_unknown_one(fake: FakeMidtrans, midtrans: Midtrans) -> None:
    request = PaymentStatusRequest(reference="UMKM-TEST000001", provider_reference=None)
    assert await midtrans.get_status(request) is None
    await midtrans.create_payment(charge())
    pending = await midtrans.get_status(request)
    assert pending is not None and pending.status == PaymentEventStatus.PENDING and pending.amount == 143000
    await fake.pay("UMKM-TEST000001", notify=False)
    paid = await midtrans.get_status(request)
    assert paid is not None and paid.status == PaymentEventStatus.PAID and paid.raw_status == "settlement"
    assert paid.event_id != pending.event_id and paid.occurred_at is not None


async def test_cancel_voids_a_pending_transaction_and_is_quiet_about_an_unknown_one(
    fake: FakeMidtrans, midtrans: Midtrans
) -> None:
    request = PaymentCancelRequest(reference="UMKM-TEST000001", provider_reference=None, amount=143000, reason="x")
    await midtrans.cancel_payment(request)  # never charged: nothing to cancel
    await midtrans.create_payment(charge())
    await midtrans.cancel_payment(request)
    await midtrans.cancel_payment(request)  # a retry
    assert fake.transactions["UMKM-TEST000001"].status == "cancel"


async def test_a_settled_transaction_cannot_be_cancelled(fake: FakeMidtrans, midtrans: Midtrans) -> None:
    await midtrans.create_payment(charge())
    await fake.pay("UMKM-TEST000001", notify=False)
    with pytest.raises(ProviderRefused, match="412"):
        await midtrans.cancel_payment(PaymentCancelRequest("UMKM-TEST000001", None, 143000, "too late"))


async def test_a_refund_repeated_with_its_key_gives_the_money_back_once(fake: FakeMidtrans, midtrans: Midtrans) -> None:
    await midtrans.create_payment(charge())
    await fake.pay("UMKM-TEST000001", notify=False)
    part = RefundRequest("UMKM-TEST000001", None, 20000, "telur pecah", idempotency_key="UMKM-TEST000001-R1-20000")
    await midtrans.refund_payment(part)
    await midtrans.refund_payment(part)
    assert fake.transactions["UMKM-TEST000001"].refunded == 20000
    with pytest.raises(ProviderRefused, match="exceeds"):
        await midtrans.refund_payment(RefundRequest("UMKM-TEST000001", None, 130000, "x", idempotency_key="other"))


def test_a_notification_is_verified_over_its_raw_values(midtrans: Midtrans) -> None:
    body = {"order_id": "UMKM-TEST000001", "status_code": "200", "gross_amount": "143000.00",
            "transaction_status": "settlement", "transaction_id": "t-1", "settlement_time": "2026-03-05 14:30:00"}
    body["signature_key"] = hashlib.sha512(b"UMKM-TEST000001200143000.00" + KEY.encode()).hexdigest()
    (event,) = midtrans.parse_webhook(json.dumps(body).encode(), {})
    assert (event.status, event.amount, event.event_id) == (PaymentEventStatus.PAID, 143000, "t-1:settlement")
    assert event.occurred_at == dt.datetime(2026, 3, 5, 7, 30, tzinfo=dt.UTC)
    # Sent as a JSON number, the amount keeps its raw text, so the signature over it still matches.
    as_number = json.dumps(body).replace('"143000.00"', "143000.00").encode()
    assert midtrans.parse_webhook(as_number, {})[0].amount == 143000


def test_a_forged_or_unreadable_notification_is_rejected(midtrans: Midtrans) -> None:
    body = {"order_id": "UMKM-X", "status_code": "200", "gross_amount": "1000.00", "transaction_status": "settlement"}
    forged = dict(body, signature_key=signature("UMKM-X", "200", "1000.00", "not-the-key"))
    with pytest.raises(WebhookSignatureError):
        midtrans.parse_webhook(json.dumps(forged).encode(), {})
    tampered = dict(body, signature_key=signature("UMKM-X", "200", "1000.00", KEY), gross_amount="1.00")
    with pytest.raises(WebhookSignatureError):
        midtrans.parse_webhook(json.dumps(tampered).encode(), {})
    for raw in (b"not json", b"[]", json.dumps(body).encode()):
        with pytest.raises(WebhookPayloadError):
            midtrans.parse_webhook(raw, {})


def test_amounts_are_whole_rupiah() -> None:
    assert (rupiah("650000.00"), rupiah("650000"), rupiah("1.50"), rupiah("x")) == (650000, 650000, None, None)
