"""Checkout: a cart over several shops becomes one order per shop, with price snapshots, fees and COD, all or nothing."""

from __future__ import annotations

import asyncio

import pytest

from tests.helpers.api import Api
from tests.helpers.catalog import add_product
from tests.helpers.checkout import (
    ADDRESS,
    CHECKOUT,
    DELIVERY_OPTIONS,
    ERRORS,
    ORDER_FIELDS,
    PAYMENT_METHODS,
    cart,
    check_out,
    market,
    order_count,
    stock,
)
from tests.helpers.people import sign_up
from tests.helpers.shops import CREATE_SHOP, shop_input, verified_shop

SHOP_ORDERS = "query($id: ID!) { shopOrders(shopId: $id) { totalCount } }"
UPDATE_PRODUCT = f"""
mutation($id: ID!, $input: ProductInput!) {{ updateProduct(id: $id, input: $input) {{ product {{ id }} {ERRORS} }} }}
"""


async def test_multi_shop_checkout_creates_one_order_per_shop_with_its_fee_and_totals(api: Api) -> None:
    m = await market(api)
    variables = cart(
        [(m.beras, 2), (m.telur, 3), (m.minyak, 1)],
        [(m.shop, "pickup"), (m.other_shop, "shop_courier")],
        address=ADDRESS,
    )
    result = await check_out(api, m.buyer, variables)
    pickup, delivery = result["orders"]

    assert pickup["shop"]["id"] == m.shop["id"] and delivery["shop"]["id"] == m.other_shop["id"]
    assert (pickup["subtotal"], pickup["deliveryFee"], pickup["total"]) == (2 * 67500 + 15700, 0, 150700)
    assert (delivery["subtotal"], delivery["deliveryFee"], delivery["total"]) == (84000, 8000, 92000)
    assert result["total"] == 150700 + 92000
    assert [(line["productName"], line["unitPrice"], line["quantity"], line["lineTotal"]) for line in pickup["lines"]] == [
        ("Beras Medium 5 kg", 67500, 2, 135000), ("MinyaKita 1 L", 15700, 1, 15700)
    ]
    assert pickup["delivery"] == {"kind": "PICKUP", "provider": "pickup", "service": "standard",
                                  "kecamatan": None, "kelurahan": None, "address": None}
    assert delivery["delivery"] == {"kind": "DELIVERY", "provider": "shop_courier", "service": "standard",
                                    "kecamatan": "Lowokwaru", "kelurahan": "Dinoyo", "address": "Jl. MT Haryono No. 5"}
    assert len(pickup["pickupCode"]) == 6 and delivery["pickupCode"] is None
    for order in (pickup, delivery):
        assert order["status"] == "PLACED" and order["reference"].startswith("UMKM-")
        assert order["payment"] == {"method": "COD", "provider": "cod", "status": "PENDING",
                                    "amount": order["total"], "paidAt": None}
        assert order["history"] == [{"fromStatus": None, "toStatus": "PLACED", "by": "BUYER", "reason": None}]
    assert (await stock(api, m.beras, m.seller), await stock(api, m.telur, m.other_seller)) == (18, 7)
    assert await order_count(api, m.buyer) == 2


async def test_order_lines_keep_the_price_paid_after_the_seller_changes_it(api: Api) -> None:
    m = await market(api)
    order = (await check_out(api, m.buyer, cart([(m.beras, 1)], [(m.shop, "pickup")])))["orders"][0]
    await api.ok(UPDATE_PRODUCT, {"id": m.beras["id"], "input": {"price": 70000}}, m.seller.token)
    data = await api.gql(f"query($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}", {"id": order["id"]}, m.buyer.token)
    assert data["order"]["lines"][0]["unitPrice"] == 67500 and data["order"]["total"] == 67500


async def test_second_buyer_of_last_item_gets_out_of_stock_and_nothing_is_written(api: Api) -> None:
    m = await market(api)
    last = await add_product(api, m.seller, m.shop["id"], name="Gula Pasir 1 kg", category="gula", price=17500, stock=1)
    await check_out(api, m.buyer, cart([(last, 1)], [(m.shop, "pickup")]))
    second = await sign_up(api, name="Budi Santoso")

    errors = await api.fails(CHECKOUT, cart([(m.beras, 2), (last, 1)], [(m.shop, "pickup")]), second.token)

    assert [(e["code"], e["field"]) for e in errors] == [("OUT_OF_STOCK", ["input", "lines", "1", "quantity"])]
    assert "Gula Pasir 1 kg" in errors[0]["message"]
    assert await stock(api, m.beras, m.seller) == 20 and await stock(api, last, m.seller) == 0
    assert await order_count(api, second) == 0
    assert (await api.gql(SHOP_ORDERS, {"id": m.shop["id"]}, m.seller.token))["shopOrders"]["totalCount"] == 1


