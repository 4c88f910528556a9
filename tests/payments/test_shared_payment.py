"""One payment for a whole cashless checkout (issue 14, section 1): a cart from two shops is one QRIS or one VA at the
gateway; its settlement pays both orders, its expiry cancels both and returns their stock, and each order is refunded on
its own against it. Over real HTTP to the fake Midtrans, as in test_cashless, on whichever database the suite uses."""

from __future__ import annotations

import asyncio
import datetime as dt
import random

from tests.helpers.checkout import (
    CHECKOUT, CHECKOUT_WITH_KEY, cart, market, order_count, stock, third_shop, with_payment,
)
from tests.helpers.payments import CANCEL, CONFIRM, REFUND, Live, charge_of, order_of, pay_two_shops
from umkm_graph.events import OrderStatusChanged, PaymentStatusChanged


async def test_a_cart_from_two_shops_is_one_qris_payment_and_settling_it_places_both_orders(live: Live) -> None:
    m = await market(live.api)
    orders = await pay_two_shops(live, m)
    charge = charge_of(live, orders)
    txn = live.fake.transactions[charge]
    whole = sum(order["total"] for order in orders)

    assert live.fake.count("charge") == 1 and txn.gross_amount == whole
    for order in orders:
        payment = order["payment"]
        assert order["status"] == "AWAITING_PAYMENT"
        assert (payment["status"], payment["gatewayAmount"]) == ("PENDING", whole)
        assert payment["amount"] == order["total"] < whole
        assert payment["action"]["qrString"] == txn.qr_string  # the same QR code on each order

    assert await live.fake.pay(charge) == 200

    for order, seller in zip(orders, (m.seller, m.other_seller), strict=True):
        paid = await order_of(live, order, m.buyer)
        assert (paid["status"], paid["payment"]["status"]) == ("PLACED", "PAID")
        assert [(h["gatewayStatus"], h["outcome"]) for h in paid["payment"]["history"]] == [("settlement", "PAID")]
        assert (await order_of(live, order, seller))["payment"]["status"] == "PAID"
    assert len(live.changes(OrderStatusChanged, to_status="PLACED")) == 2
    assert len(live.changes(PaymentStatusChanged, status="PAID")) == 2
    assert (live.fake.count("charge"), live.fake.count("status")) == (1, 1)  # one confirmation for both orders


async def test_the_shared_payment_expiring_cancels_every_order_and_returns_all_stock_once(live: Live) -> None:
    m = await market(live.api)
    orders = await pay_two_shops(live, m)
    charge = charge_of(live, orders)
    assert (await stock(live.api, m.beras, m.seller), await stock(live.api, m.telur, m.other_seller)) == (18, 9)

    report = await live.run_jobs(now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=61))

    assert (report.checked, report.expired) == (1, 1)  # one charge asked about, and expired, once
    for order in orders:
        final = await order_of(live, order, m.buyer)
        assert (final["status"], final["cancelReason"], final["payment"]["status"]) == (
            "CANCELLED", "Not paid in time", "EXPIRED")
    assert (await stock(live.api, m.beras, m.seller), await stock(live.api, m.telur, m.other_seller)) == (20, 10)
    assert live.fake.transactions[charge].status == "cancel"
    assert (live.fake.count("status"), live.fake.count("cancel")) == (1, 1)
    assert (await live.run_jobs(now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=62))).checked == 0


