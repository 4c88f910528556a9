"""The cart on the server through GraphQL: lines added, changed and removed, the same from every device (every sign-in);
what changed since a line was added (price, stock, product gone, shop suspended); checkout from the cart empties it with
the same write, and a repeat with the idempotency key answers the first checkout."""

from __future__ import annotations

from typing import Any

from tests.helpers.api import Api
from tests.helpers.checkout import ERRORS, Market, market, order_count, stock
from tests.helpers.people import Person

LINE = "productId quantity priceWhenAdded price changes buyable product { id name }"
CART = f"{{ myCart {{ subtotal lines {{ {LINE} }} }} }}"
ADD = f"""mutation($id: ID!, $q: Int!) {{ addToCart(productId: $id, quantity: $q) {{
  cart {{ subtotal lines {{ {LINE} }} }} {ERRORS} }} }}"""
SET = f"""mutation($id: ID!, $q: Int!) {{ updateCartLine(productId: $id, quantity: $q) {{
  cart {{ lines {{ {LINE} }} }} {ERRORS} }} }}"""
REMOVE = f"mutation($id: ID!) {{ removeFromCart(productId: $id) {{ cart {{ lines {{ productId }} }} {ERRORS} }} }}"
CHECKOUT_CART = f"""mutation($input: CartCheckoutInput!, $key: String) {{
  checkoutCart(input: $input, idempotencyKey: $key) {{ checkout {{ id total orders {{ id status }} }} {ERRORS} }} }}"""
UPDATE_PRODUCT = f"""mutation($id: ID!, $input: ProductInput!) {{ updateProduct(id: $id, input: $input) {{
  product {{ id }} {ERRORS} }} }}"""
SUSPEND = f"mutation($id: ID!) {{ suspendShop(id: $id, reason: \"Izin dicabut\") {{ shop {{ id }} {ERRORS} }} }}"


async def my_cart(api: Api, person: Person) -> dict[str, Any]:
    return (await api.gql(CART, token=person.token))["myCart"]


async def put(api: Api, person: Person, product: dict[str, Any], quantity: int) -> dict[str, Any]:
    return (await api.ok(ADD, {"id": product["id"], "q": quantity}, person.token))["cart"]


async def test_lines_are_added_changed_and_removed_and_the_cart_is_the_same_on_another_device(api: Api) -> None:
    m = await market(api)
    await put(api, m.buyer, m.beras, 1)
    after = await put(api, m.buyer, m.beras, 2)  # more of the same product: its line grows
    await put(api, m.buyer, m.telur, 3)
    phone = Person(id=m.buyer.id, email=m.buyer.email, token=(await api.ok(
        "mutation($e: String!) { login(email: $e, password: \"rahasia-123\") { token errors { code field message } } }",
        {"e": m.buyer.email}))["token"])
    cart = await my_cart(api, phone)
    assert [(line["productId"], line["quantity"]) for line in cart["lines"]] == [(m.beras["id"], 3), (m.telur["id"], 3)]
    assert after["subtotal"] == 3 * 67500 and cart["subtotal"] == 3 * 67500 + 3 * 28000
    assert all(line["changes"] == [] and line["buyable"] for line in cart["lines"])

    await api.ok(SET, {"id": m.beras["id"], "q": 5}, phone.token)
    await api.ok(REMOVE, {"id": m.telur["id"]}, m.buyer.token)
    assert [(line["productId"], line["quantity"]) for line in (await my_cart(api, m.buyer))["lines"]] == [
        (m.beras["id"], 5)]
    await api.ok(SET, {"id": m.beras["id"], "q": 0}, m.buyer.token)
    assert (await my_cart(api, m.buyer))["lines"] == []


async def test_bad_lines_are_refused_naming_the_field(api: Api) -> None:
    m = await market(api)
    for product_id, quantity, who, expected in (
        ("999999", 1, m.buyer, ("NOT_FOUND", ["productId"])),
        (m.beras["id"], 0, m.buyer, ("INVALID", ["quantity"])),
        (m.beras["id"], 21, m.buyer, ("OUT_OF_STOCK", ["quantity"])),
        (m.beras["id"], 1, m.seller, ("FORBIDDEN", ["productId"])),  # the seller's own shop
    ):
        errors = await api.fails(ADD, {"id": product_id, "q": quantity}, who.token)
        assert [(e["code"], e["field"]) for e in errors] == [expected], (product_id, quantity)
    missing = await api.fails(REMOVE, {"id": m.beras["id"]}, m.buyer.token)
    assert [(e["code"], e["field"]) for e in missing] == [("NOT_FOUND", ["productId"])]
    await api.ok(SUSPEND, {"id": m.other_shop["id"]}, m.officer.token)
    suspended = await api.fails(ADD, {"id": m.telur["id"], "q": 1}, m.buyer.token)
    assert [(e["code"], e["field"]) for e in suspended] == [("NOT_AVAILABLE", ["productId"])]
    assert (await my_cart(api, m.buyer))["lines"] == []


