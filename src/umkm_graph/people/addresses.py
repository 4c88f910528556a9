"""A person's address book: saved addresses, each in one of Kota Malang's 57 kecamatan/kelurahan pairs, one of them the
default. Only its owner sees or changes an address; checkout reads one by id (address_of)."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.regions import checked_place
from umkm_graph.core.text import clean_text
from umkm_graph.people.access import require_user
from umkm_graph.people.models import SavedAddress, User
from umkm_graph.people.service import normalise_phone, valid_phone

MAX_ADDRESSES = 20  # per person: a household, an office, a parent's house... not a mailing list


@dataclass(frozen=True)
class AddressDraft:
    label: str
    recipient: str
    phone: str
    kecamatan: str
    kelurahan: str
    street: str
    latitude: float | None = None
    longitude: float | None = None
    notes: str = ""
    is_default: bool = False


def _checked(draft: AddressDraft) -> dict[str, object]:
    """The draft's columns, cleaned; every fault at once, under input.<field>."""
    check = Validator(["input"])
    values: dict[str, object] = {
        "label": clean_text(check, "label", draft.label, label="A label", max_length=40),
        "recipient": clean_text(check, "recipient", draft.recipient, label="The recipient", max_length=120),
        "street": clean_text(check, "street", draft.street, label="Street address", max_length=255),
        "notes": clean_text(check, "notes", draft.notes, label="Notes", max_length=255, required=False),
    }
    phone = normalise_phone(draft.phone)
    check.check(valid_phone(phone), "phone", "Phone must be 8 to 15 digits, optionally starting with +")
    lat, lon = draft.latitude, draft.longitude
    kecamatan, kelurahan = checked_place(check, "", draft.kecamatan, draft.kelurahan, lat, lon)
    check.raise_if_any()
    return {**values, "phone": phone, "kecamatan": kecamatan, "kelurahan": kelurahan, "latitude": lat, "longitude": lon}


async def my_addresses(user: User | None) -> list[SavedAddress]:
    """The person's addresses, the default first, then the newest."""
    owner = require_user(user)
    return await SavedAddress.filter(user_id=owner.id).order_by("-is_default", "-created_at", "-id")


async def address_of(user: User, address_id: int, field: list[str]) -> SavedAddress:
    """One of the person's own addresses; NOT_FOUND on `field` otherwise (another's address looks the same as none)."""
    found = await SavedAddress.get_or_none(id=address_id, user_id=user.id)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No address of yours has this id", field)
    return found


async def add_address(user: User | None, draft: AddressDraft) -> SavedAddress:
    """A new address; the first one is the default, and one saved as default takes it over."""
    owner = require_user(user)
    values = _checked(draft)
    async with in_transaction():
        count = await SavedAddress.filter(user_id=owner.id).count()
        if count >= MAX_ADDRESSES:
            raise DomainError(ErrorCode.LIMIT_REACHED, f"An address book holds at most {MAX_ADDRESSES} addresses; "
                              "remove one first", "input")
        default = draft.is_default or count == 0
        if default:
            await SavedAddress.filter(user_id=owner.id).update(is_default=False)
        return await SavedAddress.create(user_id=owner.id, is_default=default, **values)


async def update_address(user: User | None, address_id: int, draft: AddressDraft) -> SavedAddress:
    """The whole address replaced; `isDefault: true` makes it the default (false leaves the default where it is)."""
    owner = require_user(user)
    address = await address_of(owner, address_id, ["id"])
    values = _checked(draft)
    async with in_transaction():
        if draft.is_default:
            await SavedAddress.filter(user_id=owner.id).update(is_default=False)
            values["is_default"] = True
        address.update_from_dict(values)
        await address.save()
    return address


async def remove_address(user: User | None, address_id: int) -> SavedAddress:
    """Remove an address; if it was the default, the newest of the rest becomes the default. Orders keep their copy."""
    owner = require_user(user)
    address = await address_of(owner, address_id, ["id"])
    async with in_transaction():
        await address.delete()
        if address.is_default:
            newest = await SavedAddress.filter(user_id=owner.id).order_by("-created_at", "-id").first()
            if newest is not None:
                await SavedAddress.filter(id=newest.id).update(is_default=True)
    return address
