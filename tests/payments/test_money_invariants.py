"""Money invariants of the shared payment as a property (issue 14): Hypothesis draws sequences of settlements, repeated
notifications, refunds, cancellations and expiries over 2-shop cashless checkouts, run over real HTTP against the fake
Midtrans on whichever database the suite uses, with payouts to the shops between them. After each sequence no payment is
refunded beyond what it was paid, each order's status agrees with its refunds, the gateway's refunded total is the
orders' own, the stock on the shelf is what the orders still hold away from it, and every settled rupiah is in its
shop's balance, paid out to the shop, or refunded (section 2's ledger)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.helpers.balances import pay_out, shop_balance
from tests.helpers.checkout import market, stock
from tests.helpers.payments import CANCEL, REFUND, Live, order_of, pay_two_shops

EXAMPLES = 8
Step = tuple[str, int, float]  # (what, which order, what share of what is left to refund)
STEPS = st.lists(st.tuples(st.sampled_from(["pay", "notify", "refund", "cancel", "expire", "payout"]),
                           st.integers(0, 1), st.floats(0.01, 1.0)), max_size=6)
SETTLED_AT_GATEWAY = ("settlement", "partial_refund", "refund")
BOUGHT = (2, 1)  # what pay_two_shops buys: 2 beras from the one shop, 1 telur from the other


async def test_no_sequence_of_money_operations_breaks_the_ledgers(live: Live) -> None:
    loop = asyncio.get_running_loop()

    async def play(steps: list[Step]) -> None:
        m = await market(live.api)  # a market of its own per sequence, so none runs out of stock
        start = (await stock(live.api, m.beras, m.seller), await stock(live.api, m.telur, m.other_seller))
        orders = await pay_two_shops(live, m)
        qr = orders[0]["payment"]["action"]["qrString"]
        (charge,) = [ref for ref, txn in live.fake.transactions.items() if txn.qr_string == qr]
        for what, which, share in [*steps, ("expire", 0, 1.0)]:  # an unpaid payment always ends expired
            order = await order_of(live, orders[which], m.buyer)
            if what == "pay":
                await live.fake.pay(charge)
            elif what == "notify" and live.fake.transactions[charge].status != "pending":
                await live.fake.notify(charge)
            elif what == "refund":
                left = order["payment"]["amount"] - order["payment"]["refundedAmount"]
                seller = m.seller if which == 0 else m.other_seller
                await live.api.gql(REFUND, {"id": order["id"], "amount": max(1, int(left * share))}, seller.token)
            elif what == "cancel":
                await live.api.gql(CANCEL, {"id": order["id"]}, m.buyer.token)
            elif what == "expire" and live.fake.transactions[charge].status == "pending":
                await live.run_jobs(now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=61))
            elif what == "payout":
                shop, seller = (m.shop, m.seller) if which == 0 else (m.other_shop, m.other_seller)
                balance = (await shop_balance(live.api, shop, seller))["balance"]
                if int(balance * share) > 0:
                    assert (await pay_out(live.api, m.officer, shop, int(balance * share)))["errors"] == []
        orders = [await order_of(live, order, m.buyer) for order in orders]
        check_one_checkout(orders, live.fake.transactions[charge])
        on_shelf = (await stock(live.api, m.beras, m.seller), await stock(live.api, m.telur, m.other_seller))
        away = [0 if order["status"] == "CANCELLED" else bought for order, bought in zip(orders, BOUGHT, strict=True)]
        assert on_shelf == (start[0] - away[0], start[1] - away[1])
        for order, (shop, seller) in zip(orders, [(m.shop, m.seller), (m.other_shop, m.other_seller)], strict=True):
            await check_shop_balance(live, order, shop, seller)

    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(steps=STEPS)
    def run(steps: list[Step]) -> None:
        asyncio.run_coroutine_threadsafe(play(steps), loop).result()

    await asyncio.to_thread(run)


async def check_shop_balance(live: Live, order: dict[str, Any], shop: dict[str, Any], seller: Any) -> None:
    """What the shop's order brought (settled, less refunds) is on its balance or was paid out to it: no rupiah lost,
    none counted twice (no platform fee: UMKM_PLATFORM_FEE_BASIS_POINTS is 0 by default)."""
    payment = order["payment"]
    settled = payment["status"] in ("PAID", "PARTIALLY_REFUNDED", "REFUNDED")
    owed = payment["amount"] - payment["refundedAmount"] if settled else 0
    balance = await shop_balance(live.api, shop, seller)
    paid_out = sum(p["node"]["amount"] for p in balance["payouts"]["edges"] if p["node"]["status"] == "PAID")
    assert balance["balance"] + paid_out == owed


def check_one_checkout(orders: list[dict[str, Any]], txn: Any) -> None:
    payments = [order["payment"] for order in orders]
    for order, payment in zip(orders, payments, strict=True):
        assert 0 <= payment["refundedAmount"] <= payment["amount"] == order["total"]
        assert payment["gatewayAmount"] == txn.gross_amount == sum(p["amount"] for p in payments)
    if txn.status in SETTLED_AT_GATEWAY:
        assert txn.refunded == sum(p["refundedAmount"] for p in payments)  # the gateway and the orders agree
        for order, payment in zip(orders, payments, strict=True):
            refunded, amount = payment["refundedAmount"], payment["amount"]
            expected = "PAID" if refunded == 0 else "REFUNDED" if refunded == amount else "PARTIALLY_REFUNDED"
            assert payment["status"] == expected
            assert order["status"] != "AWAITING_PAYMENT"
    else:
        assert txn.status in ("cancel", "expire") and txn.refunded == 0
        assert [(o["status"], o["payment"]["status"]) for o in orders] == [("CANCELLED", "EXPIRED")] * 2
