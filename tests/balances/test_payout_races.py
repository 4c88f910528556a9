"""Payouts racing on PostgreSQL: 40 payouts of Rp10,000 sent at once against a balance of Rp135,000 pay exactly 13, and
the balance never goes below zero, even for a moment; 20 sends of one key at once make one payout. Over real HTTP to the
app beside the fake Midtrans, whose settled QRIS payment is the balance.

PostgreSQL only (UMKM_TEST_DATABASE_URL): SQLite has one writer at a time, so its payouts queue up and there is no
race to lose."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections import Counter

import pytest

from tests.helpers.balances import SET_PAYOUT_ACCOUNT, BCA, pay_out, shop_balance
from tests.helpers.checkout import market
from tests.helpers.database import TEST_DATABASE_URL
from tests.helpers.payments import Live, pay_by_qris
from umkm_graph.balances.ledger import balance_of
from umkm_graph.settings import Settings

SALE = 2 * 67500
PAYOUT = 10000

pytestmark = pytest.mark.skipif(
    not (TEST_DATABASE_URL or "").startswith("postgres"),
    reason="the payout race needs PostgreSQL (set UMKM_TEST_DATABASE_URL): SQLite runs one writer at a time",
)


@pytest.fixture
def live_settings(settings: Settings) -> Settings:
    # A pool of 20 connections, so that payouts really overlap in the database; no rate limits for one client.
    return dataclasses.replace(settings, database_url=f"{settings.database_url}?minsize=1&maxsize=20",
                               rate_limit_per_ip=0, rate_limit_per_user=0, provider_timeout_seconds=5.0)


async def _lowest_balance(shop_id: int, done: asyncio.Event, seen: list[int]) -> None:
    while not done.is_set():
        seen.append(await balance_of(shop_id))
        await asyncio.sleep(0.005)


async def test_40_payouts_at_once_against_a_balance_for_13_pay_exactly_13_and_one_key_pays_once(live: Live) -> None:
    m = await market(live.api)
    order = await pay_by_qris(live, m)
    await live.fake.pay(order["reference"])
    await live.api.ok(SET_PAYOUT_ACCOUNT, {"shop": m.shop["id"], "input": BCA}, m.seller.token)
    done, seen = asyncio.Event(), []
    watcher = asyncio.create_task(_lowest_balance(int(m.shop["id"]), done, seen))

    async def send(key: str) -> str:
        payload = await pay_out(live.api, m.officer, m.shop, PAYOUT, key=key, transferReference="TRF")
        return payload["payout"]["status"] if not payload["errors"] else payload["errors"][0]["code"]

    outcomes = Counter(await asyncio.gather(*(send(str(uuid.uuid4())) for _ in range(40))))
    done.set()
    await watcher

    assert outcomes == {"PAID": SALE // PAYOUT, "INSUFFICIENT_BALANCE": 40 - SALE // PAYOUT}, outcomes
    after = await shop_balance(live.api, m.shop, m.seller)
    assert after["balance"] == SALE % PAYOUT == 5000 and min(seen) >= 0
    assert after["payouts"]["totalCount"] == SALE // PAYOUT

    key = str(uuid.uuid4())
    same = await asyncio.gather(*(pay_out(live.api, m.officer, m.shop, 1000, key=key, transferReference="TRF")
                                  for _ in range(20)))
    assert {payload["payout"]["id"] for payload in same} == {same[0]["payout"]["id"]}
    assert all(payload["errors"] == [] for payload in same)
    assert (await shop_balance(live.api, m.shop, m.seller))["balance"] == 4000
