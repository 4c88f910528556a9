"""Delivery through a courier plugin, end to end over real HTTP: the app is served by uvicorn on 127.0.0.1 and the
biteship plugin talks to its fake gateway, which pushes tracking webhooks back to the app.

Quotes from every provider at once (a slow or failing courier is left out and named), checkout with a chosen quote, the
courier booked when the seller marks the order ready (with the cash to collect for COD), tracking by webhook or by
polling, and courier statuses moving the order: delivered means DELIVERED, returned cancels it and restores stock.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest
import uvicorn
from umkm_biteship.fake import FakeBiteship

from tests.helpers.api import Api, started_app
from tests.helpers.checkout import CHECKOUT, PRODUCT, cart
from tests.helpers.delivery import HOME, Shop, courier_market, quote_input, use_fake_biteship
from tests.helpers.orders import attempt
from tests.helpers.people import Person
from umkm_graph.delivery import service as delivery
from umkm_graph.settings import Settings

TIMEOUT = 1.5  # the provider timeout in these tests: the fake answers in milliseconds unless told to be slow
ERRORS = "errors { code field message }"
QUOTES = """
query($input: DeliveryQuotesInput!) {
  deliveryQuotes(input: $input) {
    options { provider service kind displayName fee etaMinutes cashOnDelivery }
    leftOut { provider displayName reason message }
    weightGrams weightEstimated
  }
}
"""
SHIPMENT = """
  id status deliveryFee total
  payment { method status }
  shipment { provider service status trackingUrl note weightGrams cashOnDeliveryAmount bookedAt
             events { status courierStatus source outcome } }
  history { fromStatus toStatus by reason }
"""
ORDER = f"query($id: ID!) {{ order(id: $id) {{ {SHIPMENT} }} }}"
READY = f"mutation($id: ID!) {{ markReadyForCourier(id: $id) {{ order {{ {SHIPMENT} }} {ERRORS} }} }}"
REFRESH = f"mutation($id: ID!) {{ refreshShipment(id: $id) {{ order {{ {SHIPMENT} }} {ERRORS} }} }}"


@dataclass
class World:
    api: Api
    fake: FakeBiteship
    url: str  # where the app listens
    app: Any


@pytest.fixture
async def world(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[World]:
    async with FakeBiteship() as fake:
        use_fake_biteship(monkeypatch, fake)
        async with started_app(dataclasses.replace(settings, provider_timeout_seconds=TIMEOUT)) as app:
            async with _served(app) as url:
                fake.webhook_url = f"{url}/webhooks/delivery/biteship"
                async with httpx2.AsyncClient(base_url=url, timeout=30) as client:
                    yield World(Api(client), fake, url, app)


async def _start(app: Any) -> tuple[uvicorn.Server, asyncio.Task[None], str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    # The lifespan already ran in this task; the server's tasks inherit its database context.
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", ws="none", log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    return server, task, f"http://127.0.0.1:{sock.getsockname()[1]}"


class _served:  # noqa: N801 - used as a context manager
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __aenter__(self) -> str:
        self.server, self.task, url = await _start(self.app)
        return url

    async def __aexit__(self, *_: object) -> None:
        self.server.should_exit = True
        await self.task


async def courier_order(w: World, m: Shop, service: str = "anteraja:same_day", payment: str = "COD",
                        beras: int = 2) -> dict[str, Any]:
    """An ACCEPTED order for `beras` sacks carried by Biteship's `service` (by default one that collects cash, as the
    payment is cash on delivery)."""
    variables = cart([(m.beras, beras)], [(m.shop, "biteship")], payment=payment, address=HOME)
    variables["input"]["shops"][0]["deliveryService"] = service
    order = (await w.api.ok(CHECKOUT, variables, m.buyer.token))["checkout"]["orders"][0]
    assert (await attempt(w.api, "acceptOrder", order, m.seller))["errors"] == []
    return order


async def read(w: World, order: dict[str, Any], person: Person) -> dict[str, Any]:
    return (await w.api.gql(ORDER, {"id": order["id"]}, person.token))["order"]


async def book(w: World, m: Shop, order: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Mark the order ready: the courier is booked; the booked order and the courier's id for it."""
    booked = (await w.api.ok(READY, {"id": order["id"]}, m.seller.token))["order"]
    (courier_id,) = [i for i, o in w.fake.orders.items() if o["reference_id"] == order["reference"]]
    return booked, courier_id