async def test_each_order_is_refunded_on_its_own_against_the_one_payment(live: Live) -> None:
    m = await market(live.api)
    beras, telur = await pay_two_shops(live, m)
    charge = charge_of(live, [beras, telur])
    await live.fake.pay(charge)

    errors = await live.api.fails(REFUND, {"id": beras["id"], "amount": beras["total"] + 1}, m.seller.token)
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID", ["amount"])]  # not more than this order's part
    await live.api.ok(REFUND, {"id": beras["id"], "amount": 20000}, m.seller.token)
    assert (await live.api.ok(CANCEL, {"id": telur["id"]}, m.buyer.token))["order"]["status"] == "CANCELLED"

    part, whole = (await order_of(live, beras, m.buyer))["payment"], (await order_of(live, telur, m.buyer))["payment"]
    assert (part["status"], part["refundedAmount"]) == ("PARTIALLY_REFUNDED", 20000)
    assert (whole["status"], whole["refundedAmount"]) == ("REFUNDED", telur["total"])
    txn = live.fake.transactions[charge]
    assert txn.refunds == {f"{beras['reference']}-R1-20000": 20000, f"{telur['reference']}-cancel": telur["total"]}
    assert txn.status == "partial_refund"
    assert (await stock(live.api, m.beras, m.seller), await stock(live.api, m.telur, m.other_seller)) == (18, 10)

    # The rest of the beras order, then nothing more: the gateway has given back exactly what was paid.
    assert (await live.api.ok(CANCEL, {"id": beras["id"]}, m.buyer.token))["order"]["status"] == "CANCELLED"
    assert (txn.refunded, txn.status) == (txn.gross_amount, "refund")


async def test_an_unpaid_order_of_a_shared_payment_cannot_be_cancelled_alone(live: Live) -> None:
    m = await market(live.api)
    orders = await pay_two_shops(live, m)

    errors = await live.api.fails(CANCEL, {"id": orders[0]["id"]}, m.buyer.token)

    assert [(e["code"], e["field"]) for e in errors] == [("INVALID_TRANSITION", ["id"])]
    assert "one payment" in errors[0]["message"]
    for order in orders:
        assert (await order_of(live, order, m.buyer))["status"] == "AWAITING_PAYMENT"
    assert live.fake.count("cancel") == 0 and await stock(live.api, m.beras, m.seller) == 18


async def test_one_virtual_account_pays_both_orders(live: Live) -> None:
    m = await market(live.api)
    orders = await pay_two_shops(live, m, payment="MIDTRANS_BNI_VA")
    charge = charge_of(live, orders)
    numbers = {order["payment"]["action"]["vaNumber"] for order in orders}
    assert numbers == {live.fake.transactions[charge].va_number} and live.fake.count("charge") == 1

    await live.fake.pay(charge)

    assert [(await order_of(live, order, m.buyer))["status"] for order in orders] == ["PLACED", "PLACED"]


async def test_a_storm_of_notifications_and_confirmations_settles_each_order_of_the_shared_payment_once(
    live: Live,
) -> None:
    m = await market(live.api)
    orders = await pay_two_shops(live, m)
    charge = charge_of(live, orders)
    await live.fake.pay(charge, notify=False)
    sends = [live.fake.notify(charge, live.fake.notification(charge, status=status))
             for status in ("pending", "settlement") for _ in range(5)]
    sends += [live.api.ok(CONFIRM, {"id": order["id"]}, m.buyer.token) for order in orders for _ in range(2)]
    random.Random(14).shuffle(sends)

    await asyncio.gather(*sends)

    for order in orders:
        final = await order_of(live, order, m.buyer)
        assert (final["status"], final["payment"]["status"]) == ("PLACED", "PAID")
        assert [h["toStatus"] for h in final["history"]] == ["AWAITING_PAYMENT", "PLACED"]
        history = final["payment"]["history"]
        assert [h["outcome"] for h in history].count("PAID") == 1
        assert sorted(h["gatewayStatus"] for h in history) == ["pending", "settlement"]
    assert len(live.changes(OrderStatusChanged, to_status="PLACED")) == 2
    assert len(live.changes(PaymentStatusChanged, status="PAID")) == 2


async def test_cash_for_one_shop_mixes_with_one_shared_qris_payment_for_the_others(live: Live) -> None:
    m = await market(live.api)
    third = await third_shop(live.api, m)
    variables = with_payment(cart([(m.beras, 1), (m.telur, 1), (third.gula, 2)],
                                  [(m.shop, "pickup"), (m.other_shop, "pickup"), (third.shop, "pickup")],
                                  payment="MIDTRANS_QRIS"), 0, "COD")

    made = (await live.api.ok(CHECKOUT, variables, m.buyer.token))["checkout"]["orders"]
    cash, *cashless = [await order_of(live, order, m.buyer) for order in made]

    assert (cash["status"], cash["payment"]["method"], cash["payment"]["gatewayAmount"]) == (
        "PLACED", "COD", cash["total"])
    charge = charge_of(live, cashless)
    assert live.fake.count("charge") == 1
    assert live.fake.transactions[charge].gross_amount == sum(order["total"] for order in cashless)
    await live.fake.pay(charge)
    assert [(await order_of(live, order, m.buyer))["status"] for order in cashless] == ["PLACED", "PLACED"]
    assert (await order_of(live, cash, m.buyer))["payment"]["status"] == "PENDING"  # the cash is still to come


