"""The public response cache: anonymous storefront queries are answered again from memory (X-Cache: HIT, no SQL) until
a product, shop or review they show changes; nothing that depends on who asks, no mutation and no error is kept."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import time
from typing import Any

import aiohttp
import pytest

from tests.helpers.api import Api, asgi_client, started_app
from tests.helpers.catalog import add_product
from tests.helpers.live import free_port, post_graphql, server_process
from tests.helpers.people import Person, city_person, sign_up
from tests.helpers.processes import deployed_env
from tests.helpers.reviews import CHECKOUT, CREATE_REVIEW, purchased_line, transition
from tests.helpers.shops import UPDATE_SHOP, verified_shop
from tests.helpers.statements import counting_statements
from umkm_graph import changes
from umkm_graph.graphql_engine.response_cache import ResponseCache
from umkm_graph.orders.models import OrderStatus
from umkm_graph.settings import Settings

pytestmark = pytest.mark.fast_paths  # the response cache is one of the fast paths

STOREFRONT = """
query Storefront($first: Int!) {
  products(filter: {category: "sembako"}, first: $first) {
    edges { node { id name price stock shop { name kecamatan } rating reviewCount } }
  }
}
"""
UPDATE_PRODUCT = """
mutation($id: ID!, $input: ProductInput!) { updateProduct(id: $id, input: $input) { errors { code field message } } }
"""
SUSPEND_SHOP = "mutation($id: ID!) { suspendShop(id: $id, reason: \"Izin habis\") { errors { code field message } } }"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, response_cache=True)


@dataclasses.dataclass
class Answer:
    cache: str | None
    body: dict[str, Any]


async def ask(api: Api, query: str | None = STOREFRONT, variables: dict[str, Any] | None = None, token: str | None = None,
              **extra: Any) -> Answer:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    payload = {"query": query, "variables": variables if variables is not None else {"first": 10}, **extra}
    response = await api.client.post("/graphql", json=payload, headers=headers)
    assert response.status_code == 200, response.text
    return Answer(response.headers.get("x-cache"), response.json())


def nodes(answer: Answer) -> list[dict[str, Any]]:
    return [edge["node"] for edge in answer.body["data"]["products"]["edges"]]


@dataclasses.dataclass
class Market:
    seller: Person
    officer: Person
    shop: dict[str, Any]
    product: dict[str, Any]


@pytest.fixture
async def market(api: Api) -> Market:
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    shop = await verified_shop(api, seller, officer)
    return Market(seller, officer, shop, await add_product(api, seller, shop["id"], stock=5))


async def test_an_anonymous_repeat_is_answered_from_the_cache_without_sql(api: Api, market: Market) -> None:
    first = await ask(api)
    with counting_statements() as statements:
        second = await ask(api)
    assert (first.cache, second.cache) == ("MISS", "HIT")
    assert second.body == first.body and nodes(second)[0]["name"] == market.product["name"]
    assert statements == []


async def test_other_variables_or_another_operation_name_are_other_entries(api: Api, market: Market) -> None:
    assert (await ask(api)).cache == "MISS"
    assert (await ask(api, variables={"first": 5})).cache == "MISS"
    assert (await ask(api, variables={"first": 5})).cache == "HIT"
    renamed = STOREFRONT.replace("query Storefront", "query Etalase")
    assert (await ask(api, renamed, operationName="Etalase")).cache == "MISS"


async def test_a_query_sent_by_get_or_as_a_persisted_hash_shares_the_entry(api: Api, market: Market) -> None:
    params = {"query": STOREFRONT, "variables": '{"first": 10}'}
    caches = [(await api.client.get("/graphql", params=params)).headers.get("x-cache") for _ in range(2)]
    assert caches == ["MISS", "HIT"]
    digest = hashlib.sha256(STOREFRONT.encode()).hexdigest()
    by_hash = await ask(api, None, extensions={"persistedQuery": {"version": 1, "sha256Hash": digest}})  # type: ignore[arg-type]
    assert by_hash.cache == "HIT" and nodes(by_hash)[0]["id"] == market.product["id"]


async def test_a_price_change_is_visible_on_the_next_request(api: Api, market: Market) -> None:
    await ask(api)
    await api.ok(UPDATE_PRODUCT, {"id": market.product["id"], "input": {"price": 71000}}, market.seller.token)
    after = await ask(api)
    assert after.cache == "MISS" and nodes(after)[0]["price"] == 71000


async def test_stock_taken_by_a_checkout_and_returned_by_a_cancellation_is_visible(api: Api, market: Market) -> None:
    buyer = await sign_up(api)
    await ask(api)
    cart = {"lines": [{"productId": market.product["id"], "quantity": 2}],
            "shops": [{"shopId": market.shop["id"], "deliveryProvider": "pickup"}], "paymentMethod": "COD"}
    (order,) = (await api.ok(CHECKOUT, {"input": cart}, buyer.token))["checkout"]["orders"]
    assert nodes(await ask(api))[0]["stock"] == 3
    await ask(api)
    await transition(api, "cancelOrder", order, buyer)
    assert nodes(await ask(api))[0]["stock"] == 5


async def test_a_new_review_is_visible_on_the_next_request(api: Api, market: Market) -> None:
    buyer = await sign_up(api)
    line = await purchased_line(api, buyer, market.seller, market.product["id"], OrderStatus.DELIVERED)
    before = nodes(await ask(api))[0]
    await api.ok(CREATE_REVIEW, {"line": line, "rating": 4}, buyer.token)
    after = nodes(await ask(api))[0]
    assert (before["reviewCount"], after["reviewCount"], after["rating"]) == (0, 1, 4.0)


async def test_a_shop_change_is_visible_on_the_next_request(api: Api, market: Market) -> None:
    await ask(api)
    await api.ok(UPDATE_SHOP, {"id": market.shop["id"], "input": {"name": "Toko Berkah Jaya"}}, market.seller.token)
    assert nodes(await ask(api))[0]["shop"]["name"] != "Toko Berkah Jaya", "a verified shop's new name waits for the city"
    approve = "mutation($id: ID!) { approveShopIdentityChange(shopId: $id) { errors { code } } }"
    await api.ok(approve, {"id": market.shop["id"]}, market.officer.token)
    assert nodes(await ask(api))[0]["shop"]["name"] == "Toko Berkah Jaya"
    await api.ok(SUSPEND_SHOP, {"id": market.shop["id"]}, market.officer.token)
    assert nodes(await ask(api)) == []


async def test_signed_in_requests_are_neither_served_from_nor_kept_in_the_cache(api: Api, market: Market) -> None:
    buyer = await sign_up(api)
    signed_in = [await ask(api, token=buyer.token) for _ in range(2)]
    assert [answer.cache for answer in signed_in] == [None, None]
    assert (await ask(api)).cache == "MISS"
    assert (await ask(api, token=buyer.token)).cache is None


async def test_mutations_are_never_cached(api: Api, market: Market) -> None:
    mutation = 'mutation { login(email: "nobody@example.id", password: "salah-sekali") { token errors { code } } }'
    answers = [await ask(api, mutation, {}) for _ in range(2)]
    assert [answer.cache for answer in answers] == [None, None]


@pytest.mark.parametrize("query", [
    "query($id: ID!) { shop(id: $id) { name npwp } }",  # shown to the owner and the city only
    "query($id: ID!) { shop(id: $id) { name } me { id } }",  # who asks
    "query($id: ID!) { shop(id: $id) { reviews { edges { node { buyerName } } } } }",  # from users, not versioned
])
async def test_a_document_with_a_field_outside_the_public_catalog_is_not_cached(
    api: Api, market: Market, query: str
) -> None:
    answers = [await ask(api, query, {"id": market.shop["id"]}) for _ in range(2)]
    assert [answer.cache for answer in answers] == [None, None]
    assert "errors" not in answers[1].body


async def test_errors_are_not_cached(api: Api, market: Market) -> None:
    query = 'query { products(filter: {category: "bukan-kategori"}) { edges { node { id } } } }'
    answers = [await ask(api, query, {}) for _ in range(2)]
    assert [answer.cache for answer in answers] == [None, None]
    assert answers[1].body["errors"][0]["extensions"]["field"] == ["filter", "category"]


async def test_the_cache_is_off_when_the_setting_is(api: Api, market: Market, settings: Settings) -> None:
    async with started_app(dataclasses.replace(settings, response_cache=False), reset=False) as app:
        async with asgi_client(app) as client:
            off = Api(client)
            assert [(await ask(off)).cache for _ in range(2)] == [None, None]


def test_entries_expire_after_the_ttl_and_the_least_recently_used_go_first() -> None:
    now = [0.0]
    cache = ResponseCache(max_entries=2, ttl_seconds=30, clock=lambda: now[0])
    version = changes.version()
    cache.put(b"a", b"A", version)
    cache.put(b"b", b"B", version)
    assert cache.get(b"a") == b"A"  # now b is the least recently used
    cache.put(b"c", b"C", version)
    assert (cache.get(b"a"), cache.get(b"b"), cache.get(b"c")) == (b"A", None, b"C")
    now[0] = 30.0
    assert cache.get(b"a") is None


def test_an_entry_computed_before_a_change_is_not_served_after_it() -> None:
    cache = ResponseCache(max_entries=10, ttl_seconds=30)
    cache.put(b"a", b"A", changes.version())
    changes.bump()
    assert cache.get(b"a") is None


SHOP_SHELF = '{ shop(slug: "toko-sembako-bu-sri") { products(first: 3) { edges { node { id price } } } } }'
DEMO_LOGIN = 'mutation($e: String!) { login(email: $e, password: "kamis-mbois") { token errors { message } } }'


async def test_a_change_through_one_process_reaches_the_cache_of_another() -> None:
    """Two servers on one PostgreSQL and one Redis: a price changed through A is answered by B, whose cache held the
    old price, as soon as B hears of the change (within a few seconds here, far below the cache's 30 s TTL)."""
    env = await deployed_env()
    port_a, port_b = free_port(), free_port()
    with server_process(env, port_a), server_process(env, port_b):
        a, b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
        async with aiohttp.ClientSession() as session:

            async def shelf_on_b() -> tuple[str | None, list[dict[str, Any]]]:
                async with session.post(f"{b}/graphql", json={"query": SHOP_SHELF}) as response:
                    body = await response.json()
                    return response.headers.get("x-cache"), [e["node"] for e in body["data"]["shop"]["products"]["edges"]]

            await shelf_on_b()
            cache, shelf = await shelf_on_b()
            assert cache == "HIT"
            seller = (await post_graphql(session, a, DEMO_LOGIN, {"e": "penjual@example.id"}))["login"]["token"]
            new_price = shelf[0]["price"] + 500
            await post_graphql(session, a, UPDATE_PRODUCT, {"id": shelf[0]["id"], "input": {"price": new_price}}, seller)
            deadline = time.monotonic() + 5
            while (await shelf_on_b())[1][0]["price"] != new_price and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            assert (await shelf_on_b())[1][0]["price"] == new_price
