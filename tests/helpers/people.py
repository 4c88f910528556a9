"""People for tests: a self-registered buyer or seller, or a city officer or analyst made by an operator."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from argon2 import PasswordHasher

from tests.helpers.api import Api
from umkm_graph.people import service as people
from umkm_graph.people.models import Role, User
from umkm_graph.settings import Settings

# Numbers emails and shop names, so every test's people and shops are distinct.
serial = itertools.count(1)
REGISTER = """
mutation($input: RegisterInput!) { register(input: $input) { token user { id } errors { code field message } } }
"""


@dataclass
class Person:
    id: str
    email: str
    token: str


async def sign_up(api: Api, role: str = "BUYER", name: str = "Test Person") -> Person:
    email = f"person{next(serial)}@example.id"
    result = await api.ok(REGISTER, {"input": {"email": email, "password": "rahasia-123", "name": name, "role": role}})
    return Person(id=result["user"]["id"], email=email, token=result["token"])


async def referred(api: Api, inviter: Person, name: str = "Teman") -> Person:
    """A new buyer registered with the inviter's referral code."""
    code = (await api.gql("{ myReferralCode }", token=inviter.token))["myReferralCode"]
    email = f"referred{next(serial)}@example.id"
    result = await api.ok(REGISTER, {"input": {"email": email, "password": "rahasia-123", "name": name,
                                               "referralCode": code}})
    return Person(id=result["user"]["id"], email=email, token=result["token"])


async def city_person(api: Api, role: Role = Role.CITY_OFFICER) -> Person:
    """City officers and analysts are created by an operator, not by self-registration."""
    email = f"city{next(serial)}@malangkota.go.id"
    user = await people.create_user(email=email, password="rahasia-123", name="Petugas Kota", role=role)
    login = await api.ok(
        "mutation($e: String!) { login(email: $e, password: \"rahasia-123\") { token errors { code field message } } }",
        {"e": email},
    )
    return Person(id=str(user.id), email=email, token=login["token"])


async def buyer_tokens(settings: Settings, count: int, prefix: str = "racer") -> list[str]:
    """Buyer accounts made directly, many at once (for the races), with their bearer tokens."""
    password_hash = PasswordHasher().hash("rahasia-123")
    await User.bulk_create([
        User(email=f"{prefix}{i}@example.id", password_hash=password_hash, name=f"Pembeli {i}", role=Role.BUYER)
        for i in range(count)
    ])
    users = await User.filter(email__startswith=prefix).order_by("id")
    return [people.issue_token(user, settings.secret_key, settings.token_ttl_seconds) for user in users]


ADD_ADDRESS = "mutation($input: SavedAddressInput!) { addAddress(input: $input) { address { id } errors { code field } } }"


async def saved_address(api: Api, person: Person, **fields: object) -> str:
    """A saved address of the person's (at the Alun-Alun in Klojen unless told otherwise); its id."""
    address = {"label": "Rumah", "recipient": "Siti Aminah", "phone": "081234567890", "kecamatan": "Klojen",
               "kelurahan": "Kauman", "street": "Jl. Merdeka No. 1", "latitude": -7.9826, "longitude": 112.6308,
               **fields}
    return (await api.ok(ADD_ADDRESS, {"input": address}, person.token))["address"]["id"]  # type: ignore[no-any-return]
