"""The balance ledger's invariants as a property (issue 14): after a 2-shop cashless checkout is paid, Hypothesis draws
sequences of partial refunds, cancellations, repeated notifications and payouts, over real HTTP against the fake
Midtrans. The checkout is paid by QRIS (refunded by the gateway) or by virtual account (whose refunds are owed, and
paid to the buyer through the payout path by hand). After each, every settled rupiah is in exactly one shop's balance,
paid out to it, or refunded; and what the sellers, the city and the gateway see agrees."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.helpers.balances import CITY_BALANCES, pay_out, shop_balance
from tests.helpers.checkout import market
from tests.helpers.payments import CANCEL, REFUND, Live, order_of, pay_two_shops
from tests.helpers.refunds import give_account, pay_owed, refunds_of
from umkm_graph.settings import Settings

EXAMPLES = 8
Step = tuple[str, int, float]  # (what, which shop's order, what share of what is left)
STEPS = st.lists(st.tuples(st.sampled_from(["refund", "cancel", "payout", "notify", "repay"]), st.integers(0, 1),
                           st.floats(0.01, 1.0)), min_size=1, max_size=6)
METHODS = st.sampled_from(["MIDTRANS_QRIS", "MIDTRANS_BNI_VA"])


@pytest.fixture
def live_settings(settings: Settings) -> Settings:
    # Every example signs five people up from one address: more than the registration throttle lets through when
    # Hypothesis shrinks a failure.
    return dataclasses.replace(settings, provider_timeout_seconds=1.0, provider_retries=2,
                               registrations_per_address=10_000)


async def test_every_settled_rupiah_is_on_one_balance_paid_out_or_refunded(live: Live) -> None:
    loop = asyncio.get_running_loop()

    async def play(method: str, steps: list[Step]) -> None:
        m = await market(live.api)
        orders = await pay_two_shops(live, m, payment=method)
        action = orders[0]["payment"]["action"]
        code = action["qrString"] or action["vaNumber"]
        (charge,) = [ref for ref, txn in live.fake.transactions.items() if code in (txn.qr_string, txn.va_number)]
        await live.fake.pay(charge)
        parties = [(m.shop, m.seller), (m.other_shop, m.other_seller)]
        for what, which, share in steps:
            shop, seller = parties[which]
            if what == "refund":
                payment = (await order_of(live, orders[which], m.buyer))["payment"]
                left = payment["amount"] - payment["refundedAmount"]
                await live.api.gql(REFUND, {"id": orders[which]["id"], "amount": max(1, int(left * share))},
                                   seller.token)
            elif what == "cancel":
                await live.api.gql(CANCEL, {"id": orders[which]["id"]}, m.buyer.token)
            elif what == "notify":
                await live.fake.notify(charge)
            elif what == "repay":  # the owed refunds of the order, paid to the buyer by hand
                for refund in await refunds_of(live, orders[which], m.buyer):
                    if refund["status"] == "OWED":
                        await give_account(live.api, m.buyer, refund)
                        assert (await pay_owed(live.api, m.officer, refund))["refund"]["status"] == "PAID"
            else:
                balance = (await shop_balance(live.api, shop, seller))["balance"]
                if int(balance * share) > 0:
                    assert (await pay_out(live.api, m.officer, shop, int(balance * share)))["errors"] == []
                refused = await pay_out(live.api, m.officer, shop, max(balance, 0) + 1)
                assert [e["code"] for e in refused["errors"]] == ["INSUFFICIENT_BALANCE"]

        held = by_transfer = 0
        for order, (shop, seller) in zip(orders, parties, strict=True):
            payment = (await order_of(live, order, m.buyer))["payment"]
            refunds = await refunds_of(live, order, m.buyer)
            by_transfer += sum(r["amount"] for r in refunds if r["route"] == "TRANSFER")
            balance = await shop_balance(live.api, shop, seller)
            paid_out = sum(p["node"]["amount"] for p in balance["payouts"]["edges"] if p["node"]["status"] == "PAID")
            assert balance["balance"] + paid_out == payment["amount"] - payment["refundedAmount"]
            held += balance["balance"] + paid_out
        txn = live.fake.transactions[charge]
        # The gateway's net, less what is owed or paid to the buyer by transfer, is the shops' in all.
        assert held == txn.gross_amount - txn.refunded - by_transfer
        assert method == "MIDTRANS_BNI_VA" or by_transfer == 0
        city = (await live.api.gql(CITY_BALANCES, token=m.officer.token))["cityBalances"]["byShop"]["edges"]
        ours = {node["node"]["shopId"]: node["node"]["balance"] for node in city}
        for shop, seller in parties:
            assert ours[shop["id"]] == (await shop_balance(live.api, shop, seller))["balance"]

    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(method=METHODS, steps=STEPS)
    def run(method: str, steps: list[Step]) -> None:
        asyncio.run_coroutine_threadsafe(play(method, steps), loop).result()

    await asyncio.to_thread(run)
