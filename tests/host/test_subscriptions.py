"""Subscriptions over graphql-transport-ws: each person hears about their own orders and payments, and nobody else's."""

from __future__ import annotations

import aiohttp
import httpx2
import pytest

from tests.helpers.api import Api
from tests.helpers.catalog import add_product
from tests.helpers.live import live_app, subscribe
from tests.helpers.people import Person, city_person, sign_up
from tests.helpers.shops import verified_shop
from umkm_graph.settings import Settings

ORDER_UPDATED = "subscription { orderUpdated { id status } }"
SHOP_ORDERS = "subscription($shop: ID!) { shopOrders(shopId: $shop) { id status buyer { name } } }"
PAYMENT_UPDATED = "subscription { paymentUpdated { order { id } payment { method status amount } } }"
CHECKOUT = """
mutation($input: CheckoutInput!) { checkout(input: $input) { checkout { orders { id pickupCode } } errors { code field message } } }
"""
ACCEPT = "mutation($id: ID!) { acceptOrder(id: $id) { errors { code message } } }"


async def _buy(api: Api, buyer: Person, shop_id: str, product_id: str) -> dict[str, str]:
    cart = {"lines": [{"productId": product_id, "quantity": 1}],
            "shops": [{"shopId": shop_id, "deliveryProvider": "pickup"}], "paymentMethod": "COD"}
    return (await api.ok(CHECKOUT, {"input": cart}, buyer.token))["checkout"]["orders"][0]


@pytest.fixture
async def live(settings: Settings):  # type: ignore[no-untyped-def]
    if settings.database_url.startswith("postgres"):
        pytest.skip("in-process server tests use SQLite; test_two_processes covers PostgreSQL and Redis")
    async with live_app(settings) as url, httpx2.AsyncClient(base_url=url) as client, aiohttp.ClientSession() as session:
        yield url, Api(client), session


async def test_buyer_hears_about_their_order_and_another_buyer_does_not(live) -> None:  # type: ignore[no-untyped-def]
    url, api, session = live
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    shop = await verified_shop(api, seller, officer)
    product = await add_product(api, seller, shop["id"])
    alice, bob = await sign_up(api), await sign_up(api)
    async with subscribe(session, url, ORDER_UPDATED, token=alice.token) as alice_hears, \
            subscribe(session, url, ORDER_UPDATED, token=bob.token) as bob_hears:
        order = await _buy(api, alice, shop["id"], product["id"])
        assert (await alice_hears.next())["data"]["orderUpdated"] == {"id": order["id"], "status": "PLACED"}
        await api.ok(ACCEPT, {"id": order["id"]}, seller.token)
        assert (await alice_hears.next())["data"]["orderUpdated"] == {"id": order["id"], "status": "ACCEPTED"}
        bobs = await _buy(api, bob, shop["id"], product["id"])
        assert (await bob_hears.next())["data"]["orderUpdated"]["id"] == bobs["id"]  # his first event is his own


async def test_seller_hears_new_orders_for_their_shop_only(live) -> None:  # type: ignore[no-untyped-def]
    url, api, session = live
    seller, other_seller, officer = await sign_up(api, "SELLER"), await sign_up(api, "SELLER"), await city_person(api)
    shop, other_shop = await verified_shop(api, seller, officer), await verified_shop(api, other_seller, officer)
    product, other_product = await add_product(api, seller, shop["id"]), await add_product(api, other_seller, other_shop["id"])
    buyer = await sign_up(api, name="Rina")
    async with subscribe(session, url, SHOP_ORDERS, {"shop": shop["id"]}, token=seller.token) as queue:
        await _buy(api, buyer, other_shop["id"], other_product["id"])
        order = await _buy(api, buyer, shop["id"], product["id"])
        heard = (await queue.next())["data"]["shopOrders"]
        assert heard == {"id": order["id"], "status": "PLACED", "buyer": {"name": "Rina"}}


async def test_a_seller_cannot_watch_another_sellers_shop(live) -> None:  # type: ignore[no-untyped-def]
    url, api, session = live
    seller, intruder, officer = await sign_up(api, "SELLER"), await sign_up(api, "SELLER"), await city_person(api)
    shop = await verified_shop(api, seller, officer)
    async with subscribe(session, url, SHOP_ORDERS, {"shop": shop["id"]}, token=intruder.token) as queue:
        message = await queue.next()
    assert message["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": ["shopId"]}


async def test_buyer_and_seller_hear_cash_collected(live) -> None:  # type: ignore[no-untyped-def]
    url, api, session = live
    seller, officer, buyer = await sign_up(api, "SELLER"), await city_person(api), await sign_up(api)
    shop = await verified_shop(api, seller, officer)
    product = await add_product(api, seller, shop["id"], price=67500)
    order = await _buy(api, buyer, shop["id"], product["id"])
    for step in ("acceptOrder", "markReadyForPickup"):
        await api.ok(f"mutation($id: ID!) {{ {step}(id: $id) {{ errors {{ code message }} }} }}", {"id": order["id"]}, seller.token)
    async with subscribe(session, url, PAYMENT_UPDATED, token=buyer.token) as buyer_hears:
        await api.ok("mutation($id: ID!) { confirmCashCollected(id: $id) { errors { code message } } }", {"id": order["id"]}, seller.token)
        update = (await buyer_hears.next())["data"]["paymentUpdated"]
    assert update == {"order": {"id": order["id"]}, "payment": {"method": "COD", "status": "PAID", "amount": 67500}}


async def test_a_socket_with_a_forged_token_is_refused(live) -> None:  # type: ignore[no-untyped-def]
    url, _, session = live
    with pytest.raises(ConnectionRefusedError, match="4403"):
        async with subscribe(session, url, ORDER_UPDATED, token="forged.token.value"):
            pass


async def test_an_anonymous_subscription_is_refused_readably(live) -> None:  # type: ignore[no-untyped-def]
    url, _, session = live
    async with subscribe(session, url, ORDER_UPDATED) as anonymous:
        message = await anonymous.next()
    assert message["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
