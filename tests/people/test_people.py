"""Accounts: registration, login, bearer tokens, and ASN registration with a valid NIP."""

from __future__ import annotations

import pytest

from tests.helpers.api import Api
from tests.helpers.people import REGISTER, city_person, sign_up

ME = "{ me { id email role isAsn nip opd } }"
REGISTER_ASN = """
mutation($nip: String!, $opd: String!) {
  registerAsn(nip: $nip, opd: $opd) { user { isAsn nip opd } errors { code field message } }
}
"""


async def test_registered_buyer_sees_themselves_with_their_token(api: Api) -> None:
    person = await sign_up(api)
    me = (await api.gql(ME, token=person.token))["me"]
    assert me["email"] == person.email and me["role"] == "BUYER" and me["isAsn"] is False


async def test_me_is_null_without_a_token(api: Api) -> None:
    assert (await api.gql(ME))["me"] is None


async def test_a_forged_token_is_refused_with_a_readable_error(api: Api) -> None:
    body = await api.post(ME, token="not.a.token")
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_registration_reports_every_bad_field(api: Api) -> None:
    errors = await api.fails(REGISTER, {"input": {"email": "nope", "password": "short", "name": " "}})
    assert {e["field"][-1] for e in errors} == {"email", "password", "name"}


async def test_an_email_registers_only_once_whatever_its_case(api: Api) -> None:
    person = await sign_up(api)
    errors = await api.fails(REGISTER, {"input": {"email": person.email.upper(), "password": "rahasia-123", "name": "X"}})
    assert errors[0]["code"] == "ALREADY_EXISTS" and errors[0]["field"] == ["email"]


async def test_nobody_registers_themselves_as_a_city_officer(api: Api) -> None:
    errors = await api.fails(
        REGISTER, {"input": {"email": "x@example.id", "password": "rahasia-123", "name": "X", "role": "CITY_OFFICER"}}
    )
    assert errors[0]["code"] == "FORBIDDEN"


async def test_login_with_wrong_password_fails_without_saying_which_part_was_wrong(api: Api) -> None:
    person = await sign_up(api)
    login = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token errors { code message } } }"
    errors = await api.fails(login, {"e": person.email, "p": "wrong-password"})
    unknown = await api.fails(login, {"e": "nobody@example.id", "p": "wrong-password"})
    assert errors == unknown and errors[0]["code"] == "INVALID_CREDENTIALS"


async def test_buyer_registers_as_asn_with_a_valid_nip(api: Api) -> None:
    person = await sign_up(api)
    result = await api.ok(REGISTER_ASN, {"nip": "19800512 200501 2 003", "opd": "Diskominfo"}, person.token)
    assert result["user"] == {"isAsn": True, "nip": "198005122005012003", "opd": "Diskominfo"}


@pytest.mark.parametrize(
    ("nip", "reason"),
    [
        ("1980051220050120", "18 digits"),
        ("198002302005012003", "birth date"),
        ("198005122005132003", "month"),
        ("198005121979012003", "after the birth"),
        ("198005122005013003", "gender"),
        ("198005122005012000", "sequence"),
        ("198005122099012003", "future"),
    ],
)
async def test_invalid_nip_is_refused_with_the_reason(api: Api, nip: str, reason: str) -> None:
    person = await sign_up(api)
    errors = await api.fails(REGISTER_ASN, {"nip": nip, "opd": "Diskominfo"}, person.token)
    assert errors[0]["field"] == ["nip"] and reason in errors[0]["message"]


async def test_a_nip_belongs_to_one_account(api: Api) -> None:
    first, second = await sign_up(api), await sign_up(api)
    await api.ok(REGISTER_ASN, {"nip": "198005122005012003", "opd": "Diskominfo"}, first.token)
    errors = await api.fails(REGISTER_ASN, {"nip": "198005122005012003", "opd": "Bappeda"}, second.token)
    assert errors[0]["code"] == "ALREADY_EXISTS"


async def test_only_buyers_register_as_asn(api: Api) -> None:
    seller = await sign_up(api, "SELLER")
    officer = await city_person(api)
    for person in (seller, officer):
        errors = await api.fails(REGISTER_ASN, {"nip": "198005122005012003", "opd": "Diskominfo"}, person.token)
        assert errors[0]["code"] == "FORBIDDEN"


async def test_asn_registration_needs_sign_in(api: Api) -> None:
    errors = await api.fails(REGISTER_ASN, {"nip": "198005122005012003", "opd": "Diskominfo"})
    assert errors[0]["code"] == "UNAUTHENTICATED"
