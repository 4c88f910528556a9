"""A buyer who refuses cash-on-delivery orders at handover loses cash on delivery (issue 14, section 3): the seller
records each refusal (an order still at handover is cancelled, its stock back), and from UMKM_COD_REFUSALS_LIMIT
refusals (2 by default) checkout refuses COD for that buyer, naming the field and the reason, and paymentMethods says
why. Through GraphQL, over ASGI."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from tests.helpers.api import Api, serve
from tests.helpers.checkout import CHECKOUT, ERRORS, Market, cart, check_out, market, stock
from tests.helpers.delivery import courier_market, courier_world, delivered_by_courier, tell
from tests.helpers.orders import attempt
from tests.helpers.people import Person
from umkm_graph.settings import Settings

REFUSE = f"""
mutation($id: ID!, $reason: String!) {{
  recordCashRefusal(id: $id, reason: $reason) {{
    order {{ status payment {{ status }} history {{ toStatus by reason }} }} {ERRORS}
  }}
}}"""
METHODS = "{ paymentMethods { code cashOnDelivery unavailableReason } }"
WHY = "Pembeli menolak membayar di tempat"


async def ready_cod(api: Api, m: Market, buyer: Person | None = None) -> dict[str, Any]:
    (order,) = (await check_out(api, buyer or m.buyer, cart([(m.beras, 1)], [(m.shop, "pickup")])))["orders"]
    for name in ("acceptOrder", "markReadyForPickup"):
        assert (await attempt(api, name, order, m.seller))["errors"] == []
    return order


async def cod_reason(api: Api, person: Person) -> str | None:
    methods = (await api.gql(METHODS, token=person.token))["paymentMethods"]
    return next(method["unavailableReason"] for method in methods if method["cashOnDelivery"])


async def test_a_refusal_at_handover_cancels_the_order_and_gives_the_stock_back(api: Api) -> None:
    m = await market(api)
    order = await ready_cod(api, m)
    assert await stock(api, m.beras, m.seller) == 19
    assert (await api.fails(REFUSE, {"id": order["id"], "reason": WHY}, m.buyer.token))[0]["code"] == "FORBIDDEN"
    assert (await api.fails(REFUSE, {"id": order["id"], "reason": " "}, m.seller.token))[0]["field"] == ["reason"]

    refused = (await api.ok(REFUSE, {"id": order["id"], "reason": WHY}, m.seller.token))["order"]
    assert refused["status"] == "CANCELLED" and refused["payment"]["status"] == "CANCELLED"
    assert refused["history"][-1] == {"toStatus": "CANCELLED", "by": "SELLER", "reason": WHY}
    assert await stock(api, m.beras, m.seller) == 20
    again = await api.fails(REFUSE, {"id": order["id"], "reason": WHY}, m.seller.token)
    assert [(e["code"], e["field"]) for e in again] == [("ALREADY_EXISTS", ["id"])]

    (accepted,) = (await check_out(api, m.buyer, cart([(m.beras, 1)], [(m.shop, "pickup")])))["orders"]
    assert (await attempt(api, "acceptOrder", accepted, m.seller))["errors"] == []
    early = await api.fails(REFUSE, {"id": accepted["id"], "reason": WHY}, m.seller.token)
    assert early[0]["code"] == "INVALID_TRANSITION" and "cannot be refused by the buyer at handover" in early[0]["message"]


async def test_two_refusals_and_checkout_refuses_cash_on_delivery_for_that_buyer_only(api: Api) -> None:
    m = await market(api)
    for _ in range(2):
        order = await ready_cod(api, m)
        await api.ok(REFUSE, {"id": order["id"], "reason": WHY}, m.seller.token)

    errors = await api.fails(CHECKOUT, cart([(m.beras, 1)], [(m.shop, "pickup")]), m.buyer.token)
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_AVAILABLE", ["input", "paymentMethod"])]
    assert "you refused 2 cash-on-delivery orders at handover" in errors[0]["message"]
    assert await stock(api, m.beras, m.seller) == 20  # nothing was taken
    assert "you refused 2" in (await cod_reason(api, m.buyer) or "")
    other = (await market(api)).buyer
    assert await cod_reason(api, other) is None  # another buyer keeps cash on delivery
    await check_out(api, other, cart([(m.beras, 1)], [(m.shop, "pickup")]))


async def test_the_limit_is_a_setting(settings: Settings) -> None:
    async with serve(dataclasses.replace(settings, cod_refusals_limit=3)) as api:
        m = await market(api)
        for _ in range(2):
            order = await ready_cod(api, m)
            await api.ok(REFUSE, {"id": order["id"], "reason": WHY}, m.seller.token)
        assert await cod_reason(api, m.buyer) is None
        await check_out(api, m.buyer, cart([(m.beras, 1)], [(m.shop, "pickup")]))


async def test_a_courier_parcel_is_refused_once_the_courier_brings_it_back(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with courier_world(settings, monkeypatch) as world:
        api, fake = world.api, world.fake
        m = await courier_market(api)
        order, courier_id = await delivered_by_courier(api, fake, m, deliver=False)
        on_the_way = await api.fails(REFUSE, {"id": order["id"], "reason": WHY}, m.seller.token)
        assert "once the courier reports it returned" in on_the_way[0]["message"]
        await fake.advance(courier_id, "returned", notify=False)
        await tell(api, fake, json.dumps(fake.webhook_body(courier_id)).encode())

        refused = (await api.ok(REFUSE, {"id": order["id"], "reason": WHY}, m.seller.token))["order"]
        assert refused["status"] == "CANCELLED" and refused["history"][-1]["reason"] == "Courier: returned"
