"""The world the authorization matrix acts in: a person of every role, each owning (or not) a shop, a product, an
order and a review, and the names the two matrices share."""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher

from tests.helpers.api import Api
from tests.helpers.catalog import add_product
from tests.helpers.people import Person
from tests.helpers.procurement import fresh_asn, procurement_for
from tests.helpers.roster import import_roster, nip, roster_csv
from tests.helpers.shops import shop_input, verified_shop
from umkm_graph.people import service as people
from umkm_graph.people.models import Role, SavedAddress, User
from umkm_graph.settings import Settings

ACTORS = ("anonymous", "buyer", "other_buyer", "seller", "other_seller", "officer", "analyst")


SIGNED_IN = frozenset(ACTORS) - {"anonymous"}


CITY = frozenset({"officer", "analyst"})


REFUSALS = {"UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"}


SIGN_IN = {"register", "login", "requestPasswordReset", "resetPassword"}  # the mutations made without a token


ERRORS = "errors { code field message }"


serial = itertools.count(1)


@dataclass
class World:
    """The buyer and the seller own things; the others own nothing of theirs. Helpers make fresh things to act on."""

    api: Api
    cast: dict[str, Person]
    shop: dict[str, Any]  # verified, the seller's, with an NPWP
    pending_shop: dict[str, Any]  # the seller's, not verified yet
    product: dict[str, Any]
    hidden_product: dict[str, Any]  # in the pending shop
    order: dict[str, Any]  # the buyer's, from the seller's shop, PLACED
    roster_import: dict[str, Any] = dataclasses.field(default_factory=dict)  # the officer's, of one ASN nobody is
    address_id: str = ""  # the buyer's saved address, with coordinates
    mentoring_id: str = ""  # the city's mentoring of the seller's shop
    procurement_id: str = ""  # the world's order made a Diskominfo procurement by ASN outside the cast

    def token(self, actor: str) -> str | None:
        return self.cast[actor].token if actor in self.cast else None

    async def as_(self, actor: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        return await self.api.post(query, variables, self.cast[actor].token)

    async def step(self, actor: str, mutation: str, order: dict[str, Any], **extra: Any) -> None:
        arguments = "".join(f", {k}: ${k}" for k in extra)
        definitions = "".join(f", ${k}: String" for k in extra)
        await self.api.ok(f"mutation($id: ID!{definitions}) {{ {mutation}(id: $id{arguments}) {{ {ERRORS} }} }}",
                          {"id": order["id"], **extra}, self.cast[actor].token)

    async def placed_order(self, delivery: str = "pickup") -> dict[str, Any]:
        cart: dict[str, Any] = {"lines": [{"productId": self.product["id"], "quantity": 1}],
                                "shops": [{"shopId": self.shop["id"], "deliveryProvider": delivery}], "paymentMethod": "COD"}
        if delivery != "pickup":
            cart["address"] = {"kecamatan": "Klojen", "kelurahan": "Kauman", "street": "Jl. Kauman No. 3"}
        result = await self.api.ok(CHECKOUT, {"input": cart}, self.cast["buyer"].token)
        (order,) = result["checkout"]["orders"]
        return order  # type: ignore[no-any-return]

    async def accepted_order(self, delivery: str = "pickup") -> dict[str, Any]:
        order = await self.placed_order(delivery)
        await self.step("seller", "acceptOrder", order)
        return order

    async def ready_order(self) -> dict[str, Any]:
        order = await self.accepted_order()
        await self.step("seller", "markReadyForPickup", order)
        return order

    async def delivered_order(self, paid: bool = False) -> dict[str, Any]:
        order = await self.ready_order()
        await self.step("seller", "markDelivered", order, pickupCode=order["pickupCode"])
        if paid:
            await self.step("seller", "confirmCashCollected", order)
        return order

    async def review(self) -> str:
        order = await self.delivered_order()
        created = await self.api.ok(CREATE_REVIEW, {"line": order["lines"][0]["id"], "rating": 5},
                                    self.cast["buyer"].token)
        return created["review"]["id"]  # type: ignore[no-any-return]

    async def new_shop(self, verified: bool) -> str:
        shop = (await self.api.ok(CREATE_SHOP, {"input": shop_input()}, self.cast["seller"].token))["shop"]
        if verified:
            await self.api.ok(VERIFY, {"id": shop["id"]}, self.cast["officer"].token)
        return shop["id"]  # type: ignore[no-any-return]


CHECKOUT = f"""
mutation($input: CheckoutInput!) {{
  checkout(input: $input) {{ checkout {{ orders {{ id pickupCode lines {{ id }} }} }} {ERRORS} }}
}}"""


CREATE_REVIEW = f"""
mutation($line: ID!, $rating: Int!) {{ createReview(orderLineId: $line, rating: $rating) {{ review {{ id }} {ERRORS} }} }}"""


CREATE_SHOP = f"mutation($input: ShopInput!) {{ createShop(input: $input) {{ shop {{ id }} {ERRORS} }} }}"


VERIFY = f"mutation($id: ID!) {{ verifyShop(id: $id) {{ {ERRORS} }} }}"


RECORD_MENTORING = f"""mutation($shop: ID!) {{ recordMentoring(shopId: $shop, input: {{mentor: "Diskopindag",
  mentoredOn: "2026-11-02", topic: "Pembukuan"}}) {{ mentoring {{ id }} {ERRORS} }} }}"""


async def build_world(api: Api, settings: Settings) -> World:
    """People made directly (argon2 hashing each would take seconds); everything else through the API."""
    password_hash = PasswordHasher().hash("rahasia-123")
    roles = {"buyer": Role.BUYER, "other_buyer": Role.BUYER, "seller": Role.SELLER, "other_seller": Role.SELLER,
             "officer": Role.CITY_OFFICER, "analyst": Role.ANALYST}
    cast = {}
    for actor, role in roles.items():
        user = await User.create(email=f"{actor.replace('_', '.')}@matrix.example.id", password_hash=password_hash,
                                 name=actor.replace("_", " ").title(), role=role, phone="081234567890")
        cast[actor] = Person(id=str(user.id), email=user.email,
                             token=people.issue_token(user, settings.secret_key, settings.token_ttl_seconds))
    shop = await verified_shop(api, cast["seller"], cast["officer"], npwp="0123456789012345")
    pending_shop = (await api.ok(CREATE_SHOP, {"input": shop_input()}, cast["seller"].token))["shop"]
    product = await add_product(api, cast["seller"], shop["id"], stock=10_000)
    hidden_product = await add_product(api, cast["seller"], pending_shop["id"], stock=10)
    address = await SavedAddress.create(user_id=int(cast["buyer"].id), label="Rumah", recipient="Buyer",
                                        phone="081234567890", kecamatan="Klojen", kelurahan="Kauman",
                                        street="Jl. Merdeka No. 1", latitude=-7.9826, longitude=112.6308)
    world = World(api, cast, shop, pending_shop, product, hidden_product, {}, address_id=str(address.id))
    world.order = await world.placed_order()
    world.roster_import = (await import_roster(api, cast["officer"], roster_csv([(nip(999), "Pegawai", "DLH", "II/a")]))
                           )["rosterImport"]
    mentoring = await api.ok(RECORD_MENTORING, {"shop": shop["id"]}, cast["officer"].token)
    world.mentoring_id = mentoring["mentoring"]["id"]
    office_buyer, office_receiver = await fresh_asn(), await fresh_asn()
    world.procurement_id = str((await procurement_for(world.order["id"], office_buyer.id, office_receiver.id)).id)
    return world


def print_matrix(kind: str, table: list[tuple[str, list[str]]]) -> None:
    width = max(len(label) for label, _ in table)
    print(f"\n{kind:<{width}}  " + "  ".join(f"{actor:<12}" for actor in ACTORS))
    for label, marks in table:
        print(f"{label:<{width}}  " + "  ".join(f"{mark:<12}" for mark in marks))
