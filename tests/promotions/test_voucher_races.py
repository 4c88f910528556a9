"""The last-voucher race on PostgreSQL, as the last-item race is for stock (tests/checkout/test_races.py): 200 buyers
check out with a voucher capped at 10 uses, at once; exactly 10 orders are discounted, and the others are refused with
VOUCHER_CAP_REACHED and order nothing. And a city programme's budget, raced the same way, is never overspent.

PostgreSQL only (UMKM_TEST_DATABASE_URL): SQLite has one writer at a time, so its checkouts queue up. One round each,
to keep CI cheap (the stock race runs the rounds)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter

import pytest

from tests.helpers.api import Api, serve
from tests.helpers.catalog import add_product
from tests.helpers.database import TEST_DATABASE_URL
from tests.helpers.people import buyer_tokens, city_person, sign_up
from tests.helpers.promotions import DISCOUNTED, city_programme, shop_promotion
from tests.helpers.shops import verified_shop
from umkm_graph.orders.models import Order
from umkm_graph.promotions.models import OrderDiscount, Promotion
from umkm_graph.settings import Settings

BUYERS = 200
USES = 10

pytestmark = pytest.mark.skipif(
    not (TEST_DATABASE_URL or "").startswith("postgres"),
    reason="the last-voucher race needs PostgreSQL (set UMKM_TEST_DATABASE_URL): SQLite runs one writer at a time",
)


async def _race(api: Api, tokens: list[str], shop_id: str, product_id: str, code: str) -> Counter[str]:
    cart = {"lines": [{"productId": product_id, "quantity": 1}], "shops": [{"shopId": shop_id, "deliveryProvider": "pickup"}],
            "paymentMethod": "COD", "voucherCodes": [code]}

    async def buy(token: str) -> str:
        result = (await api.gql(DISCOUNTED, {"input": cart}, token))["checkout"]
        return "ORDERED" if not result["errors"] else result["errors"][0]["code"]

    return Counter(await asyncio.gather(*(buy(token) for token in tokens)))


async def test_200_buyers_racing_for_the_last_10_uses_of_a_voucher_get_exactly_10_discounted_orders(
    settings: Settings,
) -> None:
    racing = dataclasses.replace(settings, database_url=f"{settings.database_url}?minsize=1&maxsize=20",
                                 rate_limit_per_ip=0, rate_limit_per_user=0)
    async with serve(racing) as api:
        officer, seller = await city_person(api), await sign_up(api, "SELLER")
        shop = await verified_shop(api, seller, officer)
        product = await add_product(api, seller, shop["id"], stock=BUYERS)
        tokens = await buyer_tokens(racing, BUYERS)
        voucher = await shop_promotion(api, seller, shop, kind="AMOUNT_OFF", value=5000, maxUses=USES)

        outcomes = await _race(api, tokens, shop["id"], product["id"], voucher["code"])

        print(f"\nvoucher race: {dict(outcomes)}")
        assert outcomes == Counter({"ORDERED": USES, "VOUCHER_CAP_REACHED": BUYERS - USES})
        assert await Order.filter(shop_id=int(shop["id"])).count() == USES
        assert await OrderDiscount.filter(use__promotion_id=int(voucher["id"])).count() == USES
        assert (await Promotion.get(id=int(voucher["id"]))).uses == USES


async def test_a_programme_budget_raced_by_200_buyers_is_spent_to_the_rupiah_and_never_over(settings: Settings) -> None:
    racing = dataclasses.replace(settings, database_url=f"{settings.database_url}?minsize=1&maxsize=20",
                                 rate_limit_per_ip=0, rate_limit_per_user=0)
    async with serve(racing) as api:
        officer, seller = await city_person(api), await sign_up(api, "SELLER")
        shop = await verified_shop(api, seller, officer)
        product = await add_product(api, seller, shop["id"], stock=BUYERS)  # beras at Rp67.500: 20% is Rp13.500
        tokens = await buyer_tokens(racing, BUYERS, prefix="programme")
        programme = await city_programme(api, officer, asnOnly=False, budget=USES * 13500 + 13499)

        outcomes = await _race(api, tokens, shop["id"], product["id"], programme["code"])

        print(f"\nbudget race: {dict(outcomes)}")
        assert outcomes == Counter({"ORDERED": USES, "BUDGET_EXHAUSTED": BUYERS - USES})
        spent = sum(await OrderDiscount.filter(use__promotion_id=int(programme["id"])).values_list("amount", flat=True))
        assert spent == (await Promotion.get(id=int(programme["id"]))).spent == USES * 13500
