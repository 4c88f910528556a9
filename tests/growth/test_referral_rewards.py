"""Referral rewards (issue 17, section 2): a city reward programme's voucher is granted by the order jobs to the
referrer and/or the new buyer when the new buyer completes a first order while it runs, once, and only its holders
may use it (once per grant, given back with a cancelled order)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from tests.helpers.api import Api
from tests.helpers.city import Market, market, move_order, purchase
from tests.helpers.people import Person, referred, sign_up
from tests.helpers.promotions import DISCOUNTED, city_programme, new_code
from umkm_graph.growth.rewards import grant_referral_rewards

VOUCHERS = "{ myRewardVouchers { programme { code rewardFor } reason usable } }"
CANCEL = "mutation($id: ID!) { cancelOrder(id: $id, reason: \"Salah pesan\") { errors { code field message } } }"


async def _reward_programme(api: Api, m: Market, reward_for: str) -> dict[str, Any]:
    """Rp10,000 off any line at any shop, for whom the referral rewards."""
    return await city_programme(api, m.officer, code=new_code("AJAK"), name="Ajak Teman Belanja", kind="AMOUNT_OFF",
                                value=10_000, budget=1_000_000, asnOnly=False, category=None, weekdays=[],
                                verifiedShopsOnly=False, rewardFor=reward_for)


async def _checkout(api: Api, m: Market, buyer: Person, code: str) -> dict[str, Any]:
    cart = {"lines": [{"productId": m.beras, "quantity": 1}], "shops": [{"shopId": m.klojen, "deliveryProvider": "pickup"}],
            "paymentMethod": "COD", "voucherCodes": [code]}
    return (await api.gql(DISCOUNTED, {"input": cart}, buyer.token))["checkout"]


async def _vouchers(api: Api, person: Person) -> list[tuple[str, str, bool]]:
    held = (await api.gql(VOUCHERS, token=person.token))["myRewardVouchers"]
    return [(v["programme"]["code"], v["reason"], v["usable"]) for v in held]


async def test_a_referred_buyers_first_completed_order_rewards_both_once(api: Api) -> None:
    m = await market(api)
    programme = await _reward_programme(api, m, "BOTH")
    code = programme["code"]
    assert programme["rewardFor"] == "BOTH"
    inviter = await sign_up(api, name="Bu Ani")
    friend = await referred(api, inviter)
    refused = await _checkout(api, m, inviter, code)
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("VOUCHER_NOT_ELIGIBLE", ["input", "voucherCodes", "0"])]
    assert await grant_referral_rewards() == 0, "no order completed yet"

    await purchase(api, friend, m.seller, m.klojen, [(m.beras, 1)])
    # Two jobs processes at once grant it once between them.
    assert sorted(await asyncio.gather(grant_referral_rewards(), grant_referral_rewards())) == [0, 2]
    await purchase(api, friend, m.seller, m.klojen, [(m.beras, 1)])
    assert await grant_referral_rewards() == 0, "a second completed order grants nothing"
    assert await _vouchers(api, inviter) == [(code, "REFERRER", True)]
    assert await _vouchers(api, friend) == [(code, "REFERRED", True)]

    used = await _checkout(api, m, inviter, code)
    assert used["errors"] == []
    (order,) = used["checkout"]["orders"]
    assert (order["subtotal"], order["discount"], order["total"]) == (67_500, 10_000, 57_500)
    assert order["discounts"] == [{"code": code, "kind": "AMOUNT_OFF", "funder": "CITY", "product": m.beras,
                                   "amount": 10_000}]
    again = await _checkout(api, m, inviter, code)
    assert [e["code"] for e in again["errors"]] == ["VOUCHER_NOT_ELIGIBLE"] and again["checkout"] is None
    assert await _vouchers(api, inviter) == [(code, "REFERRER", False)]
    await api.ok(CANCEL, {"id": order["id"]}, inviter.token)
    assert await _vouchers(api, inviter) == [(code, "REFERRER", True)], "a cancelled order gives the use back"

    stranger = await sign_up(api)
    assert [e["code"] for e in (await _checkout(api, m, stranger, code))["errors"]] == ["VOUCHER_NOT_ELIGIBLE"]
    assert await _vouchers(api, stranger) == []


async def test_only_a_first_order_completed_while_the_programme_runs_is_rewarded(api: Api) -> None:
    m = await market(api)
    inviter = await sign_up(api, name="Pak Budi")
    early, late = await referred(api, inviter), await referred(api, inviter)
    bought_early = await purchase(api, early, m.seller, m.klojen, [(m.beras, 1)])
    assert await grant_referral_rewards() == 0, "no reward programme runs: the referral waits"
    await move_order(bought_early, dt.datetime.now(dt.UTC) - dt.timedelta(hours=3))  # before the programme began
    programme = await _reward_programme(api, m, "REFERRER")
    await purchase(api, late, m.seller, m.klojen, [(m.beras, 1)])

    assert await grant_referral_rewards() == 1, "the late one's inviter; the early one had bought before"
    assert await grant_referral_rewards() == 0
    assert await _vouchers(api, inviter) == [(programme["code"], "REFERRER", True)]
    assert await _vouchers(api, late) == [], "the programme rewards referrers only"
