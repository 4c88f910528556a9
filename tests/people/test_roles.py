"""A person holding several roles: a seller who also buys may register as ASN, a buyer may open a shop; city accounts
keep their one role, and no one takes a city role by themselves."""

from __future__ import annotations

from tests.helpers.api import Api
from tests.helpers.checkout import ERRORS
from tests.helpers.people import city_person, sign_up
from tests.helpers.shops import CREATE_SHOP, shop_input
from umkm_graph.people.models import Role

ADD = f"mutation($role: Role!) {{ addRole(role: $role) {{ user {{ role roles }} {ERRORS} }} }}"
ASN = f"mutation {{ registerAsn(nip: \"198503122010011001\", opd: \"Diskominfo\") {{ user {{ isAsn roles }} {ERRORS} }} }}"
ME = "{ me { role roles isAsn } }"


async def test_a_seller_who_also_buys_registers_as_asn_and_keeps_selling(api: Api) -> None:
    seller = await sign_up(api, "SELLER")
    refused = await api.fails(ASN, token=seller.token)
    assert refused[0]["code"] == "FORBIDDEN"
    for _ in range(2):  # a role already held is no change
        added = await api.ok(ADD, {"role": "BUYER"}, seller.token)
        assert added["user"] == {"role": "SELLER", "roles": ["SELLER", "BUYER"]}
    assert (await api.ok(ASN, token=seller.token))["user"] == {"isAsn": True, "roles": ["SELLER", "BUYER"]}
    assert (await api.ok(CREATE_SHOP, {"input": shop_input()}, seller.token))["shop"]["id"]


async def test_a_buyer_who_takes_the_seller_role_opens_a_shop(api: Api) -> None:
    buyer = await sign_up(api)
    assert (await api.fails(CREATE_SHOP, {"input": shop_input()}, buyer.token))[0]["code"] == "FORBIDDEN"
    await api.ok(ADD, {"role": "SELLER"}, buyer.token)
    assert (await api.ok(CREATE_SHOP, {"input": shop_input()}, buyer.token))["shop"]["id"]
    assert (await api.gql(ME, token=buyer.token))["me"] == {"role": "BUYER", "roles": ["BUYER", "SELLER"], "isAsn": False}


async def test_city_roles_are_not_taken_and_city_accounts_take_no_other(api: Api) -> None:
    buyer, analyst = await sign_up(api), await city_person(api, Role.ANALYST)
    for role in ("CITY_OFFICER", "ANALYST"):
        refused = await api.fails(ADD, {"role": role}, buyer.token)
        assert [(e["code"], e["field"]) for e in refused] == [("FORBIDDEN", ["role"])]
    assert (await api.fails(ADD, {"role": "SELLER"}, analyst.token))[0]["code"] == "FORBIDDEN"
    assert (await api.gql(ME, token=buyer.token))["me"]["roles"] == ["BUYER"]