async def stock(w: World, m: Shop) -> int:
    return (await w.api.gql(PRODUCT, {"id": m.beras["id"]}, m.seller.token))["product"]["stock"]


async def test_quotes_ask_every_provider_at_once_with_price_eta_and_cod(world: World) -> None:
    m = await courier_market(world.api)
    answer = (await world.api.gql(QUOTES, quote_input(m, [(m.beras, 2), (m.minyak, 1)]), m.buyer.token))["deliveryQuotes"]

    options = {(o["provider"], o["service"]): o for o in answer["options"]}
    assert set(options) == {
        ("pickup", "standard"), ("shop_courier", "standard"), ("biteship", "gojek:instant"), ("biteship", "gojek:same_day"),
        ("biteship", "grab:instant"), ("biteship", "grab:same_day"), ("biteship", "anteraja:same_day"),
    }
    gosend = options[("biteship", "gojek:instant")]
    assert gosend["kind"] == "DELIVERY" and gosend["fee"] >= 12000 and gosend["etaMinutes"] == 120
    assert gosend["cashOnDelivery"] is False and options[("biteship", "anteraja:same_day")]["cashOnDelivery"] is True
    assert options[("shop_courier", "standard")]["fee"] == 10000  # the shop's flat fee to Lowokwaru
    # Two 5 kg sacks, and a litre of oil whose weight the seller did not give: counted as 1 kg, and said so.
    assert (answer["weightGrams"], answer["weightEstimated"]) == (11000, True)
    assert answer["leftOut"] == [] and world.fake.count("rates") == 1


async def test_a_slow_courier_is_left_out_of_the_quotes_and_named(world: World) -> None:
    m = await courier_market(world.api)
    world.fake.delay("rates", TIMEOUT * 4)
    started = time.monotonic()
    answer = (await world.api.gql(QUOTES, quote_input(m, [(m.beras, 1)]), m.buyer.token))["deliveryQuotes"]
    elapsed = time.monotonic() - started

    assert {o["provider"] for o in answer["options"]} == {"pickup", "shop_courier"}
    (left,) = answer["leftOut"]
    assert (left["provider"], left["displayName"], left["reason"]) == ("biteship", "Biteship", "UNAVAILABLE")
    assert f"did not answer within {TIMEOUT:g} seconds" in left["message"]
    assert elapsed < TIMEOUT * 3  # one timeout, not one per retry nor one per provider in turn


async def test_a_failing_courier_is_retried_then_left_out_and_named(world: World) -> None:
    m = await courier_market(world.api)
    world.fake.fail("rates", 503, times=1)  # one hiccup: the retry gets the quotes
    answer = (await world.api.gql(QUOTES, quote_input(m, [(m.beras, 1)]), m.buyer.token))["deliveryQuotes"]
    assert answer["leftOut"] == [] and world.fake.count("rates") == 2
    assert any(o["provider"] == "biteship" for o in answer["options"])

    world.fake.fail("rates", 500, times=10)
    answer = (await world.api.gql(QUOTES, quote_input(m, [(m.beras, 1)]), m.buyer.token))["deliveryQuotes"]
    assert [(x["provider"], x["reason"]) for x in answer["leftOut"]] == [("biteship", "UNAVAILABLE")]
    assert "Biteship failed" in answer["leftOut"][0]["message"] and world.fake.count("rates") == 2 + 3


