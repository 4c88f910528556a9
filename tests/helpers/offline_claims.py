"""Offline purchase claims for tests: an ASN's claim input, claiming through GraphQL, and the city's decision."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.helpers.api import Api
from tests.helpers.people import Person
from tests.helpers.uploads import receipt_photo, upload
from umkm_graph.core.wib import today_wib

ERRORS = "errors { code field message }"
CLAIM_FIELDS = "id amount purchasedOn shopName kelurahan status reason invitation { code link shopName shopId joinedAt }"
CLAIM = f"""
mutation($input: OfflineClaimInput!) {{ claimOfflinePurchase(input: $input) {{ claim {{ {CLAIM_FIELDS} }} {ERRORS} }} }}
"""
DECIDE = f"""
mutation($input: DecideOfflineClaimInput!) {{ decideOfflineClaim(input: $input) {{ claim {{ {CLAIM_FIELDS} }} {ERRORS} }} }}
"""
JOIN = f"""
mutation($shop: ID!, $code: String!) {{
  joinWithInvitation(shopId: $shop, code: $code) {{ invitation {{ code shopId joinedAt }} {ERRORS} }}
}}
"""
SUMMARY = """
query($month: Date!) {
  offlineClaimsSummary(month: $month) {
    approvedClaims approvedAmount claimingAsn pendingClaims rejectedClaims invitations shopsJoined
  }
}
"""


def claim_input(photo_id: str, **overrides: Any) -> dict[str, Any]:
    """A purchase of Rp85.000 at Warung Bu Tin in Sumbersari yesterday (WIB)."""
    values = {"photoUploadId": photo_id, "amount": 85_000, "purchasedOn": (today_wib() - dt.timedelta(days=1)).isoformat(),
              "shopName": "Warung Bu Tin", "kecamatan": "Lowokwaru", "kelurahan": "Sumbersari"}
    values.update(overrides)
    return {"input": values}


async def photo(api: Api, person: Person, seed: int) -> str:
    return await upload(api, person, receipt_photo(seed))


async def claim(api: Api, person: Person, seed: int, **overrides: Any) -> dict[str, Any]:
    """The claimOfflinePurchase payload of a claim with a photo of its own (seed), success or not."""
    return (await api.gql(CLAIM, claim_input(await photo(api, person, seed), **overrides), person.token)
            )["claimOfflinePurchase"]
