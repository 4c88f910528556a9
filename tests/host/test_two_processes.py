"""Several server processes on one PostgreSQL and one Redis: a subscriber on one process hears changes made through another."""

from __future__ import annotations

import asyncio

import aiohttp

from tests.helpers.live import free_port, post_graphql, server_process, subscribe
from tests.helpers.processes import deployed_env

LOGIN = 'mutation($e: String!) { login(email: $e, password: "kamis-mbois") { token errors { message } } }'
DEMO_SHOP = '{ shop(slug: "toko-sembako-bu-sri") { id products(first: 1) { edges { node { id } } } } }'
CHECKOUT = """
mutation($input: CheckoutInput!) { checkout(input: $input) { checkout { orders { id } } errors { code field message } } }
"""


async def test_a_subscriber_on_one_process_hears_a_checkout_made_through_another() -> None:
    env = await deployed_env()
    port_a, port_b = free_port(), free_port()
    with server_process(env, port_a), server_process(env, port_b):
        a, b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
        async with aiohttp.ClientSession() as session:
            buyer = (await post_graphql(session, b, LOGIN, {"e": "warga@example.id"}))["login"]["token"]
            seller = (await post_graphql(session, a, LOGIN, {"e": "penjual@example.id"}))["login"]["token"]
            shop = (await post_graphql(session, b, DEMO_SHOP))["shop"]
            product_id = shop["products"]["edges"][0]["node"]["id"]
            cart = {"lines": [{"productId": product_id, "quantity": 1}],
                    "shops": [{"shopId": shop["id"], "deliveryProvider": "pickup"}], "paymentMethod": "COD"}
            async with subscribe(session, a, "subscription { orderUpdated { id status } }", token=buyer) as buyer_on_a, \
                    subscribe(session, a, "subscription($s: ID!) { shopOrders(shopId: $s) { id status } }",
                              {"s": shop["id"]}, token=seller) as seller_on_a:
                placed = await post_graphql(session, b, CHECKOUT, {"input": cart}, token=buyer)
                assert placed["checkout"]["errors"] == []
                order_id = placed["checkout"]["checkout"]["orders"][0]["id"]
                heard = await asyncio.gather(buyer_on_a.next(), seller_on_a.next())
                assert [h["data"] for h in heard] == [
                    {"orderUpdated": {"id": order_id, "status": "PLACED"}},
                    {"shopOrders": {"id": order_id, "status": "PLACED"}},
                ]
                accept = "mutation($id: ID!) { acceptOrder(id: $id) { errors { message } } }"
                await post_graphql(session, b, accept, {"id": order_id}, token=seller)
                assert (await buyer_on_a.next())["data"] == {"orderUpdated": {"id": order_id, "status": "ACCEPTED"}}
