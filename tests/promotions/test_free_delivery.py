"""Free-delivery vouchers, funded by the shop or by the city, and the stacking rules (promotions/__init__.py): one code
per place (a shop's discount, the city's discount, free delivery), so a shop's discount, a programme and one free
delivery stack, while two free deliveries do not. Through GraphQL, on SQLite and on PostgreSQL."""

from __future__ import annotations

from tests.helpers.api import Api
from tests.helpers.checkout import ADDRESS, cart, market
from tests.helpers.promotions import city_programme, discounted, refusal, shop_promotion


async def test_a_shops_free_delivery_takes_the_whole_fee_of_its_own_order_only(api: Api) -> None:
    m = await market(api)
    free = await shop_promotion(api, m.seller, m.shop, kind="FREE_DELIVERY", value=0)
    variables = cart([(m.beras, 1), (m.telur, 1)], [(m.shop, "shop_courier"), (m.other_shop, "shop_courier")],
                     address=ADDRESS)

    result = await discounted(api, m.buyer, variables, free["code"])

    ours, theirs = sorted(result["checkout"]["orders"], key=lambda o: o["shop"]["id"] != m.shop["id"])
    assert ours["discounts"] == [{"code": free["code"], "kind": "FREE_DELIVERY", "funder": "SHOP", "product": None,
                                  "amount": 10000}]
    assert (ours["deliveryFee"], ours["discount"], ours["total"]) == (10000, 10000, 67500)
    assert [line["discount"] for line in ours["lines"]] == [0]
    assert (theirs["deliveryFee"], theirs["discount"], theirs["total"]) == (8000, 0, 36000)


async def test_the_citys_free_delivery_covers_every_delivered_order_up_to_its_cap(api: Api) -> None:
    m = await market(api)
    free = await city_programme(api, m.officer, kind="FREE_DELIVERY", value=0, maxDiscount=9000, asnOnly=False)
    variables = cart([(m.beras, 1), (m.telur, 1)], [(m.shop, "shop_courier"), (m.other_shop, "shop_courier")],
                     address=ADDRESS)

    result = await discounted(api, m.buyer, variables, free["code"])

    ours, theirs = sorted(result["checkout"]["orders"], key=lambda o: o["shop"]["id"] != m.shop["id"])
    assert [(d["funder"], d["amount"]) for d in ours["discounts"]] == [("CITY", 9000)]  # of 10.000
    assert [(d["funder"], d["amount"]) for d in theirs["discounts"]] == [("CITY", 8000)]
    assert result["checkout"]["total"] == 67500 + 1000 + 28000


async def test_free_delivery_on_a_pickup_has_nothing_to_take(api: Api) -> None:
    m = await market(api)
    free = await shop_promotion(api, m.seller, m.shop, kind="FREE_DELIVERY", value=0)

    refused = await discounted(api, m.buyer, cart([(m.beras, 1)], [(m.shop, "pickup")]), free["code"])

    assert refusal(refused) == ("VOUCHER_NOT_ELIGIBLE", ["input", "voucherCodes", "0"])


async def test_a_shops_discount_a_programme_and_one_free_delivery_stack(api: Api) -> None:
    m = await market(api)
    shops = await shop_promotion(api, m.seller, m.shop, kind="AMOUNT_OFF", value=7500)
    programme = await city_programme(api, m.officer, asnOnly=False, value=10)
    free = await city_programme(api, m.officer, kind="FREE_DELIVERY", value=0, asnOnly=False)
    variables = cart([(m.beras, 1)], [(m.shop, "shop_courier")], address=ADDRESS)

    result = await discounted(api, m.buyer, variables, free["code"], programme["code"], shops["code"])

    (order,) = result["checkout"]["orders"]
    # 7.500 off the beras, then 10% of the 60.000 left, then the 10.000 fee
    assert sorted((d["code"], d["funder"], d["amount"]) for d in order["discounts"]) == sorted([
        (shops["code"], "SHOP", 7500), (programme["code"], "CITY", 6000), (free["code"], "CITY", 10000)])
    assert (order["subtotal"] + order["deliveryFee"], order["discount"], order["total"]) == (77500, 23500, 54000)


async def test_two_free_deliveries_or_two_discounts_of_one_shop_do_not_stack(api: Api) -> None:
    m = await market(api)
    shop_free = await shop_promotion(api, m.seller, m.shop, kind="FREE_DELIVERY", value=0)
    city_free = await city_programme(api, m.officer, kind="FREE_DELIVERY", value=0, asnOnly=False)
    ten, twenty = await shop_promotion(api, m.seller, m.shop), await shop_promotion(api, m.seller, m.shop, value=20)
    variables = cart([(m.beras, 1)], [(m.shop, "shop_courier")], address=ADDRESS)

    assert refusal(await discounted(api, m.buyer, variables, shop_free["code"], city_free["code"])) == (
        "VOUCHER_NOT_STACKABLE", ["input", "voucherCodes", "1"])
    assert refusal(await discounted(api, m.buyer, variables, ten["code"], twenty["code"]))[0] == "VOUCHER_NOT_STACKABLE"
