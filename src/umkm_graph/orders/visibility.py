"""Who sees what of an order: the order itself, its buyer's contact, its pickup code, its courier tracking and its
payment's details. Every reader of orders (the GraphQL types, a report, a CLI command) asks here, so none can forget a
rule.

- The order: its buyer, its shop's seller, and city officers; nobody else learns that it exists.
- The buyer's contact (id, phone): the buyer and city officers; the seller sees the name only.
- The pickup code, the courier's tracking, how to pay and what the gateway reported: the buyer and the seller only.
"""

from __future__ import annotations

from dataclasses import dataclass

from umkm_graph.orders.models import Order
from umkm_graph.orders.states import Party
from umkm_graph.people.models import Role, User


def party_of(user: User | None, order: Order, shop_owner_id: int) -> Party | None:
    """The side of the order the user is on, if any."""
    if user is None:
        return None
    return side_of(user.id, order, shop_owner_id)


def side_of(user_id: int | None, order: Order, shop_owner_id: int) -> Party | None:
    """The side a user id is on, e.g. of whoever made a change; None for the system and for officers."""
    if user_id is None:
        return None
    if order.buyer_id == user_id:  # type: ignore[attr-defined]
        return Party.BUYER
    if shop_owner_id == user_id:
        return Party.SELLER
    return None


def can_see_order(user: User | None, order: Order, shop_owner_id: int) -> bool:
    return OrderSight.of(user, order, shop_owner_id).sees_order


@dataclass(frozen=True)
class BuyerCard:
    """The buyer as one asker may see them."""

    id: int | None
    name: str
    phone: str | None


@dataclass(frozen=True)
class OrderSight:
    """What one asker may see of one order."""

    party: Party | None
    officer: bool

    @classmethod
    def of(cls, user: User | None, order: Order, shop_owner_id: int) -> OrderSight:
        return cls(party=party_of(user, order, shop_owner_id),
                   officer=user is not None and user.role == Role.CITY_OFFICER)

    @property
    def sees_order(self) -> bool:
        return self.party is not None or self.officer

    @property
    def sees_tracking(self) -> bool:
        """The courier booked for the order and its reports."""
        return self.party is not None

    @property
    def sees_payment_details(self) -> bool:
        """How to pay, what the gateway reported, and the refunds given."""
        return self.party is not None

    def pickup_code(self, order: Order) -> str | None:
        return order.pickup_code if self.party is not None else None

    def buyer(self, buyer: User) -> BuyerCard:
        if self.party == Party.SELLER:
            return BuyerCard(id=None, name=buyer.name, phone=None)
        return BuyerCard(id=buyer.id, name=buyer.name, phone=buyer.phone)
