"""The order lifecycle: every allowed and forbidden transition, who may make it, cash on delivery, cancelling, and who
may see an order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from starlette.applications import Starlette

from tests.helpers.api import Api, asgi_client, started_app
from tests.helpers.checkout import ADDRESS, Market, cart, check_out, market, stock
from tests.helpers.orders import attempt, read
from tests.helpers.people import city_person, sign_up
from umkm_graph.events import OrderStatusChanged, PaymentStatusChanged
from umkm_graph.people.models import Role
from umkm_graph.settings import Settings

SELLER_ACTIONS = ("acceptOrder", "markReadyForPickup", "markOutForDelivery", "markDelivered", "confirmCashCollected")
BUYER_ACTIONS = ("completeOrder",)
ACTIONS = (*SELLER_ACTIONS, *BUYER_ACTIONS, "cancelOrder")


async def step(api: Api, m: Market, name: str, order: dict[str, Any]) -> None:
    """Make one allowed transition as the side that makes it."""
    person = m.buyer if name in (*BUYER_ACTIONS, "cancelOrder") else m.seller
    result = await attempt(api, name, order, person)
    assert result["errors"] == [], (name, result["errors"])


async def place(api: Api, m: Market, kind: str) -> dict[str, Any]:
    """A PLACED order for two sacks of beras: for pickup, or delivered by the shop to Lowokwaru."""
    provider = "pickup" if kind == "pickup" else "shop_courier"
    variables = cart([(m.beras, 2)], [(m.shop, provider)], address=ADDRESS if kind == "delivery" else None)
    return (await check_out(api, m.buyer, variables))["orders"][0]


async def test_pickup_order_goes_from_placed_to_completed_once_the_cash_is_confirmed(api: Api) -> None:
    m = await market(api)
    order = await place(api, m, "pickup")
    for name in ("acceptOrder", "markReadyForPickup", "markDelivered", "confirmCashCollected", "completeOrder"):
        await step(api, m, name, order)
    final = await read(api, order, m.buyer)
    assert final is not None and final["status"] == "COMPLETED"
    assert final["payment"]["status"] == "PAID" and final["payment"]["paidAt"]
    assert [(h["fromStatus"], h["toStatus"], h["by"]) for h in final["history"]] == [
        (None, "PLACED", "BUYER"),
        ("PLACED", "ACCEPTED", "SELLER"),
        ("ACCEPTED", "READY_FOR_PICKUP", "SELLER"),
        ("READY_FOR_PICKUP", "DELIVERED", "SELLER"),
        ("DELIVERED", "COMPLETED", "BUYER"),
    ]


async def test_delivery_order_goes_out_for_delivery_and_completes_after_cash_collected_on_the_doorstep(api: Api) -> None:
    m = await market(api)
    order = await place(api, m, "delivery")
    for name in ("acceptOrder", "markOutForDelivery", "confirmCashCollected", "markDelivered", "completeOrder"):
        await step(api, m, name, order)
    final = await read(api, order, m.seller)
    assert final is not None and final["status"] == "COMPLETED" and final["payment"]["status"] == "PAID"
    assert [h["toStatus"] for h in final["history"]] == ["PLACED", "ACCEPTED", "OUT_FOR_DELIVERY", "DELIVERED", "COMPLETED"]


PICKUP_PATH = ("acceptOrder", "markReadyForPickup", "markDelivered")
# (order kind, the steps that lead to the state, the state, what may happen next); anything else must be refused.
STATES = [
    ("pickup", (), "PLACED", {"acceptOrder", "cancelOrder"}),
    ("pickup", ("acceptOrder",), "ACCEPTED", {"markReadyForPickup", "cancelOrder"}),
    ("delivery", ("acceptOrder",), "ACCEPTED", {"markOutForDelivery", "cancelOrder"}),
    ("pickup", PICKUP_PATH[:2], "READY_FOR_PICKUP", {"markDelivered", "confirmCashCollected"}),
    ("delivery", ("acceptOrder", "markOutForDelivery"), "OUT_FOR_DELIVERY", {"markDelivered", "confirmCashCollected"}),
    ("pickup", PICKUP_PATH, "DELIVERED", {"confirmCashCollected"}),
    ("pickup", (*PICKUP_PATH, "confirmCashCollected"), "DELIVERED", {"completeOrder"}),
    ("pickup", (*PICKUP_PATH, "confirmCashCollected", "completeOrder"), "COMPLETED", set()),
    ("pickup", ("cancelOrder",), "CANCELLED", set()),
    ("pickup", ("acceptOrder", "cancelOrder"), "CANCELLED", set()),
]


@pytest.mark.parametrize(("kind", "path", "state", "allowed"), STATES)
async def test_every_transition_not_in_the_table_is_refused_and_changes_nothing(
    api: Api, kind: str, path: tuple[str, ...], state: str, allowed: set[str]
) -> None:
    m = await market(api)
    order = await place(api, m, kind)
    for name in path:
        await step(api, m, name, order)
    before = await read(api, order, m.seller)
    assert before is not None and before["status"] == state
    for name in sorted(set(ACTIONS) - allowed):
        person = m.buyer if name in (*BUYER_ACTIONS, "cancelOrder") else m.seller
        errors = (await attempt(api, name, order, person))["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [("INVALID_TRANSITION", ["id"])], (state, name, errors)
    assert await read(api, order, m.seller) == before
    for name in sorted(allowed):  # and each allowed one works from here
        fresh = await place(api, m, kind)
        for earlier in path:
            await step(api, m, earlier, fresh)
        await step(api, m, name, fresh)


async def test_each_side_makes_only_its_own_transitions(api: Api) -> None:
    m = await market(api)
    order = await place(api, m, "pickup")
    for name in SELLER_ACTIONS:
        errors = (await attempt(api, name, order, m.buyer))["errors"]
        assert errors[0]["code"] == "FORBIDDEN", name
    for name in PICKUP_PATH:
        await step(api, m, name, order)
    await step(api, m, "confirmCashCollected", order)
    assert (await attempt(api, "completeOrder", order, m.seller))["errors"][0]["code"] == "FORBIDDEN"


async def test_strangers_cannot_touch_an_order_and_learn_nothing_about_it(api: Api) -> None:
    m = await market(api)
    order = await place(api, m, "pickup")
    strangers = [m.other_seller, await sign_up(api, name="Orang Lain"), m.officer, await city_person(api, Role.ANALYST)]
    for person in strangers:
        for name in ACTIONS:
            errors = (await attempt(api, name, order, person))["errors"]
            assert [(e["code"], e["message"]) for e in errors] == [("NOT_FOUND", "No order of yours has this id")]
    for name in ACTIONS:
        assert (await attempt(api, name, order, None))["errors"][0]["code"] == "UNAUTHENTICATED"
    assert (await read(api, order, m.seller))["status"] == "PLACED"  # type: ignore[index]


@pytest.mark.parametrize("canceller", ["buyer", "seller"])
async def test_cancelling_gives_the_stock_back_and_cancels_the_payment(api: Api, canceller: str) -> None:
    m = await market(api)
    order = await place(api, m, "delivery")
    if canceller == "seller":
        await step(api, m, "acceptOrder", order)
    assert await stock(api, m.beras, m.seller) == 18
    person = m.buyer if canceller == "buyer" else m.seller
    result = await attempt(api, "cancelOrder", order, person, reason="  Stok   beras rusak ")
    assert result["errors"] == [] and result["order"]["status"] == "CANCELLED"
    assert result["order"]["payment"]["status"] == "CANCELLED"
    assert await stock(api, m.beras, m.seller) == 20
    final = await read(api, order, m.buyer)
    assert final is not None and final["cancelReason"] == "Stok beras rusak"
    assert final["history"][-1] == {"fromStatus": final["history"][-2]["toStatus"], "toStatus": "CANCELLED",
                                    "by": canceller.upper(), "reason": "Stok beras rusak"}


async def test_cancelling_needs_a_reason(api: Api) -> None:
    m = await market(api)
    order = await place(api, m, "pickup")
    errors = (await attempt(api, "cancelOrder", order, m.buyer, reason="   "))["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [("REQUIRED", ["reason"])]
    errors = (await attempt(api, "cancelOrder", order, m.buyer, reason="x" * 501))["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID", ["reason"])]
    assert await stock(api, m.beras, m.seller) == 18


async def test_handing_over_a_pickup_order_takes_the_buyers_pickup_code(api: Api) -> None:
    m = await market(api)
    order = await place(api, m, "pickup")
    for name in PICKUP_PATH[:2]:
        await step(api, m, name, order)
    missing = (await attempt(api, "markDelivered", order, m.seller, pickupCode=None))["errors"]
    assert [(e["code"], e["field"]) for e in missing] == [("REQUIRED", ["pickupCode"])]
    wrong = "222222" if order["pickupCode"] != "222222" else "333333"
    errors = (await attempt(api, "markDelivered", order, m.seller, pickupCode=wrong))["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID", ["pickupCode"])]
    typed = f" {order['pickupCode'].lower()} "
    assert (await attempt(api, "markDelivered", order, m.seller, pickupCode=typed))["order"]["status"] == "DELIVERED"


async def test_confirming_the_cash_makes_the_payment_paid_once(api: Api) -> None:
    m = await market(api)
    order = await place(api, m, "delivery")
    for name in ("acceptOrder", "markOutForDelivery"):
        await step(api, m, name, order)
    paid = await attempt(api, "confirmCashCollected", order, m.seller)
    assert paid["order"]["payment"]["status"] == "PAID" and paid["order"]["payment"]["paidAt"]
    again = (await attempt(api, "confirmCashCollected", order, m.seller))["errors"]
    assert again[0]["code"] == "INVALID_TRANSITION" and "already PAID" in again[0]["message"]
    assert (await read(api, order, m.buyer))["status"] == "OUT_FOR_DELIVERY"  # type: ignore[index]


async def test_completing_waits_for_the_cash(api: Api) -> None:
    m = await market(api)
    order = await place(api, m, "pickup")
    for name in PICKUP_PATH:
        await step(api, m, name, order)
    errors = (await attempt(api, "completeOrder", order, m.buyer))["errors"]
    assert errors[0]["code"] == "INVALID_TRANSITION" and "cash" in errors[0]["message"]


async def test_of_two_racing_transitions_only_one_wins(api: Api) -> None:
    m = await market(api)
    order = await place(api, m, "pickup")
    await step(api, m, "acceptOrder", order)

    cancel, ready = await asyncio.gather(
        attempt(api, "cancelOrder", order, m.buyer), attempt(api, "markReadyForPickup", order, m.seller)
    )

    assert sorted([bool(cancel["errors"]), bool(ready["errors"])]) == [False, True]
    winner = "CANCELLED" if not cancel["errors"] else "READY_FOR_PICKUP"
    final = await read(api, order, m.buyer)
    assert final is not None and final["status"] == winner
    assert [h["toStatus"] for h in final["history"]] == ["PLACED", "ACCEPTED", winner]
    assert await stock(api, m.beras, m.seller) == (20 if winner == "CANCELLED" else 18)


async def test_two_racing_accepts_record_one_transition(api: Api) -> None:
    m = await market(api)
    order = await place(api, m, "pickup")
    results = await asyncio.gather(*(attempt(api, "acceptOrder", order, m.seller) for _ in range(3)))
    assert sum(not r["errors"] for r in results) == 1
    assert all(e["code"] == "INVALID_TRANSITION" for r in results for e in r["errors"])
    final = await read(api, order, m.seller)
    assert final is not None and [h["toStatus"] for h in final["history"]] == ["PLACED", "ACCEPTED"]


async def test_an_order_is_seen_by_its_buyer_its_seller_and_city_officers_only(api: Api) -> None:
    m = await market(api)
    order = await place(api, m, "pickup")
    analyst, stranger = await city_person(api, Role.ANALYST), await sign_up(api)
    for person in (m.buyer, m.seller, m.officer):
        seen = await read(api, order, person)
        assert seen is not None and seen["id"] == order["id"]
    for nobody in (m.other_seller, stranger, analyst, None):
        assert await read(api, order, nobody) is None


async def test_the_seller_sees_the_buyers_name_only_and_the_city_no_pickup_code(api: Api) -> None:
    m = await market(api)
    order = await place(api, m, "pickup")
    by_buyer, by_seller, by_city = [await read(api, order, p) for p in (m.buyer, m.seller, m.officer)]
    assert by_buyer and by_seller and by_city
    assert by_buyer["buyer"] == {"id": m.buyer.id, "name": "Siti Aminah", "phone": None}
    assert by_seller["buyer"] == {"id": None, "name": "Siti Aminah", "phone": None}
    assert by_buyer["pickupCode"] == by_seller["pickupCode"] == order["pickupCode"] and by_city["pickupCode"] is None


ENTITIES = """
query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id status total } } }
"""


async def test_order_entities_apply_the_same_rules_as_the_order_query(api: Api) -> None:
    m = await market(api)
    mine = await place(api, m, "pickup")
    theirs = (await check_out(api, m.buyer, cart([(m.telur, 1)], [(m.other_shop, "pickup")])))["orders"][0]
    representations = {"r": [{"__typename": "Order", "id": o["id"]} for o in (mine, theirs)]
                        + [{"__typename": "Order", "id": "424242"}]}
    seen_by_seller = (await api.gql(ENTITIES, representations, m.seller.token))["_entities"]
    assert seen_by_seller == [{"id": mine["id"], "status": "PLACED", "total": mine["total"]}, None, None]
    assert [e and e["id"] for e in (await api.gql(ENTITIES, representations, m.buyer.token))["_entities"]] == [
        mine["id"], theirs["id"], None
    ]
    assert (await api.gql(ENTITIES, representations, (await sign_up(api)).token))["_entities"] == [None, None, None]


MY_ORDERS = """
query($status: OrderStatus, $first: Int, $after: String) {
  myOrders(status: $status, first: $first, after: $after) {
    totalCount edges { cursor node { id status } } pageInfo { hasNextPage endCursor } }
}
"""
SHOP_ORDERS = """
query($shop: ID!, $status: OrderStatus) {
  shopOrders(shopId: $shop, status: $status) { totalCount edges { node { id status } } }
}
"""


async def test_my_orders_lists_only_the_buyers_own_newest_first_by_status_and_page(api: Api) -> None:
    m = await market(api)
    first, second = await place(api, m, "pickup"), await place(api, m, "delivery")
    await step(api, m, "acceptOrder", second)
    other = await sign_up(api)
    await check_out(api, other, cart([(m.beras, 1)], [(m.shop, "pickup")]))

    page = (await api.gql(MY_ORDERS, {"first": 1}, m.buyer.token))["myOrders"]
    assert page["totalCount"] == 2 and [e["node"]["id"] for e in page["edges"]] == [second["id"]]
    rest = (await api.gql(MY_ORDERS, {"first": 1, "after": page["pageInfo"]["endCursor"]}, m.buyer.token))["myOrders"]
    assert [e["node"]["id"] for e in rest["edges"]] == [first["id"]] and not rest["pageInfo"]["hasNextPage"]
    placed = (await api.gql(MY_ORDERS, {"status": "PLACED"}, m.buyer.token))["myOrders"]
    assert [e["node"]["id"] for e in placed["edges"]] == [first["id"]]
    body = await api.post(MY_ORDERS, {})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_shop_orders_are_for_the_shops_seller_and_city_officers(api: Api) -> None:
    m = await market(api)
    await place(api, m, "pickup")
    await check_out(api, m.buyer, cart([(m.telur, 1)], [(m.other_shop, "pickup")]))
    for person in (m.seller, m.officer):
        listing = (await api.gql(SHOP_ORDERS, {"shop": m.shop["id"]}, person.token))["shopOrders"]
        assert listing["totalCount"] == 1
    assert (await api.gql(SHOP_ORDERS, {"shop": m.shop["id"], "status": "ACCEPTED"}, m.seller.token))[
        "shopOrders"]["totalCount"] == 0
    for person, code in ((m.other_seller, "NOT_FOUND"), (m.buyer, "FORBIDDEN")):
        body = await api.post(SHOP_ORDERS, {"shop": m.shop["id"]}, person.token)
        assert body["data"] is None and body["errors"][0]["extensions"]["code"] == code


@pytest.fixture
async def app_and_api(settings: Settings) -> AsyncIterator[tuple[Starlette, Api]]:
    """Like the api fixture, with the app at hand, to subscribe to its events."""
    async with started_app(settings) as app, asgi_client(app) as client:
        yield app, Api(client)


async def test_every_change_publishes_an_event(app_and_api: tuple[Starlette, Api]) -> None:
    app, api = app_and_api
    received: list[object] = []
    app.state.events.subscribe(OrderStatusChanged, received.append)
    app.state.events.subscribe(PaymentStatusChanged, received.append)
    m = await market(api)
    order = await place(api, m, "delivery")
    for name in ("acceptOrder", "markOutForDelivery", "confirmCashCollected"):
        await step(api, m, name, order)
    changes = [(e.from_status, e.to_status, e.actor_id) for e in received if isinstance(e, OrderStatusChanged)]
    assert changes == [(None, "PLACED", int(m.buyer.id)), ("PLACED", "ACCEPTED", int(m.seller.id)),
                       ("ACCEPTED", "OUT_FOR_DELIVERY", int(m.seller.id))]
    payments = [(e.status, e.amount) for e in received if isinstance(e, PaymentStatusChanged)]
    assert payments == [("PAID", order["total"])]
    assert all(e.order_id == int(order["id"]) for e in received)  # type: ignore[attr-defined]


async def test_a_failing_subscriber_does_not_undo_or_fail_the_change(app_and_api: tuple[Starlette, Api]) -> None:
    app, api = app_and_api

    def broken(event: OrderStatusChanged) -> None:
        raise RuntimeError("notification service down")

    app.state.events.subscribe(OrderStatusChanged, broken)
    m = await market(api)
    order = await place(api, m, "pickup")
    await step(api, m, "acceptOrder", order)
    assert (await read(api, order, m.buyer))["status"] == "ACCEPTED"  # type: ignore[index]