async def test_the_cart_says_what_changed_since_each_line_was_added(api: Api) -> None:
    m = await market(api)
    await put(api, m.buyer, m.beras, 5)
    await put(api, m.buyer, m.minyak, 2)
    await put(api, m.buyer, m.telur, 1)
    await api.ok(UPDATE_PRODUCT, {"id": m.beras["id"], "input": {"price": 69000, "stock": 3}}, m.seller.token)
    await api.ok(UPDATE_PRODUCT, {"id": m.minyak["id"], "input": {"isActive": False}}, m.seller.token)
    await api.ok(SUSPEND, {"id": m.other_shop["id"]}, m.officer.token)

    lines = {line["productId"]: line for line in (await my_cart(api, m.buyer))["lines"]}
    beras, minyak, telur = lines[m.beras["id"]], lines[m.minyak["id"]], lines[m.telur["id"]]
    assert (beras["priceWhenAdded"], beras["price"], sorted(beras["changes"]), beras["buyable"]) == (
        67500, 69000, ["NOT_ENOUGH_STOCK", "PRICE_CHANGED"], True)
    assert (minyak["changes"], minyak["buyable"], minyak["product"]) == (["PRODUCT_GONE"], False, None)
    assert (telur["changes"], telur["buyable"]) == (["SHOP_SUSPENDED"], False)
    assert (await my_cart(api, m.buyer))["subtotal"] == 5 * 69000

    accepted = (await api.ok(SET, {"id": m.beras["id"], "q": 3}, m.buyer.token))["cart"]["lines"]
    assert [line["changes"] for line in accepted if line["productId"] == m.beras["id"]] == [[]]  # today's price


async def _cart_of_two_shops(api: Api, m: Market) -> dict[str, Any]:
    await put(api, m.buyer, m.beras, 2)
    await put(api, m.buyer, m.telur, 1)
    return {"shops": [{"shopId": m.shop["id"], "deliveryProvider": "pickup"},
                      {"shopId": m.other_shop["id"], "deliveryProvider": "pickup"}], "paymentMethod": "COD"}


async def test_checkout_from_the_cart_places_its_orders_and_empties_it_once(api: Api) -> None:
    m = await market(api)
    choices = await _cart_of_two_shops(api, m)
    first = (await api.ok(CHECKOUT_CART, {"input": choices, "key": "keranjang-1"}, m.buyer.token))["checkout"]
    assert first["total"] == 2 * 67500 + 28000 and [o["status"] for o in first["orders"]] == ["PLACED", "PLACED"]
    assert (await my_cart(api, m.buyer))["lines"] == []
    again = (await api.ok(CHECKOUT_CART, {"input": choices, "key": "keranjang-1"}, m.buyer.token))["checkout"]
    assert again["id"] == first["id"]  # the lost answer's repeat: the same checkout, nothing more bought
    assert await order_count(api, m.buyer) == 2 and await stock(api, m.beras, m.seller) == 18

    empty = await api.fails(CHECKOUT_CART, {"input": choices}, m.buyer.token)
    assert [(e["code"], e["field"]) for e in empty] == [("REQUIRED", ["cart"])]


async def test_a_cart_checkout_that_fails_keeps_the_cart_and_takes_nothing(api: Api) -> None:
    m = await market(api)
    choices = await _cart_of_two_shops(api, m)
    await api.ok(UPDATE_PRODUCT, {"id": m.telur["id"], "input": {"stock": 0}}, m.other_seller.token)
    errors = await api.fails(CHECKOUT_CART, {"input": choices}, m.buyer.token)
    assert [(e["code"], e["field"]) for e in errors] == [("OUT_OF_STOCK", ["input", "lines", "1", "quantity"])]
    assert len((await my_cart(api, m.buyer))["lines"]) == 2
    assert await order_count(api, m.buyer) == 0 and await stock(api, m.beras, m.seller) == 20
