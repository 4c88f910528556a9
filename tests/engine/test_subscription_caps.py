"""Subscriptions do not amplify events (hardening II, item 13): one buyer opened 5 sockets x 100 `paymentUpdated`
subscriptions that heard nothing, and each of ten payment events then cost every one of them a few queries (1,960 ms of
CPU instead of 70 ms). Sockets per user and operations per socket are capped, and an event is routed to the
subscriptions of the people it concerns alone."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from typing import Any

import pytest

from tests.helpers.api import Api
from tests.helpers.catalog import add_product
from tests.helpers.people import Person, city_person, sign_up
from tests.helpers.shops import verified_shop
from tests.helpers.sockets import Socket, SocketClosed, code_of, live_sockets, open_socket
from tests.helpers.statements import counting_statements
from umkm_graph.settings import Settings

PAYMENT_UPDATED = "subscription { paymentUpdated { order { id } payment { method status amount } } }"
ORDER_UPDATED = "subscription($id: ID) { orderUpdated(orderId: $id) { id status } }"
CHECKOUT = "mutation($input: CheckoutInput!) { checkout(input: $input) { checkout { orders { id } } errors { code } } }"


async def _subscribe(socket: Socket, query: str, variables: dict[str, Any] | None = None) -> str:
    operation = await socket.send(query, variables)
    await asyncio.sleep(0)  # no answer comes until an event does
    return operation


async def _ready_cod_order(api: Api, buyer: Person, seller: Person, shop_id: str, product_id: str) -> str:
    cart = {"lines": [{"productId": product_id, "quantity": 1}],
            "shops": [{"shopId": shop_id, "deliveryProvider": "pickup"}], "paymentMethod": "COD"}
    order = (await api.ok(CHECKOUT, {"input": cart}, buyer.token))["checkout"]["orders"][0]["id"]
    for step in ("acceptOrder", "markReadyForPickup"):
        await api.ok(f"mutation($id: ID!) {{ {step}(id: $id) {{ errors {{ code message }} }} }}", {"id": order},
                     seller.token)
    return str(order)


async def _collect_cash(api: Api, seller: Person, order: str) -> None:
    await api.ok("mutation($id: ID!) { confirmCashCollected(id: $id) { errors { code message } } }", {"id": order},
                 seller.token)


async def test_a_user_holds_at_most_the_cap_of_sockets_and_gets_one_back_when_one_closes(settings: Settings) -> None:
    async with live_sockets(dataclasses.replace(settings, max_sockets_per_user=2)) as live:
        buyer, other = await sign_up(live.api), await sign_up(live.api)
        async with open_socket(live.session, live.url, buyer.token), open_socket(live.session, live.url, buyer.token):
            with pytest.raises(SocketClosed) as refused:
                async with open_socket(live.session, live.url, buyer.token):
                    pass
            assert refused.value.code == 4429 and "at most 2" in refused.value.reason
            async with open_socket(live.session, live.url, other.token):  # the cap is per user
                pass
        await asyncio.sleep(0.1)  # the server notices the closed sockets
        async with open_socket(live.session, live.url, buyer.token), open_socket(live.session, live.url, buyer.token):
            pass


async def test_a_socket_runs_at_most_the_cap_of_subscriptions_at_once(settings: Settings) -> None:
    async with live_sockets(dataclasses.replace(settings, max_subscriptions_per_socket=3)) as live:
        buyer = await sign_up(live.api)
        async with open_socket(live.session, live.url, buyer.token) as socket:
            first = [await _subscribe(socket, PAYMENT_UPDATED) for _ in range(3)]
            refused = await socket.final(await socket.send(PAYMENT_UPDATED))
            assert code_of(refused) == "TOO_MANY_SUBSCRIPTIONS" and refused["payload"][0]["extensions"]["maxOperations"] == 3
            await socket.ws.send_json({"id": first[0], "type": "complete"})
            await asyncio.sleep(0.1)
            admitted = await _subscribe(socket, PAYMENT_UPDATED)
            assert await socket.nothing_within(0.3), admitted  # admitted: it waits for events, no error


async def test_a_payment_event_reaches_its_buyer_and_seller_and_costs_no_idle_subscriber_a_query(
    settings: Settings,
) -> None:
    async with live_sockets(dataclasses.replace(settings, max_sockets_per_user=5, max_subscriptions_per_socket=20)) as live:
        api = live.api
        seller, officer = await sign_up(api, "SELLER"), await city_person(api)
        shop = await verified_shop(api, seller, officer)
        product = await add_product(api, seller, shop["id"], price=34400, stock=50)
        buyer, attacker = await sign_up(api), await sign_up(api)
        orders = [await _ready_cod_order(api, buyer, seller, shop["id"], product["id"]) for _ in range(2)]

        with counting_statements() as alone:
            await _collect_cash(api, seller, orders[0])
            await asyncio.sleep(0.3)
        async with contextlib.AsyncExitStack() as stack:
            idle = [await stack.enter_async_context(open_socket(live.session, live.url, attacker.token))
                    for _ in range(5)]
            for socket in idle:
                for _ in range(20):
                    await _subscribe(socket, PAYMENT_UPDATED)
            buyer_hears = await stack.enter_async_context(open_socket(live.session, live.url, buyer.token))
            seller_hears = await stack.enter_async_context(open_socket(live.session, live.url, seller.token))
            heard = [await _subscribe(buyer_hears, PAYMENT_UPDATED), await _subscribe(seller_hears, PAYMENT_UPDATED)]
            await asyncio.sleep(0.3)
            with counting_statements() as watched:
                await _collect_cash(api, seller, orders[1])
                for socket, operation in zip((buyer_hears, seller_hears), heard, strict=True):
                    update = (await socket.final(operation))["payload"]["data"]["paymentUpdated"]
                    assert update == {"order": {"id": orders[1]},
                                      "payment": {"method": "COD", "status": "PAID", "amount": 34400}}
                await asyncio.sleep(0.3)
            for socket in idle:
                assert await socket.nothing_within(0.05)
    # 100 idle subscriptions add no statement; the two that hear it read what they send, and the event's audience is
    # looked up once.
    assert len(watched) <= len(alone) + 2 * 4 + 1, (len(alone), len(watched))


async def test_order_events_reach_only_the_subscriptions_of_that_order_or_buyer(settings: Settings) -> None:
    async with live_sockets(settings) as live:
        api = live.api
        seller, officer = await sign_up(api, "SELLER"), await city_person(api)
        shop = await verified_shop(api, seller, officer)
        product = await add_product(api, seller, shop["id"], stock=50)
        alice, bob = await sign_up(api), await sign_up(api)
        first = await _ready_cod_order(api, alice, seller, shop["id"], product["id"])
        second = await _ready_cod_order(api, alice, seller, shop["id"], product["id"])
        async with open_socket(live.session, live.url, alice.token) as alices, \
                open_socket(live.session, live.url, bob.token) as bobs:
            one_order = await _subscribe(alices, ORDER_UPDATED, {"id": second})
            bobs_orders = await _subscribe(bobs, ORDER_UPDATED)
            await asyncio.sleep(0.2)
            for order in (first, second):
                await api.ok("mutation($id: ID!, $code: String) { markDelivered(id: $id, pickupCode: $code) "
                             "{ errors { code message } } }", {"id": order, "code": await _pickup_code(api, alice, order)},
                             seller.token)
            heard = await alices.final(one_order)
            assert heard["payload"]["data"]["orderUpdated"] == {"id": second, "status": "DELIVERED"}
            assert await bobs.nothing_within(0.3), bobs_orders


async def _pickup_code(api: Api, buyer: Person, order: str) -> str:
    found = await api.gql("query($id: ID!) { order(id: $id) { pickupCode } }", {"id": order}, buyer.token)
    return str(found["order"]["pickupCode"])


async def test_the_audience_of_an_orders_payment_news_is_its_buyer_and_its_seller(settings: Settings) -> None:
    """The one statement each payment event costs, on SQLite and PostgreSQL alike."""
    from tests.helpers.api import serve
    from umkm_graph.orders.audience import order_parties
    from umkm_graph.orders.models import Order

    async with serve(settings) as api:
        seller, officer = await sign_up(api, "SELLER"), await city_person(api)
        shop = await verified_shop(api, seller, officer)
        product = await add_product(api, seller, shop["id"], stock=5)
        buyer = await sign_up(api)
        await _ready_cod_order(api, buyer, seller, shop["id"], product["id"])
        order = await Order.get()
        with counting_statements() as statements:
            assert set(await order_parties(order.id)) == {int(buyer.id), int(seller.id)}
        assert len(statements) == 1
        assert await order_parties(order.id + 1000) == ()
