"""Who sees what of an order, asked of the service alone: the rules a report or a CLI command gets without GraphQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from tortoise.context import TortoiseContext

from umkm_graph.db import tortoise_config
from umkm_graph.orders.models import Order
from umkm_graph.orders.states import Party
from umkm_graph.orders.visibility import BuyerCard, OrderSight, can_see_order
from umkm_graph.people.models import Role, User

BUYER, SELLER, OFFICER, STRANGER = 1, 2, 3, 4


@pytest.fixture(autouse=True)
async def models() -> AsyncIterator[None]:
    async with TortoiseContext() as context:  # model instances need initialised models, not tables
        await context.init(config=tortoise_config("sqlite://:memory:"))
        yield


def person(user_id: int, role: Role = Role.BUYER) -> User:
    return User(id=user_id, name=f"person {user_id}", email=f"{user_id}@example.id", phone=f"08{user_id}", role=role)


def an_order() -> Order:
    return Order(id=9, buyer_id=BUYER, shop_id=5, pickup_code="K7Q2")


def sight(user: User | None) -> OrderSight:
    return OrderSight.of(user, an_order(), shop_owner_id=SELLER)


def test_the_buyer_the_seller_and_officers_see_the_order_and_nobody_else() -> None:
    assert sight(person(BUYER)).party == Party.BUYER
    assert sight(person(SELLER, Role.SELLER)).party == Party.SELLER
    seen = {who: can_see_order(user, an_order(), SELLER) for who, user in {
        "buyer": person(BUYER), "seller": person(SELLER, Role.SELLER), "officer": person(OFFICER, Role.CITY_OFFICER),
        "stranger": person(STRANGER), "analyst": person(STRANGER, Role.ANALYST), "anonymous": None}.items()}
    assert seen == {"buyer": True, "seller": True, "officer": True, "stranger": False, "analyst": False,
                    "anonymous": False}


def test_pickup_code_tracking_and_payment_details_are_for_the_two_parties_only() -> None:
    for user in (person(BUYER), person(SELLER, Role.SELLER)):
        assert sight(user).pickup_code(an_order()) == "K7Q2"
        assert sight(user).sees_tracking and sight(user).sees_payment_details
    officer = sight(person(OFFICER, Role.CITY_OFFICER))
    assert officer.sees_order
    assert officer.pickup_code(an_order()) is None
    assert not officer.sees_tracking and not officer.sees_payment_details


def test_the_seller_sees_the_buyers_name_only() -> None:
    buyer = person(BUYER)
    assert sight(person(SELLER, Role.SELLER)).buyer(buyer) == BuyerCard(id=None, name="person 1", phone=None)
    assert sight(buyer).buyer(buyer) == BuyerCard(id=BUYER, name="person 1", phone="081")
    assert sight(person(OFFICER, Role.CITY_OFFICER)).buyer(buyer) == BuyerCard(id=BUYER, name="person 1", phone="081")
