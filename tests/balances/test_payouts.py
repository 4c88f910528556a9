"""Paying shops their balance (issue 14, section 2): the seller gives a bank account, a city officer pays part or all
of the balance through the built-in "manual" provider (a transfer made by hand, recorded with its bank reference). A
payout is idempotent under its key and never pays more than the balance. Over real HTTP to the fake Midtrans, whose
settled QRIS payment puts the money on the balance."""

from __future__ import annotations

from typing import Any

from tests.helpers.balances import (
    BCA, PAY_OUT, SET_PAYOUT_ACCOUNT, entries, pay_out, payout_input, shop_balance,
)
from tests.helpers.checkout import Market, market
from tests.helpers.payments import REFUND, Live, pay_by_qris

SALE = 2 * 67500  # pay_by_qris: 2 beras for pickup, no fee (UMKM_PLATFORM_FEE_BASIS_POINTS is 0 by default)


async def paid_market(live: Live) -> tuple[Market, dict[str, Any]]:
    """A market whose first shop has one settled QRIS order on its balance, and a bank account for payouts."""
    m = await market(live.api)
    order = await pay_by_qris(live, m)
    await live.fake.pay(order["reference"])
    await live.api.ok(SET_PAYOUT_ACCOUNT, {"shop": m.shop["id"], "input": BCA}, m.seller.token)
    return m, order


def codes(payload: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def test_a_manual_payout_records_the_transfer_and_takes_it_off_the_balance(live: Live) -> None:
    m, _ = await paid_market(live)

    paid = await pay_out(live.api, m.officer, m.shop, 100000, transferReference="BCA 0412 7781", note="Minggu 49")

    payout = paid["payout"]
    assert paid["errors"] == [] and payout["paidAt"] is not None
    assert (payout["status"], payout["provider"], payout["providerReference"]) == ("PAID", "manual", "BCA 0412 7781")
    assert (payout["bank"], payout["accountNumber"], payout["accountName"]) == (
        "bca", "0123456789", "Endang Sulistyowati")  # where the money went, as the account was then
    balance = await shop_balance(live.api, m.shop, m.seller)
    assert balance["balance"] == SALE - 100000
    assert entries(balance) == [("SALE", SALE), ("PAYOUT", -100000)]
    assert balance["entries"]["edges"][0]["node"]["payoutId"] == payout["id"]
    assert [p["node"]["id"] for p in balance["payouts"]["edges"]] == [payout["id"]]
    assert balance["payoutAccount"] == BCA


async def test_the_same_key_answers_the_first_payout_and_pays_nothing_more(live: Live) -> None:
    m, _ = await paid_market(live)
    first = await pay_out(live.api, m.officer, m.shop, 50000, key="po-2026-12-04-1", transferReference="TRF 1")

    again = await pay_out(live.api, m.officer, m.shop, 50000, key="po-2026-12-04-1", transferReference="TRF 1")
    other = await pay_out(live.api, m.officer, m.shop, 60000, key="po-2026-12-04-1", transferReference="TRF 1")

    assert again["payout"]["id"] == first["payout"]["id"] and again["errors"] == []
    assert codes(other) == [("ALREADY_EXISTS", ["idempotencyKey"])]
    assert (await shop_balance(live.api, m.shop, m.seller))["balance"] == SALE - 50000


async def test_a_payout_above_the_balance_is_refused_and_changes_nothing(live: Live) -> None:
    m, _ = await paid_market(live)
    await pay_out(live.api, m.officer, m.shop, SALE - 1000)

    refused = await pay_out(live.api, m.officer, m.shop, 1001)
    whole = await pay_out(live.api, m.officer, m.shop, 1000)

    assert codes(refused) == [("INSUFFICIENT_BALANCE", ["input", "amount"])]
    assert "Rp1.000" in refused["errors"][0]["message"]  # says what the balance is
    assert whole["payout"]["status"] == "PAID"
    after = await shop_balance(live.api, m.shop, m.seller)
    assert (after["balance"], after["payouts"]["totalCount"]) == (0, 2)


async def test_a_payout_names_each_wrong_field(live: Live) -> None:
    m, _ = await paid_market(live)
    no_reference = payout_input(m.shop, 1000, transferReference="")
    unknown = payout_input(m.shop, 0, provider="bank_jatim")
    async def errors(value: dict[str, Any], key: str = "k-1") -> list[tuple[str, list[str]]]:
        return codes((await live.api.gql(PAY_OUT, {"input": value, "key": key}, m.officer.token))["payOutShop"])

    assert await errors(no_reference) == [("REQUIRED", ["input", "transferReference"])]
    assert await errors(unknown) == [("NOT_FOUND", ["input", "provider"]), ("INVALID", ["input", "amount"])]
    assert await errors(payout_input(m.shop, 1000), key="has space") == [("INVALID", ["idempotencyKey"])]
    assert await errors(payout_input({"id": "999999"}, 1000)) == [("NOT_FOUND", ["input", "shopId"])]
    assert (await shop_balance(live.api, m.shop, m.seller))["balance"] == SALE


async def test_a_bank_account_names_each_wrong_field(live: Live) -> None:
    m = await market(live.api)
    wrong = {"bank": "Bank BCA!", "accountNumber": "12ab", "accountName": " "}

    payload = (await live.api.gql(SET_PAYOUT_ACCOUNT, {"shop": m.shop["id"], "input": wrong}, m.seller.token))
    fixed = await live.api.ok(SET_PAYOUT_ACCOUNT, {"shop": m.shop["id"], "input": {
        "bank": " BRI ", "accountNumber": "0021-01-000123-30-1", "accountName": "Endang  S"}}, m.seller.token)

    assert codes(payload["setPayoutAccount"]) == [
        ("INVALID", ["input", "bank"]), ("INVALID", ["input", "accountNumber"]), ("INVALID", ["input", "accountName"])]
    assert fixed["account"] == {"bank": "bri", "accountNumber": "002101000123301", "accountName": "Endang S"}


async def test_a_refund_after_a_payout_leaves_the_shop_owing_and_no_payout_until_sales_make_it_up(live: Live) -> None:
    m, order = await paid_market(live)
    await pay_out(live.api, m.officer, m.shop, SALE)

    await live.api.ok(REFUND, {"id": order["id"], "amount": 20000}, m.seller.token)

    owing = await shop_balance(live.api, m.shop, m.seller)
    assert owing["balance"] == -20000  # the buyer got the money back; the shop owes it to the platform
    assert codes(await pay_out(live.api, m.officer, m.shop, 1)) == [("INSUFFICIENT_BALANCE", ["input", "amount"])]