async def test_two_buyers_racing_for_the_last_item_cannot_both_get_it(api: Api) -> None:
    m = await market(api)
    last = await add_product(api, m.seller, m.shop["id"], name="Gula Pasir 1 kg", category="gula", price=17500, stock=1)
    buyers = [m.buyer, await sign_up(api, name="Budi Santoso")]
    variables = cart([(m.beras, 1), (last, 1)], [(m.shop, "pickup")])

    results = await asyncio.gather(*(api.gql(CHECKOUT, variables, b.token) for b in buyers))

    outcomes = sorted(bool(r["checkout"]["errors"]) for r in results)
    assert outcomes == [False, True]
    loser = next(r["checkout"]["errors"] for r in results if r["checkout"]["errors"])
    assert loser[0]["code"] == "OUT_OF_STOCK" and loser[0]["field"] == ["input", "lines", "1", "quantity"]
    assert await stock(api, last, m.seller) == 0 and await stock(api, m.beras, m.seller) == 19
    assert [await order_count(api, b) for b in buyers] in ([1, 0], [0, 1])


async def test_every_wrong_line_is_reported_at_once_and_nothing_is_written(api: Api) -> None:
    m = await market(api)
    variables = cart(
        [(m.beras, 0), (m.minyak, 1001), (m.beras, 1), ({"id": "999999"}, 1), (m.telur, 11)],
        [(m.shop, "pickup"), (m.other_shop, "pickup")],
    )
    errors = await api.fails(CHECKOUT, variables, m.buyer.token)
    assert {(e["code"], "/".join(e["field"])) for e in errors} == {
        ("INVALID", "input/lines/0/quantity"),
        ("INVALID", "input/lines/1/quantity"),
        ("INVALID", "input/lines/2/productId"),
        ("NOT_FOUND", "input/lines/3/productId"),
        ("OUT_OF_STOCK", "input/lines/4/quantity"),
    }
    assert await stock(api, m.beras, m.seller) == 20 and await order_count(api, m.buyer) == 0


async def test_shop_choices_must_match_the_shops_in_the_cart(api: Api) -> None:
    m = await market(api)
    variables = cart([(m.beras, 1), (m.telur, 1)], [(m.shop, "pickup"), (m.shop, "pickup"), ({"id": "999999"}, "pickup")])
    errors = await api.fails(CHECKOUT, variables, m.buyer.token)
    assert {(e["code"], "/".join(e["field"])) for e in errors} == {
        ("INVALID", "input/shops/1/shopId"),
        ("INVALID", "input/shops/2/shopId"),
        ("REQUIRED", "input/shops"),
    }
    assert any("Warung Pak Harto" in e["message"] for e in errors)


async def test_unknown_delivery_provider_and_payment_method_are_named(api: Api) -> None:
    m = await market(api)
    errors = await api.fails(CHECKOUT, cart([(m.beras, 1)], [(m.shop, "gojek")], payment="CASH"), m.buyer.token)
    assert {(e["code"], "/".join(e["field"])) for e in errors} == {
        ("INVALID", "input/shops/0/deliveryProvider"), ("INVALID", "input/paymentMethod")
    }


async def test_shop_delivery_needs_a_valid_address_in_kota_malang(api: Api) -> None:
    m = await market(api)
    missing = await api.fails(CHECKOUT, cart([(m.telur, 1)], [(m.other_shop, "shop_courier")]), m.buyer.token)
    assert [(e["code"], e["field"]) for e in missing] == [("REQUIRED", ["input", "address"])]
    wrong = await api.fails(CHECKOUT, cart([(m.telur, 1)], [(m.other_shop, "shop_courier")],
                                           address={"kecamatan": "Lowokwaru", "kelurahan": "Kauman", "street": " "}),
                            m.buyer.token)
    assert {"/".join(e["field"]) for e in wrong} == {"input/address/kelurahan", "input/address/street"}
    outside = await api.fails(CHECKOUT, cart([(m.telur, 1)], [(m.other_shop, "shop_courier")],
                                             address={"kecamatan": "Batu", "kelurahan": "Sisir", "street": "Jl. Diponegoro"}),
                              m.buyer.token)
    assert [e["field"] for e in outside] == [["input", "address", "kecamatan"]]


async def test_shop_courier_is_not_available_where_the_shop_set_no_fee(api: Api) -> None:
    m = await market(api)
    address = {"kecamatan": "Sukun", "kelurahan": "Gadang", "street": "Jl. Kol. Sugiono 9"}
    errors = await api.fails(CHECKOUT, cart([(m.telur, 1)], [(m.other_shop, "shop_courier")], address=address),
                             m.buyer.token)
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_AVAILABLE", ["input", "shops", "0", "deliveryProvider"])]
    assert "Warung Pak Harto" in errors[0]["message"] and "Sukun" in errors[0]["message"]


