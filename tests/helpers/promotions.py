"""Promotions for tests: a seller's promotion and a city programme made through GraphQL, and a checkout with voucher
codes that answers its orders' discounts."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from tests.helpers.api import Api
from tests.helpers.checkout import ERRORS
from tests.helpers.people import Person
from umkm_graph.core.wib import WIB

_codes = itertools.count(1)
PROMOTION_FIELDS = "id code kind value funder shopId productIds minSpend uses budget weekdays opds category asnOnly rewardFor"
CREATE_SHOP_PROMOTION = f"""
mutation($shopId: ID!, $input: ShopPromotionInput!) {{
  createShopPromotion(shopId: $shopId, input: $input) {{ promotion {{ {PROMOTION_FIELDS} }} {ERRORS} }}
}}
"""
CREATE_CITY_PROGRAMME = f"""
mutation($input: CityProgrammeInput!) {{
  createCityProgramme(input: $input) {{ promotion {{ {PROMOTION_FIELDS} }} {ERRORS} }}
}}
"""
END_PROMOTION = f"mutation($id: ID!) {{ endPromotion(id: $id) {{ promotion {{ id }} {ERRORS} }} }}"
DISCOUNTED = f"""
mutation($input: CheckoutInput!) {{
  checkout(input: $input) {{
    checkout {{ id total orders {{
      id subtotal deliveryFee discount total reference pickupCode shop {{ id }} payment {{ amount }}
      lines {{ product {{ id }} lineTotal discount }}
      discounts {{ code kind funder product: productId amount }}
    }} }}
    {ERRORS}
  }}
}}
"""


def new_code(prefix: str = "HEMAT") -> str:
    return f"{prefix}{next(_codes)}"


def promotion_input(**overrides: Any) -> dict[str, Any]:
    """10% off the whole shop from an hour ago for a week, no caps."""
    now = dt.datetime.now(WIB)
    values: dict[str, Any] = {"code": new_code(), "name": "Diskon Pembukaan", "kind": "PERCENT_OFF", "value": 10,
                              "startsAt": (now - dt.timedelta(hours=1)).isoformat(),
                              "endsAt": (now + dt.timedelta(days=7)).isoformat()}
    values.update(overrides)
    return values


async def shop_promotion(api: Api, seller: Person, shop: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    result = await api.ok(CREATE_SHOP_PROMOTION, {"shopId": shop["id"], "input": promotion_input(**overrides)},
                          seller.token)
    return result["promotion"]


def today_wib() -> int:
    return dt.datetime.now(WIB).isoweekday()


def programme_input(**overrides: Any) -> dict[str, Any]:
    """A city programme like Kamis Mbois, but running today: 20% off sembako for ASN, at verified shops."""
    values = promotion_input(code=new_code("MBOIS"), name="Kamis Mbois", value=20, budget=1_000_000,
                             asnOnly=True, category="sembako", weekdays=[today_wib()], verifiedShopsOnly=True)
    values.update(overrides)
    return values


async def city_programme(api: Api, officer: Person, **overrides: Any) -> dict[str, Any]:
    result = await api.ok(CREATE_CITY_PROGRAMME, {"input": programme_input(**overrides)}, officer.token)
    return result["promotion"]


def with_codes(variables: dict[str, Any], *codes: str) -> dict[str, Any]:
    return {"input": {**variables["input"], "voucherCodes": list(codes)}}


async def discounted(api: Api, buyer: Person, variables: dict[str, Any], *codes: str) -> dict[str, Any]:
    """The checkout with these codes; its payload (checkout or errors)."""
    return (await api.gql(DISCOUNTED, with_codes(variables, *codes), buyer.token))["checkout"]


def refusal(payload: dict[str, Any]) -> tuple[str, list[str]]:
    """The one error of a refused checkout: its code and field."""
    assert payload["checkout"] is None, payload
    (error,) = payload["errors"]
    return error["code"], error["field"]
