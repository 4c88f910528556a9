"""Idempotency keys on checkout (hardening II, item 8): a client that sends one checkout twice, or twenty times at once,
or again after its answer was lost, gets one order and the same answer each time; the same key on another cart is an
error naming the key. Over real HTTP, on SQLite and on PostgreSQL (UMKM_TEST_DATABASE_URL)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from typing import Any

import pytest

from tests.helpers.checkout import CHECKOUT_WITH_KEY, cart, market, order_count, stock
from tests.helpers.payments import Live
from tests.helpers.people import sign_up
from umkm_graph.payments.models import IdempotencyKey
from umkm_graph.settings import UNPAID_CAPS, Settings


@pytest.fixture(params=["unpaid caps on", "unpaid caps off"])
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """Both ways a checkout is written on PostgreSQL: in a transaction that counts the buyer's unpaid orders first,
    or (no caps) in one statement."""
    return dataclasses.replace(settings, **UNPAID_CAPS) if request.param == "unpaid caps on" else settings


KEY = "5b3f0a52-8d1e-4f55-9c1a-0d3c2f6e7a10"


async def _send(live: Live, token: str, variables: dict[str, Any], key: str | None = KEY) -> dict[str, Any]:
    return (await live.api.gql(CHECKOUT_WITH_KEY, {**variables, "key": key}, token))["checkout"]


async def _set_stock(live: Live, token: str, product: dict[str, Any], units: int) -> None:
    await live.api.ok("mutation($id: ID!, $stock: Int!) { setStock(id: $id, stock: $stock) { product { id } "
                      "errors { code field message } } }", {"id": product["id"], "stock": units}, token)


async def test_twenty_concurrent_sends_of_one_checkout_make_one_order_and_answer_it_twenty_times(live: Live) -> None:
    m = await market(live.api)
    variables = cart([(m.beras, 2)], [(m.shop, "pickup")])

    answers = await asyncio.gather(*(_send(live, m.buyer.token, variables) for _ in range(20)))

    assert [a["errors"] for a in answers] == [[]] * 20
    assert len({a["checkout"]["id"] for a in answers}) == 1
    assert len({a["checkout"]["orders"][0]["id"] for a in answers}) == 1
    assert await order_count(live.api, m.buyer) == 1
    assert await stock(live.api, m.beras, m.seller) == 18
    assert await IdempotencyKey.all().count() == 1


async def test_a_retry_after_a_lost_answer_answers_the_first_checkout_and_takes_nothing_more(live: Live) -> None:
    m = await market(live.api)
    variables = cart([(m.beras, 2), (m.telur, 1)], [(m.shop, "pickup"), (m.other_shop, "pickup")])
    first = await _send(live, m.buyer.token, variables)

    again = await _send(live, m.buyer.token, variables)

    assert again == first and again["errors"] == [] and len(again["checkout"]["orders"]) == 2
    assert await order_count(live.api, m.buyer) == 2
    assert (await stock(live.api, m.beras, m.seller), await stock(live.api, m.telur, m.other_seller)) == (18, 9)


async def test_the_same_key_on_another_cart_is_refused_naming_the_key(live: Live) -> None:
    m = await market(live.api)
    await _send(live, m.buyer.token, cart([(m.beras, 2)], [(m.shop, "pickup")]))

    other = await _send(live, m.buyer.token, cart([(m.beras, 3)], [(m.shop, "pickup")]))

    assert other["checkout"] is None
    assert [(e["code"], e["field"]) for e in other["errors"]] == [("ALREADY_EXISTS", ["idempotencyKey"])]
    assert "another request" in other["errors"][0]["message"]
    assert await order_count(live.api, m.buyer) == 1 and await stock(live.api, m.beras, m.seller) == 18


async def test_keys_are_each_buyers_own(live: Live) -> None:
    m = await market(live.api)
    neighbour = await sign_up(live.api, name="Bu Sri")
    variables = cart([(m.beras, 1)], [(m.shop, "pickup")])

    mine, theirs = await _send(live, m.buyer.token, variables), await _send(live, neighbour.token, variables)

    assert mine["errors"] == theirs["errors"] == []
    assert mine["checkout"]["id"] != theirs["checkout"]["id"]
    assert await stock(live.api, m.beras, m.seller) == 18


async def test_a_failed_checkout_keeps_no_key_so_the_buyer_can_retry_it(live: Live) -> None:
    m = await market(live.api)
    await _set_stock(live, m.seller.token, m.beras, 5)
    variables = cart([(m.beras, 8)], [(m.shop, "pickup")])
    failed = await _send(live, m.buyer.token, variables)
    assert [e["code"] for e in failed["errors"]] == ["OUT_OF_STOCK"]
    await _set_stock(live, m.seller.token, m.beras, 30)

    retried = await _send(live, m.buyer.token, variables)

    assert retried["errors"] == [] and await stock(live.api, m.beras, m.seller) == 22


async def test_a_key_is_kept_for_the_set_hours_and_then_starts_a_new_checkout(live: Live) -> None:
    m = await market(live.api)
    variables = cart([(m.beras, 1)], [(m.shop, "pickup")])
    first = await _send(live, m.buyer.token, variables)
    kept = dt.timedelta(hours=live.app.state.settings.idempotency_key_hours)
    await IdempotencyKey.all().update(created_at=dt.datetime.now(dt.UTC) - kept + dt.timedelta(minutes=1))
    assert (await _send(live, m.buyer.token, variables))["checkout"]["id"] == first["checkout"]["id"]

    await IdempotencyKey.all().update(created_at=dt.datetime.now(dt.UTC) - kept - dt.timedelta(minutes=1))
    later = await _send(live, m.buyer.token, variables)

    assert later["errors"] == [] and later["checkout"]["id"] != first["checkout"]["id"]
    assert await order_count(live.api, m.buyer) == 2 and await IdempotencyKey.all().count() == 1


async def test_a_key_that_is_empty_too_long_or_not_printable_ascii_is_refused_naming_it(live: Live) -> None:
    m = await market(live.api)
    variables = cart([(m.beras, 1)], [(m.shop, "pickup")])
    for key in ("", "x" * 101, "kunci rahasia", "kunci\u200b1"):
        answer = await _send(live, m.buyer.token, variables, key)
        assert [(e["code"], e["field"]) for e in answer["errors"]] == [("INVALID", ["idempotencyKey"])], key
    assert await order_count(live.api, m.buyer) == 0


async def test_without_a_key_each_checkout_is_a_new_one_as_before(live: Live) -> None:
    m = await market(live.api)
    variables = cart([(m.beras, 1)], [(m.shop, "pickup")])

    answers = [await _send(live, m.buyer.token, variables, None) for _ in range(2)]

    assert answers[0]["checkout"]["id"] != answers[1]["checkout"]["id"]
    assert await stock(live.api, m.beras, m.seller) == 18 and await IdempotencyKey.all().count() == 0


async def test_twenty_concurrent_cashless_sends_make_one_payment_and_cancel_every_other_charge(live: Live) -> None:
    # Each send asks the gateway for a charge before it writes, and the gateway takes its time, so the sends overlap
    # on every database: the ones that lose the race on the key roll back, cancel their charge, and answer the
    # winner's checkout.
    m = await market(live.api)
    variables = cart([(m.beras, 2)], [(m.shop, "pickup")], payment="MIDTRANS_QRIS")
    live.fake.delay = 0.3

    answers = await asyncio.gather(*(_send(live, m.buyer.token, variables) for _ in range(20)))

    assert [a["errors"] for a in answers] == [[]] * 20 and len({a["checkout"]["id"] for a in answers}) == 1
    (order,) = answers[0]["checkout"]["orders"]
    assert await order_count(live.api, m.buyer) == 1 and await stock(live.api, m.beras, m.seller) == 18
    pending = [ref for ref, txn in live.fake.transactions.items() if txn.status == "pending"]
    assert pending == [order["reference"]]
    assert live.fake.count("charge") == live.fake.count("cancel") + 1 > 1
