"""Variants through GraphQL: a seller sells one rice in a 5 kg bag and a 25 kg sack, each with its own price, stock and
SKU; the listing shows the price range and the best price per kg, and the deprecated product fields keep answering;
checkout, the cart and a cancelled order take and give back one variant's stock; every wrong input names its field."""

from __future__ import annotations

import re
from typing import Any

from tests.helpers.api import Api
from tests.helpers.catalog import add_product
from tests.helpers.checkout import ERRORS, CHECKOUT, Market, cart, market
from tests.helpers.statements import counting_statements
from tests.helpers.variants import (ADD_VARIANT, DEACTIVATE_VARIANT, UPDATE_VARIANT, add_variant, rice_in_two_sacks,
                                    variants_of)
from umkm_graph.catalog.models import PriceChange

CANCEL = f'mutation($id: ID!) {{ cancelOrder(id: $id, reason: "Salah pilih ukuran") {{ order {{ id }} {ERRORS} }} }}'
ADD_TO_CART = f"""mutation($id: ID!, $variant: ID) {{ addToCart(productId: $id, quantity: 2, variantId: $variant) {{
  cart {{ subtotal lines {{ productId variantId price }} }} {ERRORS} }} }}"""
PRICE_HISTORY = "query($id: ID!) { priceHistory(productId: $id) { edges { node { variantId price unitPrice } } } }"
CHECKOUT_CART = f"""mutation($input: CartCheckoutInput!) {{
  checkoutCart(input: $input) {{ checkout {{ total orders {{ lines {{ productName unitPrice quantity }} }} }} {ERRORS} }} }}"""


def _line(m: Market, variant: dict[str, Any] | None, quantity: int = 1) -> dict[str, Any]:
    variables = cart([(m.beras, quantity)], [(m.shop, "pickup")])
    if variant is not None:
        variables["input"]["lines"][0]["variantId"] = variant["id"]
    return variables


async def test_a_sack_beside_the_bag_shows_the_price_range_and_the_best_price_per_kg(api: Api) -> None:
    m = await market(api)  # beras: 5 kg at Rp67,500 (Rp13,500/kg), 20 in stock

    product = await add_variant(api, m.seller, m.beras, label="25 kg", sku="BRS-25", packSize=25, price=320_000,
                                stock=4)

    assert product["priceRange"] == {"min": 67_500, "max": 320_000}
    assert product["bestUnitPrice"] == {"price": 12_800, "per": "KG"}  # the sack's
    assert [(v["label"], v["price"], v["stock"], v["unitPrice"]) for v in product["variants"]] == [
        ("", 67_500, 20, 13_500), ("25 kg", 320_000, 4, 12_800)]
    # the deprecated fields answer as before: the cheapest variant's price, every variant's stock together
    assert (product["price"], product["stock"]) == (67_500, 24)
    sack = product["variants"][1]
    assert await PriceChange.filter(variant_id=int(sack["id"]), price=320_000, unit_price=12_800).count() == 1


async def test_wrong_variant_inputs_name_their_field(api: Api) -> None:
    m = await market(api)
    await add_variant(api, m.seller, m.beras, label="25 kg", sku="BRS-25", packSize=25, price=320_000)

    duplicate = await api.fails(ADD_VARIANT, {"product": m.beras["id"], "input": {
        "label": "10 kg", "sku": "BRS-25", "price": -5, "packSize": 0}}, m.seller.token)
    missing = await api.fails(ADD_VARIANT, {"product": m.beras["id"], "input": {"sku": "bad sku!"}}, m.seller.token)
    not_theirs = await api.fails(ADD_VARIANT, {"product": m.beras["id"], "input": {"label": "10 kg", "price": 1}},
                                 m.other_seller.token)

    assert {(e["code"], tuple(e["field"])) for e in duplicate} == {
        ("ALREADY_EXISTS", ("input", "sku")), ("INVALID", ("input", "price")), ("INVALID", ("input", "packSize"))}
    assert {(e["code"], tuple(e["field"])) for e in missing} == {
        ("REQUIRED", ("input", "price")), ("REQUIRED", ("input", "label")), ("INVALID", ("input", "sku"))}
    assert [(e["code"], e["field"]) for e in not_theirs] == [("NOT_FOUND", ["productId"])]
    assert len((await variants_of(api, m.beras))) == 2  # nothing half-written


