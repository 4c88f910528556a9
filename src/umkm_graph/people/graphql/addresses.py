"""The address book: myAddresses, and adding, changing and removing an address."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.people import addresses
from umkm_graph.people.models import SavedAddress


@strawberry.type(name="SavedAddress", description="An address of your address book; checkout takes its id.")
class SavedAddressType:
    id: strawberry.ID
    label: str = strawberry.field(description="Your name for it, e.g. Rumah or Kantor.")
    recipient: str
    phone: str
    kecamatan: str
    kelurahan: str
    street: str
    latitude: float | None
    longitude: float | None
    notes: str = strawberry.field(description="For the courier, e.g. the gate's colour.")
    is_default: bool
    created_at: dt.datetime

    @classmethod
    def from_model(cls, a: SavedAddress) -> SavedAddressType:
        return cls(id=strawberry.ID(str(a.id)), label=a.label, recipient=a.recipient, phone=a.phone,
                   kecamatan=a.kecamatan, kelurahan=a.kelurahan, street=a.street, latitude=a.latitude,
                   longitude=a.longitude, notes=a.notes, is_default=a.is_default, created_at=a.created_at)


@strawberry.input(description="An address: kecamatan and kelurahan must be one of Kota Malang's 57 pairs.")
class SavedAddressInput:
    label: str
    recipient: str
    phone: str
    kecamatan: str
    kelurahan: str
    street: str
    latitude: float | None = strawberry.field(default=None, description="With longitude: for couriers that quote by "
                                              "coordinates.")
    longitude: float | None = None
    notes: str = ""
    is_default: bool = strawberry.field(default=False, description="Make it the default; the first address is anyway.")

    def draft(self) -> addresses.AddressDraft:
        return addresses.AddressDraft(
            label=self.label, recipient=self.recipient, phone=self.phone, kecamatan=self.kecamatan,
            kelurahan=self.kelurahan, street=self.street, latitude=self.latitude, longitude=self.longitude,
            notes=self.notes, is_default=self.is_default,
        )


@strawberry.type
class SavedAddressPayload:
    address: SavedAddressType | None = None
    errors: list[UserError]


def _answer(address: SavedAddress) -> dict[str, object]:
    return {"address": SavedAddressType.from_model(address)}


@strawberry.type
class AddressesQuery:
    @strawberry.field(description="The signed-in person's saved addresses, the default first.")
    async def my_addresses(self, info: Info[Context, None]) -> list[SavedAddressType]:
        return [SavedAddressType.from_model(a) for a in await addresses.my_addresses(await info.context.user())]


@strawberry.type
class AddressesMutation:
    @strawberry.mutation(description=f"Save an address (at most {addresses.MAX_ADDRESSES}).")
    async def add_address(self, info: Info[Context, None], input: SavedAddressInput) -> SavedAddressPayload:
        return await mutate(info, SavedAddressPayload, lambda user: addresses.add_address(user, input.draft()), _answer)

    @strawberry.mutation(description="Replace a saved address; orders already placed keep the address they had.")
    async def update_address(
        self, info: Info[Context, None], id: strawberry.ID, input: SavedAddressInput
    ) -> SavedAddressPayload:
        return await mutate(info, SavedAddressPayload,
                            lambda user: addresses.update_address(user, parse_id(id, "id"), input.draft()), _answer)

    @strawberry.mutation(description="Remove a saved address; if it was the default, the newest other one becomes it.")
    async def remove_address(self, info: Info[Context, None], id: strawberry.ID) -> SavedAddressPayload:
        return await mutate(info, SavedAddressPayload,
                            lambda user: addresses.remove_address(user, parse_id(id, "id")), _answer)
