"""Offline purchase claims: an ASN claims a purchase at a shop not on the app, a city officer decides, the invited shop
joins with its code, and every abuse guard refuses naming its field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.helpers.api import Api
from tests.helpers.offline_claims import CLAIM, DECIDE, JOIN, SUMMARY, claim, claim_input, photo
from tests.helpers.people import city_person, sign_up
from tests.helpers.roster import asn_with, nip
from tests.helpers.shops import verified_shop
from tests.helpers.uploads import receipt_photo, upload
from umkm_graph.core.wib import today_wib
from umkm_graph.offline_claims.service import MAX_PER_MONTH


def _errors(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["code"], ".".join(e["field"])) for e in payload["errors"]]


async def test_an_approved_claim_invites_its_shop_which_joins_with_the_code_and_the_city_counts_both(api: Api) -> None:
    officer = await city_person(api)
    asn = await asn_with(api, nip(801), "DISKOMINFO")
    made = await claim(api, asn, seed=1)
    assert made["errors"] == [] and made["claim"]["status"] == "PENDING" and made["claim"]["invitation"] is None
    decided = await api.ok(DECIDE, {"input": {"claimId": made["claim"]["id"], "approve": True}}, officer.token)
    invitation = decided["claim"]["invitation"]
    assert decided["claim"]["status"] == "APPROVED" and len(invitation["code"]) == 8
    assert invitation["link"].endswith(f"?undangan={invitation['code']}") and invitation["shopId"] is None
    again = await claim(api, asn, seed=2, shopName="warung  BU tin")  # the same shop, typed another way
    approved = await api.ok(DECIDE, {"input": {"claimId": again["claim"]["id"], "approve": True}}, officer.token)
    assert approved["claim"]["invitation"]["code"] == invitation["code"]

    seller = await sign_up(api, "SELLER", "Bu Tin")
    shop = await verified_shop(api, seller, officer, name="Warung Bu Tin", kecamatan="Lowokwaru", kelurahan="Sumbersari")
    joined = await api.ok(JOIN, {"shop": shop["id"], "code": invitation["code"].lower()}, seller.token)
    assert joined["invitation"]["shopId"] == shop["id"] and joined["invitation"]["joinedAt"]
    used = (await api.gql(JOIN, {"shop": shop["id"], "code": invitation["code"]}, seller.token))["joinWithInvitation"]
    assert _errors(used) == [("ALREADY_EXISTS", "code")]
    mine = (await api.gql("{ myOfflineClaims { status invitation { shopId } } }", token=asn.token))["myOfflineClaims"]
    assert [c["invitation"]["shopId"] for c in mine] == [shop["id"], shop["id"]]  # the claims link to the shop

    month = today_wib() - dt.timedelta(days=1)
    summary = (await api.gql(SUMMARY, {"month": month.replace(day=1).isoformat()}, officer.token))
    assert summary["offlineClaimsSummary"] == {"approvedClaims": 2, "approvedAmount": 170_000, "claimingAsn": 1,
                                               "pendingClaims": 0, "rejectedClaims": 0, "invitations": 1,
                                               "shopsJoined": 1}


async def test_a_rejection_needs_a_reason_and_a_claim_is_decided_once_by_a_city_officer(api: Api) -> None:
    officer = await city_person(api)
    asn = await asn_with(api, nip(802), "DISKOMINFO")
    made = (await claim(api, asn, seed=3))["claim"]
    no_reason = (await api.gql(DECIDE, {"input": {"claimId": made["id"], "approve": False}}, officer.token))
    assert _errors(no_reason["decideOfflineClaim"]) == [("REQUIRED", "input.reason")]
    by_asn = (await api.gql(DECIDE, {"input": {"claimId": made["id"], "approve": True}}, asn.token))
    assert _errors(by_asn["decideOfflineClaim"]) == [("FORBIDDEN", "")]
    rejected = await api.ok(DECIDE, {"input": {"claimId": made["id"], "approve": False,
                                               "reason": "Foto struk tidak terbaca"}}, officer.token)
    assert (rejected["claim"]["status"], rejected["claim"]["reason"]) == ("REJECTED", "Foto struk tidak terbaca")
    assert rejected["claim"]["invitation"] is None  # only an approved claim invites its shop
    twice = await api.gql(DECIDE, {"input": {"claimId": made["id"], "approve": True}}, officer.token)
    assert _errors(twice["decideOfflineClaim"]) == [("INVALID_TRANSITION", "input.claimId")]


async def test_each_abuse_of_a_claim_is_refused_naming_its_field(api: Api) -> None:
    asn = await asn_with(api, nip(803), "DISKOMINFO")
    first = await photo(api, asn, seed=4)
    assert (await api.gql(CLAIM, claim_input(first), asn.token))["claimOfflinePurchase"]["errors"] == []

    async def refused(photo_id: str, **overrides: Any) -> list[tuple[str, str]]:
        return _errors((await api.gql(CLAIM, claim_input(photo_id, **overrides), asn.token))["claimOfflinePurchase"])

    assert await refused(first) == [("ALREADY_EXISTS", "input.photoUploadId")]
    resent = await upload(api, asn, receipt_photo(4, width=800, height=600, quality=60))  # other bytes, same picture
    assert await refused(resent) == [("ALREADY_EXISTS", "input.photoUploadId")]
    fresh = await photo(api, asn, seed=5)
    tomorrow = (today_wib() + dt.timedelta(days=1)).isoformat()
    assert await refused(fresh, purchasedOn=tomorrow) == [("INVALID", "input.purchasedOn")]
    long_ago = (today_wib() - dt.timedelta(days=200)).isoformat()
    assert await refused(fresh, purchasedOn=long_ago) == [("INVALID", "input.purchasedOn")]
    assert await refused(fresh, amount=0) == [("INVALID", "input.amount")]
    assert await refused(fresh, amount=25_000_000) == [("INVALID", "input.amount")]
    assert await refused(fresh, kelurahan="Dinoyo Baru") == [("INVALID", "input.kelurahan")]
    assert await refused(fresh, shopName="   ") == [("INVALID", "input.shopName")]
    someone_elses = await photo(api, await sign_up(api), seed=6)
    assert await refused(someone_elses) == [("NOT_FOUND", "input.photoUploadId")]
    resident = await sign_up(api, name="Warga")
    theirs = await photo(api, resident, seed=7)
    payload = (await api.gql(CLAIM, claim_input(theirs), resident.token))["claimOfflinePurchase"]
    assert _errors(payload) == [("FORBIDDEN", "")]


async def test_an_asn_claims_at_most_the_monthly_cap(api: Api) -> None:
    asn = await asn_with(api, nip(804), "DISKOMINFO")
    day = today_wib() - dt.timedelta(days=today_wib().day - 1)  # the first of this month: all in one month
    for seed in range(MAX_PER_MONTH):
        assert (await claim(api, asn, seed=100 + seed, purchasedOn=day.isoformat()))["errors"] == []
    over = await claim(api, asn, seed=200, purchasedOn=day.isoformat())
    assert _errors(over) == [("LIMIT_REACHED", "input.purchasedOn")]
