"""The city's own accounts through GraphQL: a city officer creates officer and analyst accounts, lists them, and
deactivates one, whose tokens stop working at once and who cannot sign in until reactivated; nobody else may."""

from __future__ import annotations

from tests.helpers.api import Api
from tests.helpers.people import city_person, sign_up
from umkm_graph.people.models import Role

ERRORS = "errors { code field }"
CREATE = f"""mutation($input: StaffAccountInput!) {{ createStaffAccount(input: $input) {{
  account {{ id email name role active }} {ERRORS} }} }}"""
DEACTIVATE = f"mutation($id: ID!) {{ deactivateStaffAccount(id: $id) {{ account {{ active deactivatedAt }} {ERRORS} }} }}"
REACTIVATE = f"mutation($id: ID!) {{ reactivateStaffAccount(id: $id) {{ account {{ active }} {ERRORS} }} }}"
LIST = "query($active: Boolean) { staffAccounts(active: $active) { totalCount edges { node { email role active } } } }"
LOGIN = f'mutation($e: String!) {{ login(email: $e, password: "sandi-analis-2026") {{ token {ERRORS} }} }}'
ME = "{ me { name role } }"


def analyst(email: str = "analis.baru@malangkota.go.id") -> dict[str, object]:
    return {"input": {"email": email, "name": "Analis Baru", "role": "ANALYST", "password": "sandi-analis-2026"}}


async def test_an_officer_creates_lists_deactivates_and_reactivates_a_staff_account(api: Api) -> None:
    officer = await city_person(api)
    created = (await api.ok(CREATE, analyst(), officer.token))["account"]
    assert (created["role"], created["active"]) == ("ANALYST", True)
    token = (await api.ok(LOGIN, {"e": "analis.baru@malangkota.go.id"}))["token"]
    assert (await api.gql(ME, token=token))["me"]["role"] == "ANALYST"

    gone = (await api.ok(DEACTIVATE, {"id": created["id"]}, officer.token))["account"]
    assert gone["active"] is False and gone["deactivatedAt"]
    stale = await api.post(ME, token=token)
    assert stale["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"  # its token stopped at once
    refused = (await api.gql(LOGIN, {"e": "analis.baru@malangkota.go.id"}))["login"]
    assert (refused["token"], [e["code"] for e in refused["errors"]]) == (None, ["FORBIDDEN"])
    listed = (await api.gql(LIST, {"active": False}, officer.token))["staffAccounts"]
    assert [e["node"] for e in listed["edges"]] == [
        {"email": "analis.baru@malangkota.go.id", "role": "ANALYST", "active": False}]
    assert (await api.gql(LIST, {"active": True}, officer.token))["staffAccounts"]["totalCount"] == 1  # the officer

    assert (await api.ok(REACTIVATE, {"id": created["id"]}, officer.token))["account"]["active"] is True
    again = (await api.ok(LOGIN, {"e": "analis.baru@malangkota.go.id"}))["token"]
    assert (await api.gql(ME, token=again))["me"]["name"] == "Analis Baru"


async def test_only_an_officer_manages_staff_and_never_their_own_account_or_a_buyers(api: Api) -> None:
    officer, the_analyst = await city_person(api), await city_person(api, Role.ANALYST)
    buyer = await sign_up(api)
    for outsider in (the_analyst, buyer):
        assert [e["code"] for e in await api.fails(CREATE, analyst(), outsider.token)] == ["FORBIDDEN"]
        assert [e["code"] for e in await api.fails(DEACTIVATE, {"id": officer.id}, outsider.token)] == ["FORBIDDEN"]
    own = await api.fails(DEACTIVATE, {"id": officer.id}, officer.token)
    assert [(e["code"], e["field"]) for e in own] == [("INVALID", ["id"])]
    not_staff = await api.fails(DEACTIVATE, {"id": buyer.id}, officer.token)
    assert [(e["code"], e["field"]) for e in not_staff] == [("NOT_FOUND", ["id"])]
    seller_role = {"input": {**analyst()["input"], "role": "SELLER"}}  # type: ignore[dict-item]
    assert [(e["code"], e["field"]) for e in await api.fails(CREATE, seller_role, officer.token)] == [
        ("INVALID", ["input", "role"])]
    weak = {"input": {**analyst()["input"], "password": "123"}}  # type: ignore[dict-item]
    assert [e["field"] for e in await api.fails(CREATE, weak, officer.token)] == [["password"]]
    await api.ok(CREATE, analyst("dua@malangkota.go.id"), officer.token)
    taken = await api.fails(CREATE, analyst("dua@malangkota.go.id"), officer.token)
    assert [(e["code"], e["field"]) for e in taken] == [("ALREADY_EXISTS", ["email"])]
