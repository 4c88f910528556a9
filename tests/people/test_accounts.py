"""A person's own account through GraphQL: name, phone and language; changing the password, which needs the current
one and counts as a sign-in attempt."""

from __future__ import annotations

from tests.helpers.api import Api
from tests.helpers.checkout import ERRORS
from tests.helpers.people import sign_up

ME = "{ me { name phone language } }"
UPDATE = f"mutation($input: UpdateProfileInput!) {{ updateProfile(input: $input) {{ user {{ name phone language }} {ERRORS} }} }}"
CHANGE = f"""mutation($current: String!, $new: String!) {{
  changePassword(currentPassword: $current, newPassword: $new) {{ user {{ id }} {ERRORS} }} }}"""
LOGIN = f"mutation($email: String!, $password: String!) {{ login(email: $email, password: $password) {{ token {ERRORS} }} }}"


async def test_a_person_changes_name_phone_and_language_and_a_null_leaves_a_field_alone(api: Api) -> None:
    person = await sign_up(api, name="Siti")
    assert (await api.gql(ME, token=person.token))["me"] == {"name": "Siti", "phone": None, "language": "ID"}
    changed = await api.ok(UPDATE, {"input": {"name": "Siti Aminah", "phone": "0812 3456 7890", "language": "EN"}},
                           person.token)
    assert changed["user"] == {"name": "Siti Aminah", "phone": "081234567890", "language": "EN"}
    await api.ok(UPDATE, {"input": {"name": "Bu Siti"}}, person.token)
    assert (await api.gql(ME, token=person.token))["me"] == {"name": "Bu Siti", "phone": "081234567890", "language": "EN"}
    await api.ok(UPDATE, {"input": {"phone": ""}}, person.token)
    assert (await api.gql(ME, token=person.token))["me"]["phone"] is None


async def test_wrong_profile_fields_are_named_and_nothing_changes(api: Api) -> None:
    person = await sign_up(api, name="Siti")
    errors = await api.fails(UPDATE, {"input": {"name": "\u202e", "phone": "12", "language": "EN"}}, person.token)
    assert sorted(tuple(e["field"]) for e in errors) == [("input", "name"), ("input", "phone")]
    assert (await api.gql(ME, token=person.token))["me"] == {"name": "Siti", "phone": None, "language": "ID"}
    anonymous = await api.post(UPDATE, {"input": {"name": "X"}})
    assert anonymous["data"]["updateProfile"]["errors"][0]["code"] == "UNAUTHENTICATED"


async def test_a_password_changes_only_with_the_current_one_and_the_old_one_stops_working(api: Api) -> None:
    person = await sign_up(api)
    wrong = await api.fails(CHANGE, {"current": "bukan-sandinya", "new": "sandi-baru-yang-panjang"}, person.token)
    assert [(e["code"], e["field"]) for e in wrong] == [("INVALID_CREDENTIALS", ["currentPassword"])]
    weak = await api.fails(CHANGE, {"current": "rahasia-123", "new": "pendek"}, person.token)
    assert [(e["code"], e["field"]) for e in weak] == [("INVALID", ["newPassword"])]

    await api.ok(CHANGE, {"current": "rahasia-123", "new": "sandi-baru-yang-panjang"}, person.token)
    old = (await api.gql(LOGIN, {"email": person.email, "password": "rahasia-123"}))["login"]
    assert old["token"] is None and old["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert (await api.ok(LOGIN, {"email": person.email, "password": "sandi-baru-yang-panjang"}))["token"]


async def test_guessing_the_current_password_is_throttled_like_signing_in(api: Api) -> None:
    person = await sign_up(api)
    for _ in range(5):  # UMKM_LOGIN_MAX_FAILURES
        wrong = await api.fails(CHANGE, {"current": "tebakan-salah", "new": "sandi-baru-yang-panjang"}, person.token)
        assert wrong[0]["code"] == "INVALID_CREDENTIALS"
    refused = await api.fails(CHANGE, {"current": "rahasia-123", "new": "sandi-baru-yang-panjang"}, person.token)
    assert refused[0]["code"] == "RATE_LIMITED"
    login = (await api.gql(LOGIN, {"email": person.email, "password": "rahasia-123"}))["login"]
    assert login["errors"][0]["code"] == "RATE_LIMITED"  # the same counter as the sign-in form