async def test_couriers_need_both_points_on_the_map_and_say_which_is_missing(world: World) -> None:
    m = await courier_market(world.api)
    no_point = {k: v for k, v in HOME.items() if k not in ("latitude", "longitude")}
    answer = (await world.api.gql(QUOTES, quote_input(m, [(m.beras, 1)], no_point), m.buyer.token))["deliveryQuotes"]
    (left,) = answer["leftOut"]
    assert left["reason"] == "NEEDS_LOCATION" and "your location" in left["message"]
    assert world.fake.calls == []  # not asked

    variables = cart([(m.beras, 1)], [(m.shop, "biteship")], address=no_point)
    errors = await world.api.fails(CHECKOUT, variables, m.buyer.token)
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_AVAILABLE", ["input", "address", "latitude"])]

    officer = m.officer
    unmapped = await courier_market(world.api, latitude=None, longitude=None)
    answer = (await world.api.gql(QUOTES, quote_input(unmapped, [(unmapped.beras, 1)]), officer.token))["deliveryQuotes"]
    assert "the location of Toko Bu Endang on the map" in answer["leftOut"][0]["message"]


async def test_quotes_check_the_parcel_and_want_a_signed_in_user(world: World) -> None:
    m = await courier_market(world.api)
    body = await world.api.post(QUOTES, quote_input(m, [(m.beras, 1)]))
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    other = await courier_market(world.api)
    body = await world.api.post(QUOTES, quote_input(m, [(other.beras, 1), (m.beras, 0)]), m.buyer.token)
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_courier_order_is_booked_when_ready_tracked_by_webhook_and_delivered(world: World) -> None:
    m = await courier_market(world.api)
    order = await courier_order(world, m)  # COD, through a courier that collects cash
    assert world.fake.count("orders") == 0  # nothing is booked at checkout: no driver before the goods are packed
    placed = await read(world, order, m.buyer)
    assert placed["shipment"]["status"] is None and placed["shipment"]["service"] == "anteraja:same_day"

    booked, courier_id = await book(world, m, order)
    assert booked["status"] == "READY_FOR_PICKUP" and booked["shipment"]["status"] == "CONFIRMED"
    assert booked["shipment"]["trackingUrl"].endswith(courier_id) and booked["shipment"]["bookedAt"]
    # COD through the courier: it collects the whole order's total from the buyer.
    assert booked["shipment"]["cashOnDeliveryAmount"] == order["total"]
    assert world.fake.orders[courier_id]["destination"]["cash_on_delivery"]["amount"] == order["total"]

    for status in ("allocated", "picking_up", "picked", "dropping_off"):
        assert await world.fake.advance(courier_id, status) == 200
    on_the_way = await read(world, order, m.buyer)
    assert on_the_way["status"] == "OUT_FOR_DELIVERY" and on_the_way["shipment"]["note"] == "Driver Pak Slamet (N 4321 AB)"
    assert await world.fake.advance(courier_id, "delivered") == 200

    final = await read(world, order, m.seller)
    assert final["status"] == "DELIVERED" and final["shipment"]["status"] == "DELIVERED"
    assert [(h["fromStatus"], h["toStatus"], h["by"]) for h in final["history"]] == [
        (None, "PLACED", "BUYER"), ("PLACED", "ACCEPTED", "SELLER"), ("ACCEPTED", "READY_FOR_PICKUP", "SELLER"),
        ("READY_FOR_PICKUP", "OUT_FOR_DELIVERY", None), ("OUT_FOR_DELIVERY", "DELIVERED", None),
    ]
    assert final["history"][-1]["reason"] == "Courier: delivered"
    assert [(e["status"], e["source"]) for e in final["shipment"]["events"]] == [
        ("ALLOCATED", "WEBHOOK"), ("PICKING_UP", "WEBHOOK"), ("PICKED", "WEBHOOK"), ("DROPPING_OFF", "WEBHOOK"),
        ("DELIVERED", "WEBHOOK"),
    ]
    # What the courier gateway was asked, in all: the checkout's quote, and the booking.
    assert [route for route, _ in world.fake.calls] == ["rates", "orders"]
    # The seller confirms the cash the courier collected, and the buyer completes the order.
    assert (await attempt(world.api, "confirmCashCollected", order, m.seller))["errors"] == []
    assert (await attempt(world.api, "completeOrder", order, m.buyer))["errors"] == []


