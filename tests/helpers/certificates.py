"""Certificates for tests: what a seller records, and a certificate verified by a city officer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.helpers.api import Api
from tests.helpers.people import Person
from umkm_graph.core.wib import today_wib

CERTIFICATE_FIELDS = "id kind number numberFormatKnown issuer issuedOn validUntil status reason givesBadge expiresInDays"
RECORD_CERTIFICATE = f"""
mutation($shopId: ID!, $input: CertificateInput!) {{
  recordCertificate(shopId: $shopId, input: $input) {{ certificate {{ {CERTIFICATE_FIELDS} }} errors {{ code field message }} }}
}}
"""
VERIFY_CERTIFICATE = f"""
mutation($id: ID!) {{ verifyCertificate(id: $id) {{ certificate {{ {CERTIFICATE_FIELDS} }} errors {{ code field message }} }} }}
"""
REJECT_CERTIFICATE = f"""
mutation($id: ID!, $reason: String!) {{
  rejectCertificate(id: $id, reason: $reason) {{ certificate {{ {CERTIFICATE_FIELDS} }} errors {{ code field message }} }}
}}
"""
COVER_PRODUCTS = """
mutation($id: ID!, $productIds: [ID!]!) {
  setCertificateProducts(certificateId: $id, productIds: $productIds) {
    certificate { id coveredProducts { id } } errors { code field message }
  }
}
"""


def days_from_today(days: int) -> str:
    return (today_wib() + dt.timedelta(days=days)).isoformat()


def halal_input(**overrides: Any) -> dict[str, Any]:
    """A BPJPH halal certificate issued a year ago, with no end date (Law 6/2023)."""
    return {"kind": "HALAL", "number": "ID35110000123450521", "issuedOn": days_from_today(-365)} | overrides


def pirt_input(**overrides: Any) -> dict[str, Any]:
    """A P-IRT permit: 15 digits, five years from its issue."""
    return {"kind": "PIRT", "number": "2063573010123-29", "issuedOn": days_from_today(-300),
            "validUntil": days_from_today(5 * 365 - 300)} | overrides


async def verified_certificate(api: Api, seller: Person, officer: Person, shop_id: str,
                               product_ids: list[str] | None = None, **input: Any) -> dict[str, Any]:
    """A certificate the seller recorded (halal unless input says otherwise), covering these products, verified."""
    certificate = (await api.ok(RECORD_CERTIFICATE, {"shopId": shop_id, "input": halal_input(**input)},
                                seller.token))["certificate"]
    if product_ids:
        await api.ok(COVER_PRODUCTS, {"id": certificate["id"], "productIds": product_ids}, seller.token)
    return (await api.ok(VERIFY_CERTIFICATE, {"id": certificate["id"]}, officer.token))["certificate"]
