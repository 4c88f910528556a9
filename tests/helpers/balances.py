"""A shop's balance for tests: its statement as its seller reads it, the city's totals, and payouts made through
GraphQL."""

from __future__ import annotations

import uuid
from typing import Any

from tests.helpers.api import Api
from tests.helpers.checkout import ERRORS
from tests.helpers.people import Person

SHOP_BALANCE = """
query($shop: ID!, $first: Int, $after: String) {
  shopBalance(shopId: $shop) {
    shopId balance
    entries(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { kind amount description payoutId } }
    }
    payouts { totalCount edges { node { id amount status provider providerReference bank accountNumber note } } }
    payoutAccount { bank accountNumber accountName }
  }
}"""
CITY_BALANCES = """
{ cityBalances {
    total { sales fees refunds payouts balance }
    byKecamatan { kecamatan sales fees refunds payouts balance }
    byShop { totalCount edges { node { shopId shopName kecamatan sales fees refunds payouts balance } } }
} }"""
PAYOUT_FIELDS = "id shopId amount status provider reference providerReference bank accountNumber accountName note paidAt"
PAY_OUT = f"""
mutation($input: PayOutShopInput!, $key: String!) {{
  payOutShop(input: $input, idempotencyKey: $key) {{ payout {{ {PAYOUT_FIELDS} }} {ERRORS} }}
}}"""
REFRESH_PAYOUT = f"mutation($id: ID!) {{ refreshPayout(id: $id) {{ payout {{ {PAYOUT_FIELDS} }} {ERRORS} }} }}"
SET_PAYOUT_ACCOUNT = f"""
mutation($shop: ID!, $input: PayoutAccountInput!) {{
  setPayoutAccount(shopId: $shop, input: $input) {{ account {{ bank accountNumber accountName }} {ERRORS} }}
}}"""
BCA = {"bank": "bca", "accountNumber": "0123456789", "accountName": "Endang Sulistyowati"}


async def shop_balance(api: Api, shop: dict[str, Any], person: Person, **paging: Any) -> dict[str, Any]:
    return (await api.gql(SHOP_BALANCE, {"shop": shop["id"], **paging}, person.token))["shopBalance"]


def entries(balance: dict[str, Any]) -> list[tuple[str, int]]:
    """The statement's (kind, amount), oldest first."""
    return [(e["node"]["kind"], e["node"]["amount"]) for e in reversed(balance["entries"]["edges"])]


def payout_input(shop: dict[str, Any], amount: int, provider: str = "manual", **extra: Any) -> dict[str, Any]:
    value: dict[str, Any] = {"shopId": shop["id"], "amount": amount, "provider": provider}
    if provider == "manual":
        value["transferReference"] = extra.pop("transferReference", f"BCA-TRF-{uuid.uuid4().hex[:10]}")
    return {**value, **extra}


async def pay_out(api: Api, officer: Person, shop: dict[str, Any], amount: int, key: str | None = None,
                  **extra: Any) -> dict[str, Any]:
    """The payOutShop payload (errors included), under `key` (a new one if None)."""
    variables = {"input": payout_input(shop, amount, **extra), "key": key or str(uuid.uuid4())}
    return (await api.gql(PAY_OUT, variables, officer.token))["payOutShop"]