async def test_pickup_is_not_available_when_the_shop_does_not_offer_it(api: Api) -> None:
    m = await market(api)
    seller = await sign_up(api, "SELLER")
    shop = await verified_shop(api, seller, m.officer, offersPickup=False)
    product = await add_product(api, seller, shop["id"])
    errors = await api.fails(CHECKOUT, cart([(product, 1)], [(shop, "pickup")]), m.buyer.token)
    assert errors[0]["code"] == "NOT_AVAILABLE" and errors[0]["field"] == ["input", "shops", "0", "deliveryProvider"]


async def test_cash_on_delivery_is_capped_per_order(api: Api) -> None:
    m = await market(api)
    mahal = await add_product(api, m.seller, m.shop["id"], name="Beras Premium 25 kg", packSize=25, price=400000, stock=10)
    errors = await api.fails(CHECKOUT, cart([(mahal, 6)], [(m.shop, "pickup")]), m.buyer.token)
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_AVAILABLE", ["input", "paymentMethod"])]
    assert "Rp2.000.000" in errors[0]["message"] and "Rp2.400.000" in errors[0]["message"]
    assert await stock(api, mahal, m.seller) == 10
    await check_out(api, m.buyer, cart([(mahal, 5)], [(m.shop, "pickup")]))


async def test_products_that_are_not_on_sale_cannot_be_bought(api: Api) -> None:
    m = await market(api)
    await api.ok(UPDATE_PRODUCT, {"id": m.minyak["id"], "input": {"isActive": False}}, m.seller.token)
    pending_seller = await sign_up(api, "SELLER")
    pending = (await api.ok(CREATE_SHOP, {"input": shop_input()}, pending_seller.token))["shop"]
    unverified = await add_product(api, pending_seller, pending["id"])
    errors = await api.fails(CHECKOUT, cart([(m.minyak, 1), (unverified, 1)], [(m.shop, "pickup"), (pending, "pickup")]),
                             m.buyer.token)
    assert [(e["code"], e["field"]) for e in errors] == [
        ("NOT_AVAILABLE", ["input", "lines", "0", "productId"]),
        ("NOT_FOUND", ["input", "lines", "1", "productId"]),
    ]


async def test_an_empty_cart_is_refused(api: Api) -> None:
    m = await market(api)
    errors = await api.fails(CHECKOUT, cart([], []), m.buyer.token)
    assert [(e["code"], e["field"]) for e in errors] == [("REQUIRED", ["input", "lines"])]


@pytest.mark.parametrize("who", ["seller", "officer", "nobody"])
async def test_only_buyers_check_out(api: Api, who: str) -> None:
    m = await market(api)
    token = {"seller": m.seller.token, "officer": m.officer.token, "nobody": None}[who]
    errors = await api.fails(CHECKOUT, cart([(m.beras, 1)], [(m.shop, "pickup")]), token)
    assert errors[0]["code"] == ("UNAUTHENTICATED" if who == "nobody" else "FORBIDDEN")
    assert await stock(api, m.beras, m.seller) == 20


async def test_a_note_reaches_the_seller_with_the_order(api: Api) -> None:
    m = await market(api)
    variables = cart([(m.beras, 1)], [(m.shop, "pickup")])
    variables["input"]["shops"][0]["note"] = "  Ambil sore, jam 4  "
    order = (await check_out(api, m.buyer, variables))["orders"][0]
    assert order["note"] == "Ambil sore, jam 4"
    variables["input"]["shops"][0]["note"] = "x" * 501
    errors = await api.fails(CHECKOUT, variables, m.buyer.token)
    assert errors[0]["field"] == ["input", "shops", "0", "note"]


async def test_the_checkout_form_lists_payment_methods_and_each_shops_delivery_options(api: Api) -> None:
    m = await market(api)
    methods = (await api.gql(PAYMENT_METHODS))["paymentMethods"]
    assert [(x["code"], x["provider"], x["cashOnDelivery"], x["maxAmount"]) for x in methods] == [
        ("COD", "cod", True, 2_000_000)
    ]
    without = (await api.gql(DELIVERY_OPTIONS, {"shop": m.shop["id"]}))["deliveryOptions"]
    assert [(o["provider"], o["kind"], o["fee"]) for o in without] == [("pickup", "PICKUP", 0)]
    lowokwaru = (await api.gql(DELIVERY_OPTIONS, {"shop": m.shop["id"], "kecamatan": "LOWOKWARU"}))["deliveryOptions"]
    assert [(o["provider"], o["service"], o["kind"], o["fee"]) for o in lowokwaru] == [
        ("pickup", "standard", "PICKUP", 0), ("shop_courier", "standard", "DELIVERY", 10000)
    ]
    sukun = (await api.gql(DELIVERY_OPTIONS, {"shop": m.shop["id"], "kecamatan": "Sukun"}))["deliveryOptions"]
    assert [o["provider"] for o in sukun] == ["pickup"]
    body = await api.post(DELIVERY_OPTIONS, {"shop": m.shop["id"], "kecamatan": "Batu"})
    assert body["errors"][0]["extensions"] == {"code": "INVALID", "field": ["kecamatan"]}
