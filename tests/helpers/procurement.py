"""Office procurement for tests: an OPD's appointed procurement officer and a colleague who receives the goods, in a
market of two shops (Office), a purchase made for the office and taken through its steps; and, for the authorization
matrix, officers and procurements made in the database."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from tests.helpers.api import Api
from tests.helpers.city import REGISTER_ASN, Market, market, purchase
from tests.helpers.orders import attempt
from tests.helpers.people import Person, sign_up
from umkm_graph.orders.models import Order
from umkm_graph.people.models import Opd, User
from umkm_graph.procurement.models import Procurement, ProcurementOfficer

_nips = itertools.count(1)
ACCOUNT = "5.1.02.01.01.0024"  # belanja alat tulis kantor
PROCUREMENT_FIELDS = """
  id number status orderId orderReference opdCode opdName shopName total officerName budgetAccount purpose
  sellerSignedAt receiverName receiverSignedAt handedOverAt kuitansiIssuedAt
  papers { purchaseOrderUrl bastUrl kuitansiUrl }
"""
APPOINT = """
mutation($nip: String!) {
  appointProcurementOfficer(nip: $nip) { officer { name nip opdCode active } errors { code field message } }
}
"""
CREATE = f"""
mutation($input: CreateProcurementInput!) {{
  createProcurement(input: $input) {{ procurement {{ {PROCUREMENT_FIELDS} }} errors {{ code field message }} }}
}}
"""
SIGN = f"""
mutation($id: ID!) {{
  signProcurementHandover(id: $id) {{ procurement {{ {PROCUREMENT_FIELDS} }} errors {{ code field message }} }}
}}
"""
READ = f"query($id: ID!) {{ procurement(id: $id) {{ {PROCUREMENT_FIELDS} }} }}"


@dataclass
class Asn:
    person: Person
    nip: str


@dataclass
class Office:
    market: Market
    officer: Asn  # Diskominfo's appointed procurement officer
    colleague: Asn  # another ASN of Diskominfo: the receiving officer


async def registered_asn(api: Api, opd: str, name: str) -> Asn:
    person = await sign_up(api, name=name)
    nip = f"198703152012032{next(_nips) % 1000:03d}"
    result = await api.ok(REGISTER_ASN, {"nip": nip, "opd": opd}, person.token)
    assert result["user"]["isAsn"] is True
    return Asn(person, nip)


async def office(api: Api, opd: str = "Diskominfo") -> Office:
    m = await market(api)
    officer = await registered_asn(api, opd, "Bu Ratna Pengadaan")
    await api.ok(APPOINT, {"nip": officer.nip}, m.officer.token)
    return Office(m, officer, await registered_asn(api, opd, "Pak Joko Penerima"))


async def bought(api: Api, o: Office, outcome: str = "DELIVERED", quantity: int = 2,
                 purpose: str = "Konsumsi rapat koordinasi UMKM") -> dict[str, Any]:
    """A cash-on-delivery pickup order of beras from the Klojen shop, taken to the outcome, made the office's."""
    order_id = await purchase(api, o.officer.person, o.market.seller, o.market.klojen, [(o.market.beras, quantity)],
                              outcome)
    payload = await api.ok(CREATE, {"input": procurement_input(o, order_id, purpose=purpose)}, o.officer.person.token)
    return payload["procurement"]


def procurement_input(o: Office, order_id: str, **changes: str) -> dict[str, str]:
    """What the officer sends to buy this order for the office, the colleague to receive it."""
    return {"orderId": order_id, "budgetAccount": ACCOUNT, "purpose": "Konsumsi rapat koordinasi UMKM",
            "receiverNip": o.colleague.nip, **changes}


async def handed_over(api: Api, o: Office, procurement: dict[str, Any]) -> dict[str, Any]:
    """The BAST signed by the seller and by the colleague."""
    await api.ok(SIGN, {"id": procurement["id"]}, o.market.seller.token)
    return (await api.ok(SIGN, {"id": procurement["id"]}, o.colleague.person.token))["procurement"]


async def paid(api: Api, o: Office, procurement: dict[str, Any]) -> None:
    await attempt(api, "confirmCashCollected", {"id": procurement["orderId"]}, o.market.seller)


_matrix_nips = itertools.count(1)


async def appointed_in_diskominfo(user_id: int) -> str:
    """The account made an ASN of Diskominfo and its appointed procurement officer, in the database (the
    authorization matrix's cast is made that way); its NIP."""
    user = await User.get(id=user_id)
    if user.nip is None:
        user.nip = f"199001012015011{next(_matrix_nips) % 1000:03d}"
    user.opd_unit = await Opd.get(code="DISKOMINFO")
    await user.save(update_fields=["nip", "opd_unit_id"])
    await ProcurementOfficer.update_or_create(defaults={"opd_id": user.opd_unit_id, "active": True,  # type: ignore[attr-defined]
                                                        "appointed_at": dt.datetime.now(dt.UTC)}, user_id=user.id)
    return user.nip


async def fresh_asn() -> User:
    """An ASN of Diskominfo who is no one's procurement officer yet, made in the database."""
    number = next(_matrix_nips)
    return await User.create(email=f"asn.pengadaan{number}@example.id", password_hash="-", name="Pegawai Diskominfo",
                             nip=f"199001012015012{number % 1000:03d}", opd_unit=await Opd.get(code="DISKOMINFO"),
                             opd="Diskominfo")


async def procurement_for(order_id: int | str, officer_id: int, receiver_id: int) -> Procurement:
    """An order made a procurement of Diskominfo by this officer, for this receiver, in the database."""
    order = await Order.get(id=int(order_id))
    return await Procurement.create(number=f"PBJ-{order.reference}", order_id=order.id,
                                    opd=await Opd.get(code="DISKOMINFO"), officer_id=officer_id, receiver_id=receiver_id,
                                    budget_account=ACCOUNT, purpose="Konsumsi rapat",
                                    created_at=dt.datetime.now(dt.UTC))
