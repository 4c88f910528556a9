"""What the city owes a shop for its programmes' vouchers is on the shop's balance: a city-funded discount is credited
when the order is paid, by cash on delivery or cashless, so the shop is owed its full price; a cancelled order gives
it back with the voucher. A shop's own promotion is the shop's to bear, so it owes nothing."""

from __future__ import annotations

from tests.helpers.balances import entries, shop_balance
from tests.helpers.checkout import cart, market
from tests.helpers.orders import attempt
from tests.helpers.payments import CANCEL, Live
from tests.helpers.promotions import city_programme, discounted, shop_promotion

BERAS = 67_500


async def test_a_city_programmes_discount_is_owed_to_the_shop_once_the_cash_is_confirmed(live: Live) -> None:
    m = await market(live.api)
    code = (await city_programme(live.api, m.officer, asnOnly=False))["code"]  # 20% off sembako
    own = (await shop_promotion(live.api, m.seller, m.shop, kind="AMOUNT_OFF", value=1_000))["code"]
    (order,) = (await discounted(live.api, m.buyer, cart([(m.beras, 2)], [(m.shop, "pickup")]), code, own))[
        "checkout"]["orders"]
    city_part = (2 * BERAS - 1_000) * 20 // 100  # the shop's discount first, then the city's off what is left
    assert order["total"] == 2 * BERAS - 1_000 - city_part
    assert entries(await shop_balance(live.api, m.shop, m.seller)) == []  # nothing is owed before it is paid

    seen = await live.api.gql("query($id: ID!) { order(id: $id) { pickupCode } }", {"id": order["id"]}, m.buyer.token)
    for step in ("acceptOrder", "markReadyForPickup", "markDelivered", "confirmCashCollected"):
        moved = await attempt(live.api, step, order, m.seller, pickupCode=seen["order"]["pickupCode"])
        assert moved["errors"] == [], step
    balance = await shop_balance(live.api, m.shop, m.seller)
    assert entries(balance) == [("CITY_SUBSIDY", city_part)] and balance["balance"] == city_part


async def test_a_cashless_order_with_a_city_voucher_puts_its_full_price_on_the_balance_until_cancelled(
        live: Live) -> None:
    m = await market(live.api)
    code = (await city_programme(live.api, m.officer, asnOnly=False))["code"]
    variables = cart([(m.beras, 2)], [(m.shop, "pickup")], payment="MIDTRANS_QRIS")
    (order,) = (await discounted(live.api, m.buyer, variables, code))["checkout"]["orders"]
    city_part = 2 * BERAS * 20 // 100
    await live.fake.pay(order["reference"])
    await live.fake.notify(order["reference"])  # told twice: credited once
    paid = await shop_balance(live.api, m.shop, m.seller)
    assert entries(paid) == [("SALE", 2 * BERAS - city_part), ("CITY_SUBSIDY", city_part)]
    assert paid["balance"] == 2 * BERAS  # the shop is owed its full price: the buyer's part and the city's

    cancelled = await live.api.post(CANCEL, {"id": order["id"]}, m.seller.token)
    assert not cancelled.get("errors"), cancelled
    after = await shop_balance(live.api, m.shop, m.seller)
    assert sorted(entries(after)[-2:]) == [("REFUND", -(2 * BERAS - city_part)), ("SUBSIDY_RETURNED", -city_part)]
    assert after["balance"] == 0
