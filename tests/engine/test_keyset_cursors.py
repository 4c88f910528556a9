"""Cursors that hold their place: a page starts after the last row the client saw, so rows added or removed between two
requests neither repeat on the next page nor vanish from it (offset cursors did both), and a forged keyset cursor is
refused like any other, as an input error on `after`."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.helpers.api import Api
from tests.helpers.catalog import add_product
from tests.helpers.checkout import cart, check_out, market
from tests.helpers.people import Person, city_person, sign_up
from tests.helpers.shops import verified_shop

PRODUCTS = """
query($sort: ProductSort!, $first: Int, $after: String) {
  products(sort: $sort, first: $first, after: $after) {
    pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { id name } }
  }
}
"""
HIDE = "mutation($id: ID!) { updateProduct(id: $id, input: {isActive: false}) { errors { code field } } }"
SHOPS = """
query($first: Int, $after: String) {
  shops(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id name } } }
}
"""
MY_ORDERS = """
query($first: Int, $after: String) {
  myOrders(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } }
}
"""


async def _page(api: Api, document: str, field: str, variables: dict[str, Any], token: str | None = None
                ) -> tuple[list[str], dict[str, Any]]:
    page = (await api.gql(document, variables, token))[field]
    return [edge["node"]["id"] for edge in page["edges"]], page["pageInfo"]


async def _storefront(api: Api) -> tuple[Person, dict[str, Any]]:
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    shop = await verified_shop(api, seller, officer)
    for i, price in enumerate([30000, 10000, 50000, 20000, 40000]):
        await add_product(api, seller, shop["id"], name=f"Beras {i}", price=price)
    return seller, shop


@pytest.mark.parametrize("sort", ["NEWEST", "PRICE_ASC", "PRICE_DESC", "RATING"])
async def test_a_product_added_between_pages_does_not_repeat_the_last_one_seen(api: Api, sort: str) -> None:
    seller, shop = await _storefront(api)
    everything, _ = await _page(api, PRODUCTS, "products", {"sort": sort, "first": 10})

    first, info = await _page(api, PRODUCTS, "products", {"sort": sort, "first": 2})
    # A new product lands before the cursor in every order: the newest, the cheapest or the dearest, and unrated.
    price = 5000 if sort == "PRICE_ASC" else 90000
    await add_product(api, seller, shop["id"], name="Beras baru", price=price)
    rest, rest_info = await _page(api, PRODUCTS, "products", {"sort": sort, "first": 10, "after": info["endCursor"]})

    if sort == "RATING":  # all unrated: the id breaks the tie, so the new one comes last
        assert rest[:-1] == everything[2:] and rest[-1] not in everything
    else:
        assert rest == everything[2:]
    assert first == everything[:2] and rest_info["hasPreviousPage"] and not rest_info["hasNextPage"]


async def test_a_product_removed_between_pages_does_not_hide_the_next_one(api: Api) -> None:
    seller, _ = await _storefront(api)
    everything, _ = await _page(api, PRODUCTS, "products", {"sort": "PRICE_ASC", "first": 10})
    first, info = await _page(api, PRODUCTS, "products", {"sort": "PRICE_ASC", "first": 2})
    await api.ok(HIDE, {"id": first[0]}, seller.token)
    rest, _ = await _page(api, PRODUCTS, "products", {"sort": "PRICE_ASC", "first": 2, "after": info["endCursor"]})
    assert rest == everything[2:4]


async def test_shop_pages_hold_their_place_by_name(api: Api) -> None:
    officer = await city_person(api)
    for name in ["Toko Cempaka", "Toko Anggrek", "Toko Dahlia", "Toko Melati"]:
        await verified_shop(api, await sign_up(api, "SELLER"), officer, name=name)
    everything, _ = await _page(api, SHOPS, "shops", {"first": 10})
    first, info = await _page(api, SHOPS, "shops", {"first": 2})
    await verified_shop(api, await sign_up(api, "SELLER"), officer, name="Toko Aster")  # sorts before the cursor
    rest, _ = await _page(api, SHOPS, "shops", {"first": 10, "after": info["endCursor"]})
    assert first == everything[:2] and rest == everything[2:]


async def test_order_pages_hold_their_place_while_the_buyer_orders_again(api: Api) -> None:
    m = await market(api)
    for _ in range(3):
        await check_out(api, m.buyer, cart([(m.beras, 1)], [(m.shop, "pickup")]))
    everything, _ = await _page(api, MY_ORDERS, "myOrders", {"first": 10}, m.buyer.token)
    first, info = await _page(api, MY_ORDERS, "myOrders", {"first": 1}, m.buyer.token)
    await check_out(api, m.buyer, cart([(m.beras, 1)], [(m.shop, "pickup")]))
    rest, _ = await _page(api, MY_ORDERS, "myOrders", {"first": 10, "after": info["endCursor"]}, m.buyer.token)
    assert first == everything[:1] and rest == everything[1:]


def _keyset(items: object) -> str:
    return base64.urlsafe_b64encode(b"k:" + json.dumps(items).encode()).decode()


@pytest.mark.parametrize("cursor", [
    _keyset([["i", "1"]]),  # too few values for the order
    _keyset([["d", "2026-09-01T00:00:00+07:00"], ["i", "1"], ["i", "2"]]),  # too many
    _keyset([["s", "2026-09-01"], ["i", "1"]]),  # text where a time belongs
    _keyset([["d", "2026-09-01T00:00:00"], ["i", "1"]]),  # a time without its zone
    _keyset([["d", "2026-09-01T00:00:00+07:00"], ["i", "9" * 20]]),  # an id past the database's integers
    _keyset([["d", "2026-09-01T00:00:00+07:00"], ["i", "1.5"]]),
    _keyset([["d", "bukan tanggal"], ["i", "1"]]),
    _keyset([["d", "2026-09-01T00:00:00+07:00"], True]),
    _keyset({"created_at": 1}),
    _keyset([]),
    base64.urlsafe_b64encode(b"k:[[").decode(),
    base64.urlsafe_b64encode(b"k:" + b"[" * 5000).decode(),
    "k" * 5000,
])
async def test_a_forged_keyset_cursor_is_an_input_error_on_after(api: Api, cursor: str) -> None:
    body = await api.post(PRODUCTS, {"sort": "NEWEST", "after": cursor})
    error = body["errors"][0]
    assert error["extensions"]["code"] == "INVALID" and error["extensions"]["field"][-1] == "after", body


async def test_a_forged_float_in_a_rating_cursor_is_refused(api: Api) -> None:
    not_a_number = _keyset([["f", "nan"], ["i", "0"], ["i", "1"]])
    body = await api.post(PRODUCTS, {"sort": "RATING", "after": not_a_number})
    assert body["errors"][0]["extensions"]["code"] == "INVALID"


async def test_an_offset_cursor_from_before_keyset_cursors_still_pages(api: Api) -> None:
    await _storefront(api)
    everything, _ = await _page(api, PRODUCTS, "products", {"sort": "PRICE_ASC", "first": 10})
    offset_cursor = base64.urlsafe_b64encode(b"o:1").decode()
    rest, _ = await _page(api, PRODUCTS, "products", {"sort": "PRICE_ASC", "first": 10, "after": offset_cursor})
    assert rest == everything[2:]