async def test_the_last_variant_on_sale_cannot_be_deactivated_and_product_prices_go_to_variants(api: Api) -> None:
    m = await market(api)
    both = await rice_in_two_sacks(api, m.seller, m.beras)

    after = (await api.ok(DEACTIVATE_VARIANT, {"id": both["25 kg"]["id"]}, m.seller.token))["product"]
    last = await api.fails(DEACTIVATE_VARIANT, {"id": both["5 kg"]["id"]}, m.seller.token)

    assert [v["label"] for v in after["variants"]] == ["5 kg"] and after["priceRange"] == {"min": 67_500, "max": 67_500}
    assert [(e["code"], e["field"]) for e in last] == [("INVALID", ["id"])]
    await add_variant(api, m.seller, m.beras, label="10 kg", packSize=10, price=130_000)
    several = await api.fails("""mutation($id: ID!) { updateProduct(id: $id, input: {price: 70000}) {
      product { id } errors { code field message } } }""", {"id": m.beras["id"]}, m.seller.token)
    assert [(e["code"], e["field"]) for e in several] == [("INVALID", ["price"])]


async def test_checkout_takes_the_chosen_variants_stock_and_a_cancel_gives_it_back(api: Api) -> None:
    m = await market(api)
    both = await rice_in_two_sacks(api, m.seller, m.beras, bag_stock=20, sack_stock=4)

    order = (await api.ok(CHECKOUT, _line(m, both["25 kg"], 3), m.buyer.token))["checkout"]["orders"][0]
    left = await variants_of(api, m.beras)

    assert order["lines"][0]["productName"] == "Beras Medium 5 kg (25 kg)"
    assert (order["lines"][0]["unitPrice"], order["total"]) == (320_000, 960_000)
    assert (left["25 kg"]["stock"], left["5 kg"]["stock"]) == (1, 20)
    await api.ok(CANCEL, {"id": order["id"]}, m.buyer.token)
    assert (await variants_of(api, m.beras))["25 kg"]["stock"] == 4
    assert (await api.gql("query($id: ID!) { product(id: $id) { stock } }", {"id": m.beras["id"]}))["product"] == {
        "stock": 24}


async def test_a_line_must_choose_among_variants_and_cannot_buy_a_deactivated_or_short_one(api: Api) -> None:
    m = await market(api)
    both = await rice_in_two_sacks(api, m.seller, m.beras, sack_stock=2)

    unchosen = await api.fails(CHECKOUT, _line(m, None), m.buyer.token)
    short = await api.fails(CHECKOUT, _line(m, both["25 kg"], 3), m.buyer.token)
    await api.ok(DEACTIVATE_VARIANT, {"id": both["25 kg"]["id"]}, m.seller.token)
    gone = await api.fails(CHECKOUT, _line(m, both["25 kg"]), m.buyer.token)
    of_another = await api.fails(CHECKOUT, _line(m, {"id": m.minyak["id"]}), m.buyer.token)

    assert [(e["code"], e["field"]) for e in unchosen] == [("REQUIRED", ["input", "lines", "0", "variantId"])]
    assert "5 kg" in unchosen[0]["message"] and "25 kg" in unchosen[0]["message"]
    assert [(e["code"], e["field"]) for e in short] == [("OUT_OF_STOCK", ["input", "lines", "0", "quantity"])]
    assert [(e["code"], e["field"]) for e in gone] == [("NOT_AVAILABLE", ["input", "lines", "0", "variantId"])]
    assert [e["code"] for e in of_another] == ["NOT_AVAILABLE"]
    # with one variant left on sale, a line may leave it out again, as clients did before variants
    assert (await api.ok(CHECKOUT, _line(m, None), m.buyer.token))["checkout"]["total"] == 67_500