async def test_a_returned_parcel_cancels_the_order_and_restores_the_stock(world: World) -> None:
    m = await courier_market(world.api)
    order = await courier_order(world, m, beras=3)
    assert await stock(world, m) == 17
    _, courier_id = await book(world, m, order)
    for status in ("allocated", "picked", "return_in_transit"):
        await world.fake.advance(courier_id, status)
    assert (await read(world, order, m.buyer))["status"] == "OUT_FOR_DELIVERY"
    assert await world.fake.advance(courier_id, "returned") == 200

    final = await read(world, order, m.buyer)
    assert final["status"] == "CANCELLED" and final["payment"]["status"] == "CANCELLED"
    assert final["history"][-1] == {"fromStatus": "OUT_FOR_DELIVERY", "toStatus": "CANCELLED", "by": None,
                                    "reason": "Courier: returned"}
    assert await stock(world, m) == 20
    assert world.fake.count("cancel") == 0  # a returned parcel is not cancelled at the courier


async def test_a_forged_tracking_webhook_gets_401_and_changes_nothing(world: World) -> None:
    m = await courier_market(world.api)
    order = await courier_order(world, m)
    _, courier_id = await book(world, m, order)
    world.fake.orders[courier_id]["status"] = "delivered"
    assert await world.fake.push(courier_id, secret="tebakan") == 401
    no_header = await world.api.client.post("/webhooks/delivery/biteship", content=b'{"event": "order.status"}')
    assert no_header.status_code == 401
    after = await read(world, order, m.seller)
    assert after["status"] == "READY_FOR_PICKUP" and after["shipment"]["events"] == []
    nobody = await world.api.client.post("/webhooks/delivery/no_such_courier", content=b"{}")
    assert nobody.status_code == 404


async def test_repeated_and_late_reports_change_nothing_twice(world: World) -> None:
    m = await courier_market(world.api)
    order = await courier_order(world, m)
    _, courier_id = await book(world, m, order)
    await world.fake.advance(courier_id, "delivered")  # the driver's app skipped "picked"
    assert await world.fake.push(courier_id) == 200  # the same report again
    await world.fake.advance(courier_id, "picked")  # and a late one

    final = await read(world, order, m.buyer)
    assert final["status"] == "DELIVERED"
    assert [h["toStatus"] for h in final["history"]] == ["PLACED", "ACCEPTED", "READY_FOR_PICKUP", "DELIVERED"]
    assert [(e["status"], e["outcome"]) for e in final["shipment"]["events"]] == [
        ("DELIVERED", "DELIVERED"), ("PICKED", "no change: a DELIVERED order cannot be picked up by the courier"),
    ]


async def test_polling_recovers_a_missed_webhook(world: World) -> None:
    m = await courier_market(world.api)
    order = await courier_order(world, m)
    _, courier_id = await book(world, m, order)
    await world.fake.advance(courier_id, "delivered", notify=False)  # the webhook never came
    refreshed = (await world.api.ok(REFRESH, {"id": order["id"]}, m.buyer.token))["order"]
    assert refreshed["status"] == "DELIVERED"
    assert [(e["status"], e["source"]) for e in refreshed["shipment"]["events"]] == [("DELIVERED", "POLL")]
    assert await world.fake.push(courier_id) == 200  # the webhook arrives after all: already recorded
    assert len((await read(world, order, m.buyer))["shipment"]["events"]) == 1


