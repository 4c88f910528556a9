"""Payouts through Midtrans Iris (issue 14, section 2), over real HTTP: the app beside the fake Midtrans (whose settled
QRIS payment is the shop's balance) and the fake Iris. A payout is created and approved at Iris and stays PENDING until
the bank is done (refreshPayout finds it PAID); one Iris refuses, at once or later, is FAILED and its money is the
shop's again; a lost answer is retried under the same idempotency key, so Iris pays once."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from umkm_midtrans.fake_iris import FakeIris

from tests.helpers.balances import BCA, REFRESH_PAYOUT, SET_PAYOUT_ACCOUNT, entries, pay_out, shop_balance
from tests.helpers.checkout import Market, market
from tests.helpers.payments import Live, pay_by_qris, serve_live
from tests.helpers.refunds import started_iris
from umkm_graph.settings import Settings

SALE = 2 * 67500


@pytest.fixture
async def iris(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeIris]:
    async with started_iris(monkeypatch) as fake:
        yield fake


@pytest.fixture
async def live(iris: FakeIris, live_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Live]:
    """The app over real HTTP beside a fake Midtrans, started once the Iris keys are set."""
    async with serve_live(live_settings, monkeypatch) as running:
        yield running


async def paid_market(live: Live, account: dict[str, str] = BCA) -> Market:
    m = await market(live.api)
    order = await pay_by_qris(live, m)
    await live.fake.pay(order["reference"])
    await live.api.ok(SET_PAYOUT_ACCOUNT, {"shop": m.shop["id"], "input": account}, m.seller.token)
    return m


async def refresh(live: Live, m: Market, payout: dict[str, Any]) -> dict[str, Any]:
    return (await live.api.ok(REFRESH_PAYOUT, {"id": payout["id"]}, m.officer.token))["payout"]


async def test_an_iris_payout_waits_for_the_bank_then_is_paid(live: Live, iris: FakeIris) -> None:
    m = await paid_market(live)

    sent = (await pay_out(live.api, m.officer, m.shop, 100000, provider="midtrans_iris"))["payout"]

    assert (sent["status"], sent["provider"]) == ("PENDING", "midtrans_iris")
    sent_to = iris.payouts[sent["providerReference"]]
    assert (sent_to.status, sent_to.amount, sent_to.bank, sent_to.account) == ("processed", 100000, "bca", "0123456789")
    assert (await shop_balance(live.api, m.shop, m.seller))["balance"] == SALE - 100000  # reserved while it waits
    assert (await refresh(live, m, sent))["status"] == "PENDING"

    iris.complete(sent["providerReference"])
    paid = await refresh(live, m, sent)

    assert paid["status"] == "PAID" and paid["paidAt"] is not None
    assert (iris.count("create"), iris.count("approve")) == (1, 1)
    assert entries(await shop_balance(live.api, m.shop, m.seller)) == [("SALE", SALE), ("PAYOUT", -100000)]


async def test_a_payout_iris_refuses_at_once_is_failed_and_its_money_stays_the_shops(live: Live, iris: FakeIris) -> None:
    m = await paid_market(live)
    iris.refuse_account(BCA["accountNumber"])

    payload = await pay_out(live.api, m.officer, m.shop, 100000, provider="midtrans_iris")

    assert payload["errors"] == []
    assert payload["payout"]["status"] == "FAILED" and "invalid" in payload["payout"]["note"].lower()
    balance = await shop_balance(live.api, m.shop, m.seller)
    assert entries(balance) == [("SALE", SALE), ("PAYOUT", -100000), ("PAYOUT_RETURNED", 100000)]
    assert balance["balance"] == SALE


async def test_a_payout_the_bank_fails_later_returns_its_money_once(live: Live, iris: FakeIris) -> None:
    m = await paid_market(live)
    sent = (await pay_out(live.api, m.officer, m.shop, SALE, provider="midtrans_iris"))["payout"]
    iris.fail(sent["providerReference"], "Rekening tidak aktif")

    failed = await refresh(live, m, sent)
    again = await refresh(live, m, sent)

    assert (failed["status"], failed["note"]) == ("FAILED", "Rekening tidak aktif")
    assert again["status"] == "FAILED"
    balance = await shop_balance(live.api, m.shop, m.seller)
    assert [kind for kind, _ in entries(balance)] == ["SALE", "PAYOUT", "PAYOUT_RETURNED"]
    assert balance["balance"] == SALE


async def test_a_lost_answer_is_retried_under_the_same_key_and_iris_pays_once(live: Live, iris: FakeIris) -> None:
    m = await paid_market(live)
    iris.unanswered_approvals = 1  # approved, but the answer is a 503: the host tries the payout again

    sent = (await pay_out(live.api, m.officer, m.shop, 50000, provider="midtrans_iris"))["payout"]

    assert sent["status"] == "PENDING" and len(iris.payouts) == 1
    assert iris.count("create") == 2  # the retry, under the same X-Idempotency-Key, found the first payout
    iris.complete(sent["providerReference"])
    assert (await refresh(live, m, sent))["status"] == "PAID"


async def test_a_gateway_payout_needs_the_sellers_bank_account(live: Live) -> None:
    m = await market(live.api)
    order = await pay_by_qris(live, m)
    await live.fake.pay(order["reference"])

    payload = await pay_out(live.api, m.officer, m.shop, 1000, provider="midtrans_iris")

    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("NOT_AVAILABLE", ["input", "shopId"])]


async def test_the_jobs_follow_a_pending_payout_once_the_request_that_sent_it_is_done(
    live: Live, iris: FakeIris,
) -> None:
    m = await paid_market(live)
    sent = (await pay_out(live.api, m.officer, m.shop, 100000, provider="midtrans_iris"))["payout"]
    iris.complete(sent["providerReference"])
    asked_before = iris.count("status")

    soon = await live.run_jobs()  # the sending request holds it for a while: the jobs leave it alone
    later = await live.run_jobs(now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=3))
    after = await live.run_jobs(now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=6))

    assert (soon.payouts, later.payouts, later.payouts_done, after.payouts) == (0, 1, 1, 0)
    assert iris.count("status") == asked_before + 1
    paid = (await shop_balance(live.api, m.shop, m.seller))["payouts"]["edges"][0]["node"]
    assert (paid["id"], paid["status"]) == (sent["id"], "PAID")
