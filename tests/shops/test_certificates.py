"""Certificates and badges (issue 17, section 4), through GraphQL: a seller records a halal certificate, P-IRT permit,
BPOM registration or NIB; a city officer verifies or rejects it; a verified, unexpired one is a badge on the shop and the
products it covers, which buyers can filter on; the badge goes by itself when the certificate expires."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from tests.helpers.api import Api, GraphQLErrors, serve
from tests.helpers.catalog import add_product
from tests.helpers.certificates import (
    COVER_PRODUCTS, RECORD_CERTIFICATE, REJECT_CERTIFICATE, VERIFY_CERTIFICATE, days_from_today, halal_input,
    pirt_input, verified_certificate,
)
from tests.helpers.people import Person, city_person, sign_up
from tests.helpers.shops import verified_shop
from tests.helpers.statements import counting_statements
from umkm_graph.people.models import Role
from umkm_graph.settings import Settings
from umkm_graph.shops.models import ShopCertificate

SHOP_BADGES = """
query($id: ID!) { shop(id: $id) { badges certificates { id kind number status givesBadge } } }
"""
BADGED_PRODUCTS = """
query($badge: CertificateKind, $shopId: ID) {
  products(filter: {badge: $badge, shopId: $shopId}) { edges { node { id badges } } }
}
"""
WORK_LIST = """
query($status: CertificateStatus) { certificates(status: $status) { edges { node { id status kind } } } }
"""


async def _shop_with_two_products(api: Api) -> tuple[Person, Person, dict[str, Any], list[str]]:
    officer, seller = await city_person(api), await sign_up(api, "SELLER")
    shop = await verified_shop(api, seller, officer)
    keripik = await add_product(api, seller, shop["id"], category="kuliner", name="Keripik Tempe", unit="PACK")
    beras = await add_product(api, seller, shop["id"])
    return officer, seller, shop, [keripik["id"], beras["id"]]


async def _products(api: Api, badge: str | None, shop_id: str, token: str | None = None) -> dict[str, list[str]]:
    data = await api.gql(BADGED_PRODUCTS, {"badge": badge, "shopId": shop_id}, token)
    return {edge["node"]["id"]: edge["node"]["badges"] for edge in data["products"]["edges"]}


async def test_a_verified_halal_certificate_badges_the_shop_and_the_products_it_covers(api: Api) -> None:
    officer, seller, shop, (keripik, beras) = await _shop_with_two_products(api)
    recorded = (await api.ok(RECORD_CERTIFICATE, {"shopId": shop["id"], "input": halal_input()},
                             seller.token))["certificate"]
    assert recorded["status"] == "PENDING" and recorded["givesBadge"] is False
    assert recorded["issuer"] == "BPJPH Kementerian Agama" and recorded["numberFormatKnown"] is True
    covered = (await api.ok(COVER_PRODUCTS, {"id": recorded["id"], "productIds": [keripik]}, seller.token))
    assert covered["certificate"]["coveredProducts"] == [{"id": keripik}]

    buyer = await sign_up(api)
    assert (await api.gql(SHOP_BADGES, {"id": shop["id"]}, buyer.token))["shop"] == {"badges": [], "certificates": []}
    assert await _products(api, None, shop["id"]) == {keripik: [], beras: []}, "a waiting certificate gives nothing"
    assert await _products(api, "HALAL", shop["id"]) == {}

    await api.ok(VERIFY_CERTIFICATE, {"id": recorded["id"]}, officer.token)
    seen = (await api.gql(SHOP_BADGES, {"id": shop["id"]}, buyer.token))["shop"]
    assert seen == {"badges": ["HALAL"], "certificates": [
        {"id": recorded["id"], "kind": "HALAL", "number": "ID35110000123450521", "status": "VERIFIED",
         "givesBadge": True}]}, "buyers see the number, to check it at halal.go.id"
    assert await _products(api, None, shop["id"]) == {keripik: ["HALAL"], beras: []}
    assert await _products(api, "HALAL", shop["id"]) == {keripik: ["HALAL"]}
    assert await _products(api, "PIRT", shop["id"]) == {}


async def test_the_badge_goes_by_itself_once_the_permit_has_expired(api: Api) -> None:
    officer, seller, shop, (keripik, _) = await _shop_with_two_products(api)
    permit = await verified_certificate(api, seller, officer, shop["id"], [keripik], **pirt_input())
    assert permit["givesBadge"] and permit["expiresInDays"] == 5 * 365 - 300
    assert await _products(api, "PIRT", shop["id"]) == {keripik: ["PIRT"]}

    # Five years pass: the permit's dates move back as far, and nothing runs in between.
    await ShopCertificate.filter(id=int(permit["id"])).update(
        issued_on=dt.date.fromisoformat(days_from_today(-5 * 365 - 1)),
        valid_until=dt.date.fromisoformat(days_from_today(-1)))
    assert (await api.gql(SHOP_BADGES, {"id": shop["id"]}))["shop"] == {"badges": [], "certificates": []}
    assert await _products(api, "PIRT", shop["id"], seller.token) == {}
    own = (await api.gql(SHOP_BADGES, {"id": shop["id"]}, seller.token))["shop"]["certificates"]
    assert [(c["status"], c["givesBadge"]) for c in own] == [("VERIFIED", False)], "the seller sees it has lapsed"
    errors = await api.fails(RECORD_CERTIFICATE, {"shopId": shop["id"], "input": pirt_input(
        validUntil=days_from_today(-1))}, seller.token)
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID", ["input", "validUntil"])]


async def test_each_wrong_input_is_named_with_its_reason(api: Api) -> None:
    officer, seller, shop, _ = await _shop_with_two_products(api)
    cases = [
        (pirt_input(validUntil=None), [("REQUIRED", ["input", "validUntil"])]),
        ({"kind": "BPOM", "number": "MD 224510001234", "issuedOn": days_from_today(-10)},
         [("REQUIRED", ["input", "validUntil"])]),
        (halal_input(issuedOn=days_from_today(1)), [("INVALID", ["input", "issuedOn"])]),
        (halal_input(validUntil=days_from_today(-400)), [("INVALID", ["input", "validUntil"])]),
        (halal_input(number="ID35<script>"), [("INVALID", ["input", "number"])]),
        (halal_input(number="   "), [("REQUIRED", ["input", "number"])]),
        (halal_input(issuer="\u202e"), [("INVALID", ["input", "issuer"])]),
        ({"kind": "NIB", "number": "1234567890123", "issuedOn": days_from_today(-10)},
         [("INVALID", ["input", "number"])]),
        ({"kind": "NIB", "number": "12345", "issuedOn": days_from_today(-10)}, [("INVALID", ["input", "number"])]),
        (pirt_input(validUntil=days_from_today(-400), issuedOn=days_from_today(-300)),
         [("INVALID", ["input", "validUntil"])]),
    ]
    for given, expected in cases:
        errors = await api.fails(RECORD_CERTIFICATE, {"shopId": shop["id"], "input": given}, seller.token)
        assert [(e["code"], e["field"]) for e in errors] == expected, given
    listed = (await api.gql(WORK_LIST, {"status": "PENDING"}, officer.token))["certificates"]["edges"]
    assert listed == [], "nothing half-written"


async def test_numbers_are_read_as_printed_and_an_unknown_form_waits_for_the_officer(api: Api) -> None:
    officer, seller, shop, _ = await _shop_with_two_products(api)
    nib = (await api.gql("query($id: ID!) { shop(id: $id) { nib } }", {"id": shop["id"]}, seller.token))["shop"]["nib"]
    printed = [
        ({"kind": "BPOM", "number": "bpom ri md 224510001234", "validUntil": days_from_today(900)},
         "MD 224510001234", True),
        ({"kind": "PIRT", "number": "P-IRT No. 2063573.01.0123-29", "validUntil": days_from_today(900)},
         "206357301012329", True),
        ({"kind": "NIB", "number": f"{nib[:4]} {nib[4:]}"}, nib, True),
        ({"kind": "HALAL", "number": "LPPOM-00120083480218"}, "LPPOM-00120083480218", False),
    ]
    for given, number, known in printed:
        certificate = (await api.ok(RECORD_CERTIFICATE, {"shopId": shop["id"], "input": {
            "issuedOn": days_from_today(-30), **given}}, seller.token))["certificate"]
        assert (certificate["number"], certificate["numberFormatKnown"]) == (number, known), given
    errors = await api.fails(RECORD_CERTIFICATE, {"shopId": shop["id"], "input": {
        "kind": "BPOM", "number": "MD224510001234", "issuedOn": days_from_today(-3),
        "validUntil": days_from_today(600)}}, seller.token)
    assert [(e["code"], e["field"]) for e in errors] == [("ALREADY_EXISTS", ["input", "number"])]
    listed = (await api.gql(WORK_LIST, {"status": "PENDING"}, officer.token))["certificates"]["edges"]
    assert [edge["node"]["kind"] for edge in listed] == ["BPOM", "PIRT", "NIB", "HALAL"], "oldest first"


async def test_only_the_owner_records_and_only_a_city_officer_decides(api: Api) -> None:
    officer, seller, shop, (keripik, _) = await _shop_with_two_products(api)
    other_seller, buyer = await sign_up(api, "SELLER"), await sign_up(api)
    analyst = await city_person(api, role=Role.ANALYST)
    for person, code in ((buyer, "FORBIDDEN"), (other_seller, "NOT_FOUND")):
        errors = await api.fails(RECORD_CERTIFICATE, {"shopId": shop["id"], "input": halal_input()}, person.token)
        assert [e["code"] for e in errors] == [code]
    recorded = (await api.ok(RECORD_CERTIFICATE, {"shopId": shop["id"], "input": halal_input()},
                             seller.token))["certificate"]
    errors = await api.fails(COVER_PRODUCTS, {"id": recorded["id"], "productIds": [keripik]}, other_seller.token)
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_FOUND", ["certificateId"])]
    for person in (seller, analyst):
        errors = await api.fails(VERIFY_CERTIFICATE, {"id": recorded["id"]}, person.token)
        assert [e["code"] for e in errors] == ["FORBIDDEN"]
    for person in (buyer, seller):
        try:
            await api.gql(WORK_LIST, {}, person.token)
        except GraphQLErrors as refused:
            assert refused.args[0][0]["extensions"]["code"] == "FORBIDDEN"
        else:
            raise AssertionError("the work list is the city's")
    assert len((await api.gql(WORK_LIST, {}, analyst.token))["certificates"]["edges"]) == 1


async def test_a_rejection_needs_a_reason_and_takes_a_verified_badge_away(api: Api) -> None:
    officer, seller, shop, (keripik, _) = await _shop_with_two_products(api)
    certificate = await verified_certificate(api, seller, officer, shop["id"], [keripik])
    errors = await api.fails(REJECT_CERTIFICATE, {"id": certificate["id"], "reason": "  "}, officer.token)
    assert [(e["code"], e["field"]) for e in errors] == [("REQUIRED", ["reason"])]
    rejected = (await api.ok(REJECT_CERTIFICATE, {"id": certificate["id"], "reason": "Nomor tidak ada di SIHALAL"},
                             officer.token))["certificate"]
    assert (rejected["status"], rejected["reason"], rejected["givesBadge"]) == (
        "REJECTED", "Nomor tidak ada di SIHALAL", False)
    assert (await api.gql(SHOP_BADGES, {"id": shop["id"]}))["shop"]["badges"] == []
    assert await _products(api, "HALAL", shop["id"]) == {}
    errors = await api.fails(VERIFY_CERTIFICATE, {"id": certificate["id"]}, officer.token)
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID_TRANSITION", ["id"])]
    errors = await api.fails(VERIFY_CERTIFICATE, {"id": "999999"}, officer.token)
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_FOUND", ["id"])]
    again = (await api.ok(RECORD_CERTIFICATE, {"shopId": shop["id"], "input": halal_input()}, seller.token))
    assert again["certificate"]["status"] == "PENDING", "a rejected number may be recorded again, corrected"


async def test_a_certificate_covers_only_its_own_shops_products_and_a_nib_covers_none(api: Api) -> None:
    officer, seller, shop, (keripik, beras) = await _shop_with_two_products(api)
    _, other_seller, other_shop, (elsewhere, _) = await _shop_with_two_products(api)
    recorded = (await api.ok(RECORD_CERTIFICATE, {"shopId": shop["id"], "input": halal_input()},
                             seller.token))["certificate"]
    errors = await api.fails(COVER_PRODUCTS, {"id": recorded["id"], "productIds": [keripik, elsewhere]}, seller.token)
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_FOUND", ["productIds"])]
    await api.ok(COVER_PRODUCTS, {"id": recorded["id"], "productIds": [keripik, beras]}, seller.token)
    replaced = await api.ok(COVER_PRODUCTS, {"id": recorded["id"], "productIds": [beras]}, seller.token)
    assert replaced["certificate"]["coveredProducts"] == [{"id": beras}], "the list replaces the one before"

    nib = (await api.gql("query($id: ID!) { shop(id: $id) { nib } }", {"id": shop["id"]}, seller.token))["shop"]["nib"]
    verified = await verified_certificate(api, seller, officer, shop["id"], kind="NIB", number=nib)
    errors = await api.fails(COVER_PRODUCTS, {"id": verified["id"], "productIds": [keripik]}, seller.token)
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID", ["productIds"])]
    assert (await api.gql(SHOP_BADGES, {"id": shop["id"]}))["shop"]["badges"] == ["NIB"]
    assert (await api.gql(SHOP_BADGES, {"id": other_shop["id"]}))["shop"]["badges"] == []


async def test_the_cached_storefront_shows_a_badge_as_soon_as_it_is_verified(settings: Settings) -> None:
    async with serve(dataclasses.replace(settings, response_cache=True)) as api:
        officer, seller, shop, (keripik, beras) = await _shop_with_two_products(api)
        recorded = (await api.ok(RECORD_CERTIFICATE, {"shopId": shop["id"], "input": halal_input()},
                                 seller.token))["certificate"]
        await api.ok(COVER_PRODUCTS, {"id": recorded["id"], "productIds": [keripik]}, seller.token)
        for _ in range(2):  # the second answer is the cached one
            assert await _products(api, None, shop["id"]) == {keripik: [], beras: []}
        await api.ok(VERIFY_CERTIFICATE, {"id": recorded["id"]}, officer.token)
        assert await _products(api, None, shop["id"]) == {keripik: ["HALAL"], beras: []}
        await api.ok(REJECT_CERTIFICATE, {"id": recorded["id"], "reason": "Kedaluwarsa"}, officer.token)
        assert await _products(api, None, shop["id"]) == {keripik: [], beras: []}


BADGES_OF_A_PAGE = """
query($first: Int!) { products(first: $first, filter: {badge: HALAL}) { edges { node { badges shop { badges } } } } }
"""


async def test_badges_of_a_page_cost_the_same_statements_at_any_page_size(api: Api) -> None:
    officer, seller = await city_person(api), await sign_up(api, "SELLER")
    shops = [await verified_shop(api, seller, officer) for _ in range(3)]
    for shop in shops:
        products = [(await add_product(api, seller, shop["id"], name=f"Keripik no. {i}"))["id"] for i in range(4)]
        await verified_certificate(api, seller, officer, shop["id"], products, number=f"ID3511000012345{shop['id']:0>4}")
    counts = []
    for first in (2, 12):
        with counting_statements() as statements:
            data = await api.gql(BADGES_OF_A_PAGE, {"first": first})
        nodes = [edge["node"] for edge in data["products"]["edges"]]
        assert len(nodes) == first and all(node == {"badges": ["HALAL"], "shop": {"badges": ["HALAL"]}}
                                           for node in nodes)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


async def test_the_citys_scorecard_shows_the_shops_badges(api: Api) -> None:
    officer, seller, shop, (keripik, _) = await _shop_with_two_products(api)
    await verified_certificate(api, seller, officer, shop["id"], [keripik])
    await verified_certificate(api, seller, officer, shop["id"], [keripik], **pirt_input())
    await api.ok(RECORD_CERTIFICATE, {"shopId": shop["id"], "input": {
        "kind": "BPOM", "number": "MD 224510001234", "issuedOn": days_from_today(-3),
        "validUntil": days_from_today(600)}}, seller.token)  # waiting: no badge yet
    card = (await api.gql('query($id: ID!) { shopScorecard(shopId: $id, period: {month: "2026-10"}) { badges } }',
                          {"id": shop["id"]}, officer.token))["shopScorecard"]
    assert card == {"badges": ["HALAL", "PIRT"]}
