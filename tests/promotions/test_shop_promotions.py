"""A seller's promotions at checkout: percent or amount off the whole shop or chosen products, floored per line and
recorded per line with the shop as funder; the order's total stays exact; minimum spend, dates and caps refuse with
their codes; cancelling gives the use back. Through GraphQL, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt

from tests.helpers.api import Api
from tests.helpers.catalog import add_product
from tests.helpers.checkout import ADDRESS, cart, market
from tests.helpers.orders import attempt
from tests.helpers.payments import Live
from tests.helpers.people import sign_up
from tests.helpers.promotions import (
    CREATE_SHOP_PROMOTION,
    DISCOUNTED,
    END_PROMOTION,
    discounted,
    promotion_input,
    refusal,
    shop_promotion,
    with_codes,
)
from umkm_graph.core.wib import WIB

CHECKOUT_CART = """
mutation($input: CartCheckoutInput!) {
  checkoutCart(input: $input) { checkout { total orders { discount discounts { code amount } } } errors { code field } }
}
"""
ADD_TO_CART = "mutation($p: ID!, $q: Int!) { addToCart(productId: $p, quantity: $q) { errors { code } } }"


async def test_percent_off_the_whole_shop_is_floored_per_line_and_recorded_per_line_as_the_shops(api: Api) -> None:
    m = await market(api)
    aren = await add_product(api, m.seller, m.shop["id"], category="gula", name="Gula Aren 500 g", price=12345)
    promotion = await shop_promotion(api, m.seller, m.shop, value=15)

    result = await discounted(api, m.buyer, cart([(m.beras, 1), (aren, 1)], [(m.shop, "pickup")]), promotion["code"])

    (order,) = result["checkout"]["orders"]
    # 15% of 67.500 is 10.125; 15% of 12.345 is 1.851,75, floored to 1.851
    assert [line["discount"] for line in order["lines"]] == [10125, 1851]
    assert {(d["product"], d["amount"], d["funder"]) for d in order["discounts"]} == {
        (m.beras["id"], 10125, "SHOP"), (aren["id"], 1851, "SHOP")}
    assert (order["subtotal"], order["discount"], order["total"]) == (79845, 11976, 67869)
    assert order["payment"]["amount"] == 67869 == result["checkout"]["total"]


async def test_an_amount_off_chosen_products_is_split_over_their_lines_to_the_rupiah(api: Api) -> None:
    m = await market(api)
    promotion = await shop_promotion(api, m.seller, m.shop, kind="AMOUNT_OFF", value=10000,
                                     productIds=[m.beras["id"], m.minyak["id"]])
    variables = cart([(m.beras, 1), (m.minyak, 1), (m.telur, 1)], [(m.shop, "shop_courier"), (m.other_shop, "pickup")],
                     address=ADDRESS)

    result = await discounted(api, m.buyer, variables, promotion["code"])

    ours, theirs = sorted(result["checkout"]["orders"], key=lambda o: o["shop"]["id"] != m.shop["id"])
    # pro rata 8.112,98 and 1.887,02: floors 8.112 and 1.887, the rupiah left to the larger remainder
    assert [line["discount"] for line in ours["lines"]] == [8113, 1887]
    assert (ours["subtotal"], ours["deliveryFee"], ours["discount"], ours["total"]) == (83200, 10000, 10000, 83200)
    assert theirs["discount"] == 0 and theirs["discounts"] == []
    assert result["checkout"]["total"] == 83200 + 28000


async def test_each_wrong_code_is_refused_with_its_own_code_and_nothing_is_ordered(api: Api) -> None:
    m = await market(api)
    now = dt.datetime.now(WIB)
    minimum = await shop_promotion(api, m.seller, m.shop, minSpend=100000)
    later = await shop_promotion(api, m.seller, m.shop, startsAt=(now + dt.timedelta(days=1)).isoformat())
    ended = await shop_promotion(api, m.seller, m.shop)
    await api.ok(END_PROMOTION, {"id": ended["id"]}, m.seller.token)
    elsewhere = await shop_promotion(api, m.other_seller, m.other_shop)
    beras = cart([(m.beras, 1)], [(m.shop, "pickup")])

    assert refusal(await discounted(api, m.buyer, beras, "TIDAKADA")) == (
        "VOUCHER_UNKNOWN", ["input", "voucherCodes", "0"])
    assert refusal(await discounted(api, m.buyer, beras, minimum["code"].lower())) == (
        "VOUCHER_MIN_SPEND", ["input", "voucherCodes", "0"])
    assert refusal(await discounted(api, m.buyer, beras, later["code"]))[0] == "VOUCHER_NOT_STARTED"
    assert refusal(await discounted(api, m.buyer, beras, ended["code"]))[0] == "VOUCHER_EXPIRED"
    assert refusal(await discounted(api, m.buyer, beras, elsewhere["code"]))[0] == "VOUCHER_NOT_ELIGIBLE"
    assert refusal(await discounted(api, m.buyer, beras, later["code"], minimum["code"])) == (
        "VOUCHER_NOT_STARTED", ["input", "voucherCodes", "0"])
    assert (await api.gql("{ myOrders { totalCount } }", token=m.buyer.token))["myOrders"]["totalCount"] == 0


async def test_the_caps_refuse_the_use_past_them_and_a_cancelled_order_gives_its_use_back(api: Api) -> None:
    m = await market(api)
    promotion = await shop_promotion(api, m.seller, m.shop, maxUses=2, maxUsesPerBuyer=1)
    beras = cart([(m.beras, 1)], [(m.shop, "pickup")])
    second_buyer, third_buyer = await sign_up(api), await sign_up(api)

    first = (await discounted(api, m.buyer, beras, promotion["code"]))["checkout"]["orders"][0]
    assert refusal(await discounted(api, m.buyer, beras, promotion["code"]))[0] == "VOUCHER_BUYER_CAP_REACHED"
    assert (await discounted(api, second_buyer, beras, promotion["code"]))["errors"] == []
    assert refusal(await discounted(api, third_buyer, beras, promotion["code"]))[0] == "VOUCHER_CAP_REACHED"

    cancelled = await attempt(api, "cancelOrder", first, m.buyer, reason="salah pesan")
    assert cancelled["errors"] == []
    promotions = await api.gql("query($s: ID!) { shopPromotions(shopId: $s) { code uses } }", {"s": m.shop["id"]},
                               m.seller.token)
    assert promotions["shopPromotions"] == [{"code": promotion["code"], "uses": 1}]
    assert (await discounted(api, third_buyer, beras, promotion["code"]))["errors"] == []
    # the buyer's own use came back too: what stops them now is the total cap, not theirs
    assert refusal(await discounted(api, m.buyer, beras, promotion["code"]))[0] == "VOUCHER_CAP_REACHED"


async def test_checkout_from_the_cart_takes_voucher_codes_too(api: Api) -> None:
    m = await market(api)
    promotion = await shop_promotion(api, m.seller, m.shop, kind="AMOUNT_OFF", value=5000)
    await api.ok(ADD_TO_CART, {"p": m.beras["id"], "q": 2}, m.buyer.token)
    choices = {"shops": [{"shopId": m.shop["id"], "deliveryProvider": "pickup"}], "paymentMethod": "COD",
               "voucherCodes": [promotion["code"]]}

    result = (await api.gql(CHECKOUT_CART, {"input": choices}, m.buyer.token))["checkoutCart"]

    assert result["errors"] == []
    assert result["checkout"]["total"] == 135000 - 5000
    assert result["checkout"]["orders"][0]["discounts"] == [{"code": promotion["code"], "amount": 5000}]


async def test_a_seller_is_told_every_wrong_field_of_a_promotion(api: Api) -> None:
    m = await market(api)
    now = dt.datetime.now(WIB)
    wrong = promotion_input(code="x", value=150, endsAt=(now - dt.timedelta(days=2)).isoformat(), maxUses=1,
                            maxUsesPerBuyer=2, productIds=[m.telur["id"]])

    result = (await api.gql(CREATE_SHOP_PROMOTION, {"shopId": m.shop["id"], "input": wrong}, m.seller.token))

    fields = {(e["code"], ".".join(e["field"])) for e in result["createShopPromotion"]["errors"]}
    assert fields == {("INVALID", "input.code"), ("INVALID", "input.value"), ("INVALID", "input.endsAt"),
                      ("INVALID", "input.maxUsesPerBuyer"), ("NOT_FOUND", "input.productIds.0")}
    taken = await shop_promotion(api, m.seller, m.shop)
    again = await api.gql(CREATE_SHOP_PROMOTION, {"shopId": m.shop["id"], "input": promotion_input(code=taken["code"])},
                          m.seller.token)
    assert [e["code"] for e in again["createShopPromotion"]["errors"]] == ["ALREADY_EXISTS"]
    someone_elses = await api.gql(CREATE_SHOP_PROMOTION, {"shopId": m.shop["id"], "input": promotion_input()},
                                  m.other_seller.token)
    assert [e["code"] for e in someone_elses["createShopPromotion"]["errors"]] == ["NOT_FOUND"]


async def test_the_same_code_twice_is_refused(api: Api) -> None:
    m = await market(api)
    promotion = await shop_promotion(api, m.seller, m.shop)
    result = await api.gql(DISCOUNTED, with_codes(cart([(m.beras, 1)], [(m.shop, "pickup")]), promotion["code"],
                                                  promotion["code"]), m.buyer.token)
    assert refusal(result["checkout"]) == ("INVALID", ["input", "voucherCodes", "1"])



REFUND = """
mutation($order: ID!, $amount: Rupiah!) {
  refundPayment(orderId: $order, amount: $amount, reason: "Beras apek") { errors { code field } }
}
"""


async def test_a_cashless_gateway_charges_the_discounted_total_and_a_whole_refund_gives_the_use_back(live: Live) -> None:
    m = await market(live.api)
    promotion = await shop_promotion(live.api, m.seller, m.shop, maxUsesPerBuyer=1)  # 10%
    qris = cart([(m.beras, 2)], [(m.shop, "pickup")], payment="MIDTRANS_QRIS")
    order = (await discounted(live.api, m.buyer, qris, promotion["code"]))["checkout"]["orders"][0]
    assert order["total"] == 135000 - 13500
    charge = live.fake.transactions[order["reference"]]
    assert charge.gross_amount == 121500
    await live.fake.pay(order["reference"])

    refund = {"order": order["id"], "amount": 1000}
    assert (await live.api.gql(REFUND, refund, m.seller.token))["refundPayment"]["errors"] == []
    assert refusal(await discounted(live.api, m.buyer, qris, promotion["code"]))[0] == "VOUCHER_BUYER_CAP_REACHED"
    rest = {"order": order["id"], "amount": 121500 - 1000}
    assert (await live.api.gql(REFUND, rest, m.seller.token))["refundPayment"]["errors"] == []
    assert (await discounted(live.api, m.buyer, qris, promotion["code"]))["errors"] == []