async def test_the_periodic_poll_asks_only_about_quiet_shipments(world: World) -> None:
    m = await courier_market(world.api)
    quiet, chatty = await courier_order(world, m), await courier_order(world, m)
    _, quiet_id = await book(world, m, quiet)
    _, chatty_id = await book(world, m, chatty)
    await world.fake.advance(quiet_id, "delivered", notify=False)  # its webhook is lost
    state = world.app.state
    assert await delivery.poll_shipments(state.providers, state.events) == 0  # both heard from just now
    await world.fake.advance(chatty_id, "allocated")
    assert await delivery.poll_shipments(state.providers, state.events, stale_after=dt.timedelta(0)) == 2
    assert (await read(world, quiet, m.buyer))["status"] == "DELIVERED"
    assert (await read(world, chatty, m.buyer))["status"] == "READY_FOR_PICKUP"
    assert world.fake.count("order") == 2


async def test_a_cancelled_booking_sends_the_order_back_to_the_seller_to_book_again(world: World) -> None:
    m = await courier_market(world.api)
    order = await courier_order(world, m)
    _, first = await book(world, m, order)
    world.fake.orders[first]["status"] = "cancelled"  # e.g. no driver found
    assert await world.fake.push(first) == 200
    back = await read(world, order, m.seller)
    assert back["status"] == "ACCEPTED" and back["shipment"]["status"] == "CANCELLED"

    booked = (await world.api.ok(READY, {"id": order["id"]}, m.seller.token))["order"]
    assert booked["status"] == "READY_FOR_PICKUP"
    second = [i for i, o in world.fake.orders.items() if o["reference_id"] == f"{order['reference']}-2"]
    assert len(second) == 1 and second[0] != first


async def test_a_courier_that_fails_to_book_leaves_the_order_accepted(world: World) -> None:
    m = await courier_market(world.api)
    order = await courier_order(world, m)
    world.fake.fail("orders", 500)
    errors = (await world.api.gql(READY, {"id": order["id"]}, m.seller.token))["markReadyForCourier"]["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [("PROVIDER_ERROR", ["id"])]
    assert world.fake.count("orders") == 1  # a booking is not retried by itself: a second driver might come
    assert (await read(world, order, m.seller))["status"] == "ACCEPTED"
    booked, _ = await book(world, m, order)
    assert booked["status"] == "READY_FOR_PICKUP"


async def test_the_courier_not_the_seller_says_a_courier_order_is_on_its_way_or_delivered(world: World) -> None:
    m = await courier_market(world.api)
    order = await courier_order(world, m)
    errors = (await attempt(world.api, "markOutForDelivery", order, m.seller))["errors"]
    assert [e["code"] for e in errors] == ["INVALID_TRANSITION"] and "markReadyForCourier" in errors[0]["message"]
    await book(world, m, order)
    order["pickupCode"] = None
    errors = (await attempt(world.api, "markDelivered", order, m.seller))["errors"]
    assert [e["code"] for e in errors] == ["INVALID_TRANSITION"]
    errors = (await world.api.gql(READY, {"id": order["id"]}, m.buyer.token))["markReadyForCourier"]["errors"]
    assert [e["code"] for e in errors] == ["FORBIDDEN"]


async def test_cancelling_before_the_courier_is_booked_asks_nothing_of_the_courier(world: World) -> None:
    m = await courier_market(world.api)
    order = await courier_order(world, m)
    assert (await attempt(world.api, "cancelOrder", order, m.buyer))["order"]["status"] == "CANCELLED"
    assert world.fake.count("cancel") == 0 and await stock(world, m) == 20


async def test_cash_on_delivery_needs_a_courier_service_that_collects_cash(world: World) -> None:
    m = await courier_market(world.api)
    variables = cart([(m.beras, 1)], [(m.shop, "biteship")], address=HOME)
    variables["input"]["shops"][0]["deliveryService"] = "gojek:instant"
    errors = await world.api.fails(CHECKOUT, variables, m.buyer.token)
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_AVAILABLE", ["input", "paymentMethod"])]
    assert "cannot collect cash on delivery" in errors[0]["message"] and await stock(world, m) == 20
