"""The Biteship provider against the fake gateway over real HTTP: quotes, bookings (with COD), polling, cancelling, and
the webhook's signature check. The host's side (orders moving on) is tested in umkm-graph's
tests/delivery/test_delivery.py."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from umkm_biteship.fake import FAKE_API_KEY, FAKE_WEBHOOK_SECRET, FakeBiteship
from umkm_biteship.plugin import register_delivery_providers
from umkm_biteship.provider import BiteshipCourier
from umkm_biteship.settings import DEFAULT_WEBHOOK_HEADER, BiteshipSettings

from umkm_graph.hookspecs import (
    BuyerInfo,
    CashRemittance,
    Destination,
    Item,
    ProviderRefused,
    QuoteRequest,
    ShipmentCancelRequest,
    ShipmentRequest,
    ShipmentStatus,
    ShipmentStatusRequest,
    ShopInfo,
    WebhookPayloadError,
    WebhookSignatureError,
)
from umkm_graph.settings import PluginSettings

SHOP = ShopInfo(id=1, name="Toko Bu Endang", kecamatan="Klojen", kelurahan="Kauman", address="Jl. Kauman No. 12",
                phone="081234567890", latitude=-7.9826, longitude=112.6308, offers_pickup=True)
HOME = Destination(kecamatan="Lowokwaru", kelurahan="Dinoyo", address="Jl. MT Haryono No. 5", latitude=-7.9465,
                   longitude=112.6150)
BUYER = BuyerInfo(id=2, name="Siti Aminah", email="siti@example.id", phone="081355512345")
ITEMS = (Item(product_id=1, name="Beras Medium 5 kg", unit_price=67500, quantity=2, weight_grams=5000),
         Item(product_id=2, name="MinyaKita 1 L", unit_price=15700, quantity=1))


@pytest.fixture
async def fake() -> AsyncIterator[FakeBiteship]:
    async with FakeBiteship() as gateway:
        yield gateway


@pytest.fixture
def courier(fake: FakeBiteship) -> BiteshipCourier:
    return BiteshipCourier(BiteshipSettings(api_key=FAKE_API_KEY, base_url=fake.base_url, webhook_secret=FAKE_WEBHOOK_SECRET,
                                            timeout_seconds=5))


def booking(service: str = "gojek:instant", cod: int = 0) -> ShipmentRequest:
    return ShipmentRequest(reference="UMKM-TEST000001", service=service, shop=SHOP, buyer=BUYER, destination=HOME,
                           items=ITEMS, weight_grams=11000, fee=15000, cash_on_delivery_amount=cod, weight_estimated=True)


async def test_quotes_every_courier_in_one_call_with_price_eta_and_cod(courier: BiteshipCourier, fake: FakeBiteship) -> None:
    quotes = await courier.quote(QuoteRequest(shop=SHOP, destination=HOME, items=ITEMS, weight_grams=11000,
                                              order_value=150700, weight_estimated=True))
    by_service = {q.service: q for q in quotes}
    assert set(by_service) == {"gojek:instant", "gojek:same_day", "grab:instant", "grab:same_day", "anteraja:same_day"}
    assert by_service["gojek:instant"].eta_minutes == 120 and by_service["gojek:instant"].fee >= 12000
    assert by_service["anteraja:same_day"].cash_on_delivery and not by_service["grab:instant"].cash_on_delivery
    assert fake.calls == [("rates", "/v1/rates/couriers")]


async def test_no_coordinates_no_quote_and_no_call(courier: BiteshipCourier, fake: FakeBiteship) -> None:
    nowhere = Destination(kecamatan="Lowokwaru", kelurahan="Dinoyo", address="Jl. MT Haryono No. 5")
    assert await courier.quote(QuoteRequest(shop=SHOP, destination=nowhere, items=ITEMS, weight_grams=11000)) == []
    assert fake.calls == []


async def test_a_booking_passes_the_cash_to_collect_and_can_be_polled_and_cancelled(
    courier: BiteshipCourier, fake: FakeBiteship
) -> None:
    shipment = await courier.create_shipment(booking("anteraja:same_day", cod=150700))
    assert shipment.reference in fake.orders and shipment.tracking_url
    order = fake.orders[shipment.reference]
    assert order["destination"]["cash_on_delivery"]["amount"] == 150700 and order["reference_id"] == "UMKM-TEST000001"
    assert [item["weight"] for item in order["items"]] == [5000, 1000]

    await fake.advance(shipment.reference, "allocated", notify=False)
    event = await courier.get_shipment_status(ShipmentStatusRequest("UMKM-TEST000001", shipment.reference))
    assert event is not None and event.status == ShipmentStatus.ALLOCATED and event.note == "Driver Pak Slamet (N 4321 AB)"
    assert event.event_id == f"{shipment.reference}:allocated" and event.occurred_at is not None

    cancel = ShipmentCancelRequest("UMKM-TEST000001", shipment.reference, "buyer changed their mind")
    await courier.cancel_shipment(cancel)
    await courier.cancel_shipment(cancel)  # idempotent
    assert fake.orders[shipment.reference]["status"] == "cancelled"


async def test_couriers_that_do_not_take_cash_refuse_a_cod_booking(courier: BiteshipCourier) -> None:
    with pytest.raises(ProviderRefused, match="does not take cash on delivery"):
        await courier.create_shipment(booking("gojek:instant", cod=150700))


async def test_a_parcel_already_picked_up_cannot_be_cancelled(courier: BiteshipCourier, fake: FakeBiteship) -> None:
    shipment = await courier.create_shipment(booking())
    await fake.advance(shipment.reference or "", "picked", notify=False)
    with pytest.raises(ProviderRefused, match="can no longer be cancelled"):
        await courier.cancel_shipment(ShipmentCancelRequest("UMKM-TEST000001", shipment.reference, "too late"))


async def test_a_wrong_api_key_is_a_refusal_and_a_gateway_error_is_worth_a_retry(fake: FakeBiteship) -> None:
    wrong = BiteshipCourier(BiteshipSettings(api_key="not-the-key", base_url=fake.base_url))
    with pytest.raises(ProviderRefused, match="API key"):
        await wrong.quote(QuoteRequest(shop=SHOP, destination=HOME, items=ITEMS, weight_grams=11000))
    fake.fail("rates", 502)
    right = BiteshipCourier(BiteshipSettings(api_key=FAKE_API_KEY, base_url=fake.base_url))
    with pytest.raises(Exception) as failure:
        await right.quote(QuoteRequest(shop=SHOP, destination=HOME, items=ITEMS, weight_grams=11000))
    assert not isinstance(failure.value, ProviderRefused)  # so the host retries it


def test_webhooks_are_verified_by_the_secret_header_in_constant_time(courier: BiteshipCourier) -> None:
    body = json.dumps({"event": "order.status", "order_id": "abc123", "status": "delivered",
                       "updated_at": "2026-03-05T10:15:00+07:00", "courier_link": "https://track.example/abc123"}).encode()
    (event,) = courier.parse_webhook(body, {DEFAULT_WEBHOOK_HEADER: FAKE_WEBHOOK_SECRET})
    assert (event.event_id, event.status, event.provider_reference) == ("abc123:delivered", ShipmentStatus.DELIVERED, "abc123")
    assert event.occurred_at is not None and event.occurred_at.utcoffset() is not None
    with pytest.raises(WebhookSignatureError):
        courier.parse_webhook(body, {DEFAULT_WEBHOOK_HEADER: "guess"})
    with pytest.raises(WebhookSignatureError):
        courier.parse_webhook(body, {})
    with pytest.raises(WebhookPayloadError):
        courier.parse_webhook(b"{not json", {DEFAULT_WEBHOOK_HEADER: FAKE_WEBHOOK_SECRET})
    other = json.dumps({"event": "order.price", "order_id": "abc123", "price": 20000}).encode()
    assert courier.parse_webhook(other, {DEFAULT_WEBHOOK_HEADER: FAKE_WEBHOOK_SECRET}) == []
    unknown = json.dumps({"event": "order.status", "order_id": "abc123", "status": "teleported"}).encode()
    assert courier.parse_webhook(unknown, {DEFAULT_WEBHOOK_HEADER: FAKE_WEBHOOK_SECRET}) == []


async def test_the_cash_a_courier_collected_is_reported_remitted_when_asked_and_by_webhook(
    courier: BiteshipCourier, fake: FakeBiteship
) -> None:
    shipment = await courier.create_shipment(booking("anteraja:same_day", cod=150700))
    ask = ShipmentStatusRequest("UMKM-TEST000001", shipment.reference)
    await fake.advance(shipment.reference or "", "delivered", notify=False)
    assert await courier.get_cash_remittance(ask) is None  # collected, not paid on yet

    await fake.remit(shipment.reference or "", remitted=150000, notify=False)  # Rp700 short
    polled = await courier.get_cash_remittance(ask)
    assert isinstance(polled, CashRemittance)
    assert (polled.event_id, polled.collected, polled.remitted) == (f"{shipment.reference}:cod_remitted", 150700, 150000)
    assert polled.reference == "UMKM-TEST000001" and polled.remitted_at is not None and polled.remittance_reference
    (told,) = courier.parse_webhook(fake.remittance_body(shipment.reference or ""),
                                    {DEFAULT_WEBHOOK_HEADER: FAKE_WEBHOOK_SECRET})
    assert told == polled  # the same report either way, so the host settles it once

    broken = json.dumps({"event": "order.cod_remitted", "order_id": "abc123", "remitted_amount": "150000.50"}).encode()
    with pytest.raises(WebhookPayloadError, match="whole rupiah"):
        courier.parse_webhook(broken, {DEFAULT_WEBHOOK_HEADER: FAKE_WEBHOOK_SECRET})
    unpaid = await courier.create_shipment(booking())  # no cash to collect: nothing to remit
    assert await courier.get_cash_remittance(ShipmentStatusRequest("UMKM-TEST000002", unpaid.reference)) is None


def test_without_an_api_key_the_plugin_offers_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UMKM_BITESHIP_API_KEY", raising=False)
    assert register_delivery_providers(settings=PluginSettings()) == []
    monkeypatch.setenv("UMKM_BITESHIP_API_KEY", FAKE_API_KEY)
    monkeypatch.setenv("UMKM_BITESHIP_COURIERS", "gojek, grab")
    (provider,) = register_delivery_providers(settings=PluginSettings())
    assert isinstance(provider, BiteshipCourier) and provider.settings.couriers == ("gojek", "grab")
