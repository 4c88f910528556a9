"""Office delivery on payday for tests: Diskominfo's office with a delivery day, its contact person, ASN buyers, and a
shop whose own courier reaches the office's kecamatan (Kedungkandang) for a flat trip fee."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tests.helpers.api import Api
from tests.helpers.catalog import add_product
from tests.helpers.people import Person, city_person, sign_up
from tests.helpers.roster import asn_with, nip
from tests.helpers.shops import verified_shop
from umkm_graph.core.wib import WIB, today_wib

ERRORS = "errors { code field message }"
TRIP_FEE = 15000
OPEN_DAY = f"""
mutation($input: OpenOfficeDeliveryDayInput!) {{
  openOfficeDeliveryDay(input: $input) {{ day {{ id opdShortName day cutoffAt }} {ERRORS} }}
}}
"""
DAYS = "query($opd: String) { officeDeliveryDays(opdCode: $opd) { id opdShortName day cutoffAt } }"
BATCH_FIELDS = """
  id day shopName opdShortName officeAddress kecamatan contactName tripFee handedOverAt
  orders { orderId reference buyerName status deliveryFee total missingLineIds missingNote
           lines { lineId productName quantity } }
  items { productName quantity }
"""
SHOP_BATCHES = f"query($shop: ID) {{ officeBatches(shopId: $shop) {{ {BATCH_FIELDS} }} }}"
DAY_BATCHES = f"query($day: ID) {{ officeBatches(deliveryDayId: $day) {{ {BATCH_FIELDS} }} }}"
HANDOVER = f"""
mutation($input: ConfirmOfficeHandoverInput!) {{
  confirmOfficeHandover(input: $input) {{ batch {{ {BATCH_FIELDS} }} {ERRORS} }}
}}
"""
CHECKOUT = f"""
mutation($input: CheckoutInput!) {{
  checkout(input: $input) {{
    checkout {{ id total orders {{ id deliveryFee total status delivery {{ kecamatan kelurahan address }}
                                    payment {{ amount }} }} }}
    {ERRORS}
  }}
}}
"""


@dataclass
class Office:
    officer: Person
    contact: Person
    asn: list[Person]
    seller: Person
    shop: dict[str, Any]
    beras: dict[str, Any]
    telur: dict[str, Any]
    day: dict[str, Any]


def day_input(contact: Person, days_ahead: int = 3, code: str = "DISKOMINFO") -> dict[str, Any]:
    """A delivery day `days_ahead` days after today (WIB), closing at 15:00 WIB the day before."""
    day = today_wib() + dt.timedelta(days=days_ahead)
    cutoff = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(15), WIB)
    return {"opdCode": code, "day": day.isoformat(), "cutoffAt": cutoff.isoformat(), "contactUserId": contact.id}


async def office(api: Api, buyers: int = 3) -> Office:
    """Diskominfo with a delivery day three days ahead, its contact person, `buyers` ASN, and a shop delivering there."""
    officer = await city_person(api)
    contact = await asn_with(api, nip(900), "DISKOMINFO")
    asn = [await asn_with(api, nip(901 + i), "DISKOMINFO") for i in range(buyers)]
    seller = await sign_up(api, "SELLER", "Bu Endang")
    shop = await verified_shop(api, seller, officer, name="Toko Bu Endang",
                               deliveryFees=[{"kecamatan": "Kedungkandang", "fee": TRIP_FEE}])
    beras = await add_product(api, seller, shop["id"], name="Beras Medium 5 kg", price=67500, stock=50)
    telur = await add_product(api, seller, shop["id"], category="telur", name="Telur Ayam 1 kg", unit="KG",
                              packSize=1, price=28000, stock=50)
    day = (await api.ok(OPEN_DAY, {"input": day_input(contact)}, officer.token))["day"]
    return Office(officer, contact, asn, seller, shop, beras, telur, day)


def office_cart(o: Office, lines: list[tuple[dict[str, Any], int]], *, provider: str = "shop_courier",
                payment: str = "COD") -> dict[str, Any]:
    return {"input": {"lines": [{"productId": p["id"], "quantity": q} for p, q in lines],
                      "shops": [{"shopId": o.shop["id"], "deliveryProvider": provider}],
                      "paymentMethod": payment, "officeDeliveryDayId": o.day["id"]}}


async def office_checkout(api: Api, buyer: Person, variables: dict[str, Any]) -> dict[str, Any]:
    return (await api.ok(CHECKOUT, variables, buyer.token))["checkout"]