async def test_the_cart_keeps_the_variant_and_checkout_cart_buys_it(api: Api) -> None:
    m = await market(api)
    both = await rice_in_two_sacks(api, m.seller, m.beras, sack_stock=5)

    unchosen = await api.fails(ADD_TO_CART, {"id": m.beras["id"]}, m.buyer.token)
    added = (await api.ok(ADD_TO_CART, {"id": m.beras["id"], "variant": both["25 kg"]["id"]}, m.buyer.token))["cart"]
    other = await api.fails(ADD_TO_CART, {"id": m.beras["id"], "variant": both["5 kg"]["id"]}, m.buyer.token)
    bought = (await api.ok(CHECKOUT_CART, {"input": {"shops": [{"shopId": m.shop["id"], "deliveryProvider": "pickup"}],
                                                     "paymentMethod": "COD"}}, m.buyer.token))["checkout"]

    assert [(e["code"], e["field"]) for e in unchosen] == [("REQUIRED", ["variantId"])]
    assert added["lines"] == [{"productId": m.beras["id"], "variantId": both["25 kg"]["id"], "price": 320_000}]
    assert added["subtotal"] == 640_000
    assert [(e["code"], e["field"]) for e in other] == [("INVALID", ["variantId"])]
    assert bought["orders"][0]["lines"] == [{"productName": "Beras Medium 5 kg (25 kg)", "unitPrice": 320_000,
                                             "quantity": 2}]
    assert (await variants_of(api, m.beras))["25 kg"]["stock"] == 3


async def test_a_price_change_of_a_variant_is_its_own_history(api: Api) -> None:
    m = await market(api)
    both = await rice_in_two_sacks(api, m.seller, m.beras)

    product = (await api.ok(UPDATE_VARIANT, {"id": both["25 kg"]["id"], "input": {"price": 310_000}},
                            m.seller.token))["product"]

    assert product["bestUnitPrice"] == {"price": 12_400, "per": "KG"}
    history = (await api.gql(PRICE_HISTORY, {"id": m.beras["id"]}, m.officer.token))["priceHistory"]["edges"]
    by_variant = [(edge["node"]["variantId"], edge["node"]["price"], edge["node"]["unitPrice"]) for edge in history]
    assert by_variant == [(both["25 kg"]["id"], 310_000, 12_400), (both["25 kg"]["id"], 320_000, 12_800),
                          (both["5 kg"]["id"], 67_500, 13_500)]  # newest first


async def test_a_listing_with_its_variants_costs_the_same_statements_at_any_page_size(api: Api) -> None:
    """The variants of a page come in one statement (a loader per request), beside the page's own."""
    m = await market(api)
    for i in range(12):
        product = await add_product(api, m.seller, m.shop["id"], name=f"Beras Pandan Wangi no. {i}", stock=5)
        await add_variant(api, m.seller, product, label="25 kg", packSize=25, price=300_000 + i, stock=2)
    query = """query($first: Int!) { products(filter: {category: "beras"}, sort: UNIT_PRICE_ASC, first: $first) {
      edges { node { name priceRange { min max } bestUnitPrice { price } variants { label price stock } } } } }"""

    counts = []
    for first in (3, 12):
        with counting_statements() as statements:
            nodes = [e["node"] for e in (await api.gql(query, {"first": first}))["products"]["edges"]]
        assert len(nodes) == first and all(len(node["variants"]) == 2 for node in nodes)
        assert sum(1 for s in statements if re.search(r'\bFROM\s+"?product_variants"?', s, re.I)) == 1, statements
        counts.append(len(statements))
    assert counts[0] == counts[1]


async def test_a_new_unit_reprices_every_variant_per_kg_or_litre_and_a_new_category_keeps_the_stock(api: Api) -> None:
    m = await market(api)
    await rice_in_two_sacks(api, m.seller, m.beras, bag_stock=20, sack_stock=4)
    edit = """mutation($id: ID!, $input: ProductInput!) { updateProduct(id: $id, input: $input) {
      product { stock bestUnitPrice { price per } category { slug } } errors { code field message } } }"""

    litres = (await api.ok(edit, {"id": m.beras["id"], "input": {"unit": "LITRE"}}, m.seller.token))["product"]
    moved = (await api.ok(edit, {"id": m.beras["id"], "input": {"category": "gula", "name": "Gula Aren"}},
                          m.seller.token))["product"]

    assert litres["bestUnitPrice"] == {"price": 12_800, "per": "LITRE"}
    assert {v["unitPricePer"] for v in (await variants_of(api, m.beras)).values()} == {"LITRE"}
    assert (moved["category"]["slug"], moved["stock"]) == ("gula", 24)
