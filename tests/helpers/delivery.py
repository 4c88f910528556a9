"""A courier market for the delivery tests: a verified shop in Klojen with its point on the map and two staples, and a
buyer in Lowokwaru with a phone for the driver; and the courier's side through the fake Biteship, its webhooks handed
to the app over ASGI (`courier_world`)."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from umkm_biteship.fake import FakeBiteship

from tests.helpers.api import Api, asgi_client, started_app
from tests.helpers.checkout import CHECKOUT, cart
from tests.helpers.orders import attempt
from tests.helpers.catalog import add_product
from tests.helpers.people import REGISTER, Person, city_person, sign_up
from tests.helpers.shops import verified_shop
from umkm_graph.settings import Settings

KAUMAN = {"latitude": -7.9826, "longitude": 112.6308}  # Toko Bu Endang, Klojen
HOME = {"kecamatan": "Lowokwaru", "kelurahan": "Dinoyo", "street": "Jl. MT Haryono No. 5",
        "latitude": -7.9465, "longitude": 112.6150}


@dataclass
class Shop:
    officer: Person
    seller: Person
    shop: dict[str, Any]
    beras: dict[str, Any]
    minyak: dict[str, Any]
    buyer: Person


async def courier_market(api: Api, **shop: Any) -> Shop:
    """A verified shop in Klojen with its point on the map, and a buyer in Lowokwaru with a phone for the driver."""
    officer = await city_person(api)
    seller = await sign_up(api, "SELLER", "Bu Endang")
    place = await verified_shop(api, seller, officer, name="Toko Bu Endang", **{**KAUMAN, **shop})
    beras = await add_product(api, seller, place["id"], name="Beras Medium 5 kg", price=67500, stock=20)
    minyak = await add_product(api, seller, place["id"], category="minyak-goreng", name="MinyaKita 1 L", unit="LITRE",
                               packSize=1, price=15700, stock=30)
    result = await api.ok(REGISTER, {"input": {"email": f"siti{time.monotonic_ns()}@example.id", "password": "rahasia-123",
                                               "name": "Siti Aminah", "role": "BUYER", "phone": "081355512345"}})
    buyer = Person(id=result["user"]["id"], email="", token=result["token"])
    return Shop(officer, seller, place, beras, minyak, buyer)


def quote_input(m: Shop, lines: list[tuple[dict[str, Any], int]], address: dict[str, Any] | None = HOME) -> dict[str, Any]:
    value: dict[str, Any] = {"shopId": m.shop["id"], "lines": [{"productId": p["id"], "quantity": q} for p, q in lines]}
    if address is not None:
        value["address"] = address
    return {"input": value}


@dataclass
class CourierWorld:
    api: Api
    fake: FakeBiteship
    app: Any  # for the periodic jobs: app.state.providers and app.state.events


def use_fake_biteship(monkeypatch: pytest.MonkeyPatch, fake: FakeBiteship) -> None:
    """The biteship plugin's settings, pointing at the fake (every courier it has)."""
    monkeypatch.setenv("UMKM_BITESHIP_API_KEY", fake.api_key)
    monkeypatch.setenv("UMKM_BITESHIP_BASE_URL", fake.base_url)
    monkeypatch.setenv("UMKM_BITESHIP_WEBHOOK_SECRET", fake.webhook_secret)
    monkeypatch.delenv("UMKM_BITESHIP_COURIERS", raising=False)


@asynccontextmanager
async def courier_world(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[CourierWorld]:
    """The app over ASGI with the biteship plugin talking to a fake Biteship on 127.0.0.1 (webhooks: `tell`)."""
    async with FakeBiteship() as fake:
        use_fake_biteship(monkeypatch, fake)
        async with started_app(dataclasses.replace(settings, provider_timeout_seconds=1.5)) as app:
            async with asgi_client(app) as client:
                yield CourierWorld(Api(client), fake, app)


async def tell(api: Api, fake: FakeBiteship, body: bytes, secret: str | None = None) -> dict[str, Any]:
    """Hand a webhook of the fake courier to the app; its answer (200 expected)."""
    response = await api.client.post("/webhooks/delivery/biteship", content=body,
                                     headers={fake.webhook_header: secret or fake.webhook_secret})
    assert response.status_code == 200, response.text
    return response.json()


async def delivered_by_courier(
    api: Api, fake: FakeBiteship, m: Shop, beras: int = 2, deliver: bool = True
) -> tuple[dict[str, Any], str]:
    """A cash-on-delivery order carried by a courier that collects cash (AnterAja through Biteship), booked, and
    (unless deliver=False) delivered, as a webhook told; the order and the courier's id for it."""
    variables = cart([(m.beras, beras)], [(m.shop, "biteship")], payment="COD", address=HOME)
    variables["input"]["shops"][0]["deliveryService"] = "anteraja:same_day"
    order = (await api.ok(CHECKOUT, variables, m.buyer.token))["checkout"]["orders"][0]
    assert (await attempt(api, "acceptOrder", order, m.seller))["errors"] == []
    ready = "mutation($id: ID!) { markReadyForCourier(id: $id) { errors { code field message } } }"
    await api.ok(ready, {"id": order["id"]}, m.seller.token)
    (courier_id,) = [i for i, o in fake.orders.items() if o["reference_id"] == order["reference"]]
    if deliver:
        await fake.advance(courier_id, "delivered", notify=False)
        await tell(api, fake, json.dumps(fake.webhook_body(courier_id)).encode())
    return order, courier_id