async def test_one_cashless_shop_beside_cash_ones_keeps_a_payment_of_its_own(live: Live) -> None:
    m = await market(live.api)
    variables = with_payment(cart([(m.beras, 1), (m.telur, 1)], [(m.shop, "pickup"), (m.other_shop, "pickup")],
                                  payment="COD"), 1, "MIDTRANS_QRIS")

    cash, qris = (await live.api.ok(CHECKOUT, variables, m.buyer.token))["checkout"]["orders"]

    assert (cash["status"], qris["status"]) == ("PLACED", "AWAITING_PAYMENT")
    assert set(live.fake.transactions) == {qris["reference"]}  # named after its order, as a one-shop checkout is


async def test_two_cashless_methods_in_one_checkout_are_refused_and_nothing_is_charged(live: Live) -> None:
    m = await market(live.api)
    variables = with_payment(cart([(m.beras, 1), (m.telur, 1)], [(m.shop, "pickup"), (m.other_shop, "pickup")],
                                  payment="MIDTRANS_QRIS"), 1, "MIDTRANS_BNI_VA")

    errors = await live.api.fails(CHECKOUT, variables, m.buyer.token)

    assert [(e["code"], e["field"]) for e in errors] == [("NOT_AVAILABLE", ["input", "shops", "1", "paymentMethod"])]
    assert "one method" in errors[0]["message"]
    unknown = await live.api.fails(CHECKOUT, with_payment(variables, 1, "BITCOIN"), m.buyer.token)
    assert [(e["code"], e["field"]) for e in unknown] == [("INVALID", ["input", "shops", "1", "paymentMethod"])]
    assert live.fake.count() == 0 and await order_count(live.api, m.buyer) == 0


async def test_reconciliation_settles_every_order_of_a_shared_payment_whose_webhook_was_lost(live: Live) -> None:
    m = await market(live.api)
    orders = await pay_two_shops(live, m)
    await live.fake.pay(charge_of(live, orders), notify=False)

    report = await live.run_jobs(now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=61))

    assert (report.checked, report.settled, report.expired) == (1, 1, 0)
    assert [(await order_of(live, order, m.buyer))["status"] for order in orders] == ["PLACED", "PLACED"]
    assert (live.fake.count("status"), live.fake.count("cancel")) == (1, 0)


async def test_one_checkout_key_sent_many_times_at_once_leaves_one_live_shared_payment(live: Live) -> None:
    m = await market(live.api)
    variables = {**cart([(m.beras, 1), (m.telur, 1)], [(m.shop, "pickup"), (m.other_shop, "pickup")],
                        payment="MIDTRANS_QRIS"), "key": "2f1b6c1e-8d3a-4f6e-9b1a-14c0ffee0014"}

    answers = await asyncio.gather(*(live.api.gql(CHECKOUT_WITH_KEY, variables, m.buyer.token) for _ in range(6)))

    made = {answer["checkout"]["checkout"]["id"] for answer in answers}
    assert len(made) == 1 and await order_count(live.api, m.buyer) == 2
    orders = [await order_of(live, order, m.buyer) for order in answers[0]["checkout"]["checkout"]["orders"]]
    # Every send charged the gateway before the key decided; the losers' charges were cancelled again.
    (pending,) = [txn for txn in live.fake.transactions.values() if txn.status == "pending"]
    assert {order["payment"]["action"]["qrString"] for order in orders} == {pending.qr_string}
    assert pending.gross_amount == sum(order["total"] for order in orders)
    assert (await stock(live.api, m.beras, m.seller), await stock(live.api, m.telur, m.other_seller)) == (19, 9)
