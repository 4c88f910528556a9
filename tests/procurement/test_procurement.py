"""Office procurement (belanja OPD): an OPD's appointed procurement officer buys from an UMKM with a budget account and
a purpose; the seller and a receiving officer of the OPD sign the BAST after delivery; the purchase order, the BAST and
the kuitansi are PDFs in Bahasa Indonesia whose QR code's URL says they are genuine."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx2
import pytest

from tests.helpers.api import Api
from tests.helpers.city import purchase
from tests.helpers.documents import pdf_lines, pdf_metadata, rp
from tests.helpers.people import Person, sign_up
from tests.helpers.procurement import (
    ACCOUNT,
    APPOINT,
    CREATE,
    READ,
    SIGN,
    Office,
    bought,
    handed_over,
    office,
    paid,
    procurement_input,
    registered_asn,
)
from umkm_graph.settings import Settings

PUBLIC_URL = "https://umkm.malangkota.go.id"
VERIFY = """query($token: String!) {
  verifyProcurementPaper(token: $token) { genuine paper number opdName shopName total }
}"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The API behind a public address, which the papers' QR codes point at."""
    return dataclasses.replace(settings, public_url=PUBLIC_URL)


async def download(api: Api, url: str, person: Person | None) -> httpx2.Response:
    headers = {"Authorization": f"Bearer {person.token}"} if person else {}
    return await api.client.get(url, headers=headers)


def qr_token(pdf: bytes) -> str:
    """The token of the QR code's URL, kept in the metadata and printed below the code (wrapped when it is long)."""
    url = pdf_metadata(pdf)["/Keywords"]
    assert "/procurements/verify?token=" in url and url in "".join(pdf_lines(pdf))
    return url.split("token=", 1)[1]


async def test_an_office_purchase_goes_from_purchase_order_to_bast_to_kuitansi(api: Api) -> None:
    o = await office(api)
    procurement = await bought(api, o)
    assert procurement["status"] == "ORDERED" and procurement["opdCode"] == "DISKOMINFO"
    assert procurement["number"] == f"PBJ-{procurement['orderReference']}"
    assert procurement["budgetAccount"] == ACCOUNT and procurement["total"] == 135_000
    assert procurement["papers"]["bastUrl"] is None and procurement["papers"]["kuitansiUrl"] is None

    order_pdf = await download(api, procurement["papers"]["purchaseOrderUrl"], o.officer.person)
    assert order_pdf.status_code == 200 and order_pdf.headers["content-type"] == "application/pdf"
    lines = pdf_lines(order_pdf.content)
    assert lines[0] == f"Surat Pesanan {procurement['number']}"
    assert "Kode rekening 5.1.02.01.01.0024" in lines and "Keperluan Konsumsi rapat koordinasi UMKM" in lines
    assert f"Total {rp(135_000)}" in lines
    assert f"Pejabat pengadaan Bu Ratna Pengadaan (NIP {o.officer.nip})" in lines
    bast_early = await download(api, f"/procurements/{procurement['id']}/bast.pdf", o.officer.person)
    assert bast_early.status_code == 409 and bast_early.json()["errors"][0]["code"] == "NOT_AVAILABLE"

    done = await handed_over(api, o, procurement)
    assert done["status"] == "HANDED_OVER" and done["receiverName"] == "Pak Joko Penerima"
    assert done["sellerSignedAt"] and done["handedOverAt"] and done["papers"]["kuitansiUrl"] is None
    bast = pdf_lines((await download(api, done["papers"]["bastUrl"], o.market.seller)).content)
    assert bast[0] == f"Berita Acara Serah Terima {procurement['number']}"
    assert any(line.startswith("Yang menerima Pak Joko Penerima (NIP " + o.colleague.nip) for line in bast)
    unpaid = await download(api, f"/procurements/{procurement['id']}/kuitansi.pdf", o.officer.person)
    assert unpaid.status_code == 409

    await paid(api, o, procurement)
    after = (await api.gql(READ, {"id": procurement["id"]}, o.officer.person.token))["procurement"]
    kuitansi = await download(api, after["papers"]["kuitansiUrl"], o.officer.person)
    lines = pdf_lines(kuitansi.content)
    assert lines[0] == f"Kuitansi {procurement['number']}"
    assert "Terbilang Seratus tiga puluh lima ribu rupiah" in lines
    assert "Telah terima dari Bendahara Pengeluaran Dinas Komunikasi dan Informatika" in lines
    issued = (await api.gql(READ, {"id": procurement["id"]}, o.officer.person.token))["procurement"]
    assert issued["kuitansiIssuedAt"] is not None


async def test_each_papers_qr_code_is_genuine_and_an_edited_one_is_not(api: Api) -> None:
    o = await office(api)
    procurement = await handed_over(api, o, await bought(api, o))
    await paid(api, o, procurement)
    for url, kind in ((procurement["papers"]["purchaseOrderUrl"], "PURCHASE_ORDER"),
                      (procurement["papers"]["bastUrl"], "BAST"),
                      (f"/procurements/{procurement['id']}/kuitansi.pdf", "KUITANSI")):
        token = qr_token((await download(api, url, o.officer.person)).content)
        found = (await api.gql(VERIFY, {"token": token}))["verifyProcurementPaper"]
        assert found == {"genuine": True, "paper": kind, "number": procurement["number"],
                         "opdName": "Dinas Komunikasi dan Informatika", "shopName": procurement["shopName"],
                         "total": 135_000}
        opened = await api.client.get(f"/procurements/verify?token={token}")
        assert opened.json()["genuine"] is True and opened.json()["paper"]["kind"] == kind
        edited = token.replace(".135000.", ".13500.")
        assert (await api.gql(VERIFY, {"token": edited}))["verifyProcurementPaper"]["genuine"] is False
    receipt_like = "r1.UMKM-ABC.135000.1700000000." + "A" * 43
    assert (await api.gql(VERIFY, {"token": receipt_like}))["verifyProcurementPaper"]["genuine"] is False


async def test_only_an_appointed_officer_buys_for_the_office_and_only_their_own_order(api: Api) -> None:
    o = await office(api)
    stranger_order = await purchase(api, o.colleague.person, o.market.seller, o.market.klojen, [(o.market.beras, 1)],
                                    "PLACED")
    variables = {"input": procurement_input(o, stranger_order)}
    (refused,) = await api.fails(CREATE, variables, o.colleague.person.token)
    assert refused["code"] == "FORBIDDEN"
    (not_theirs,) = await api.fails(CREATE, variables, o.officer.person.token)
    assert not_theirs == {"code": "NOT_FOUND", "field": ["input", "orderId"], "message": "No order of yours has this id"}

    procurement = await bought(api, o, outcome="PLACED")
    again = {"input": procurement_input(o, procurement["orderId"])}
    assert [e["code"] for e in await api.fails(CREATE, again, o.officer.person.token)] == ["ALREADY_EXISTS"]

    await api.ok("mutation($nip: String!) { revokeProcurementOfficer(nip: $nip) { errors { code field message } } }",
                 {"nip": o.officer.nip}, o.market.officer.token)
    order = await purchase(api, o.officer.person, o.market.seller, o.market.klojen, [(o.market.beras, 1)], "PLACED")
    revoked = {"input": procurement_input(o, order)}
    assert [e["code"] for e in await api.fails(CREATE, revoked, o.officer.person.token)] == ["FORBIDDEN"]


@pytest.mark.parametrize(("account", "purpose", "errors"), [
    ("5.1.02.01.01", "Konsumsi rapat", [["input", "budgetAccount"]]),
    ("5.1.01.01.01.0001", "Konsumsi rapat", [["input", "budgetAccount"]]),  # belanja pegawai: not bought from UMKM
    ("4.1.01.01.01.0001", "Konsumsi rapat", [["input", "budgetAccount"]]),  # a revenue account
    (ACCOUNT, "  ab ", [["input", "purpose"]]),
    ("5-1-02", "x" * 301, [["input", "budgetAccount"], ["input", "purpose"]]),
])
async def test_a_wrong_budget_account_or_purpose_is_refused_naming_the_field(
    api: Api, account: str, purpose: str, errors: list[list[str]]
) -> None:
    o = await office(api)
    order = await purchase(api, o.officer.person, o.market.seller, o.market.klojen, [(o.market.beras, 1)], "PLACED")
    found = await api.fails(CREATE, {"input": procurement_input(o, order, budgetAccount=account, purpose=purpose)},
                            o.officer.person.token)
    assert [e["field"] for e in found] == errors and {e["code"] for e in found} == {"INVALID"}
    assert (await api.gql("{ procurements { totalCount } }", token=o.officer.person.token))["procurements"] == {
        "totalCount": 0}


async def test_a_capital_spending_account_is_accepted(api: Api) -> None:
    o = await office(api)
    order = await purchase(api, o.officer.person, o.market.seller, o.market.klojen, [(o.market.beras, 1)], "PLACED")
    await api.ok(CREATE, {"input": procurement_input(o, order, budgetAccount="5.2.02.05.01.0005",
                                                     purpose="Lemari arsip")}, o.officer.person.token)


async def test_the_bast_is_signed_after_delivery_once_by_each_side_and_by_no_one_else(api: Api) -> None:
    o = await office(api)
    early = await bought(api, o, outcome="ACCEPTED")
    assert [e["code"] for e in await api.fails(SIGN, {"id": early["id"]}, o.market.seller.token)] == ["NOT_AVAILABLE"]

    procurement = await bought(api, o)
    await api.ok(SIGN, {"id": procurement["id"]}, o.market.seller.token)
    (twice,) = await api.fails(SIGN, {"id": procurement["id"]}, o.market.seller.token)
    assert twice["code"] == "INVALID_TRANSITION" and twice["field"] == ["id"]
    outsider = await registered_asn(api, "Bappeda", "Pegawai Bappeda")
    other_colleague = await registered_asn(api, "Diskominfo", "Pegawai Diskominfo Lain")
    resident = await sign_up(api)
    for person in (outsider.person, other_colleague.person, resident, o.market.lowokwaru_seller):
        assert [e["code"] for e in await api.fails(SIGN, {"id": procurement["id"]}, person.token)] == ["NOT_FOUND"]
    (buyer_signs,) = await api.fails(SIGN, {"id": procurement["id"]}, o.officer.person.token)
    assert buyer_signs["code"] == "FORBIDDEN"
    state = (await api.gql(READ, {"id": procurement["id"]}, o.officer.person.token))["procurement"]
    assert state["status"] == "ORDERED" and state["receiverSignedAt"] is None


async def test_a_procurement_is_seen_by_its_office_its_seller_and_city_officers_only(api: Api) -> None:
    o = await office(api)
    procurement = await bought(api, o)
    for person in (o.officer.person, o.colleague.person, o.market.seller, o.market.officer):
        assert (await api.gql(READ, {"id": procurement["id"]}, person.token))["procurement"]["id"] == procurement["id"]
    outsider = await registered_asn(api, "Bappeda", "Pegawai Bappeda")
    other_colleague = await registered_asn(api, "Diskominfo", "Pegawai Diskominfo Lain")
    for person in (outsider.person, other_colleague.person, o.market.lowokwaru_seller, o.market.analyst):
        body = await api.post(READ, {"id": procurement["id"]}, person.token)
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", person
        pdf = await download(api, procurement["papers"]["purchaseOrderUrl"], person)
        assert pdf.status_code == 404
    assert (await download(api, procurement["papers"]["purchaseOrderUrl"], None)).status_code == 401
    listed = "{ procurements { edges { node { number } } } }"
    for person, count in ((o.officer.person, 1), (o.colleague.person, 1), (o.market.seller, 1), (o.market.officer, 1),
                          (o.market.lowokwaru_seller, 0), (other_colleague.person, 0)):
        assert len((await api.gql(listed, token=person.token))["procurements"]["edges"]) == count


async def test_appointing_names_an_asn_by_nip_and_refuses_anything_else(api: Api) -> None:
    o = await office(api)
    resident = await sign_up(api)
    for nip, code in (("123", "INVALID"), ("198703152012032999", "NOT_FOUND")):
        (error,) = await api.fails(APPOINT, {"nip": nip}, o.market.officer.token)
        assert error["code"] == code and error["field"] == ["nip"]
    assert [e["code"] for e in await api.fails(APPOINT, {"nip": o.colleague.nip}, resident.token)] == ["FORBIDDEN"]
    appointed = await api.ok(APPOINT, {"nip": o.colleague.nip}, o.market.officer.token)
    assert appointed["officer"] == {"name": "Pak Joko Penerima", "nip": o.colleague.nip, "opdCode": "DISKOMINFO",
                                    "active": True}


async def test_the_receiving_officer_is_another_asn_of_the_office(api: Api) -> None:
    o = await office(api)
    outsider = await registered_asn(api, "Bappeda", "Pegawai Bappeda")
    order = await purchase(api, o.officer.person, o.market.seller, o.market.klojen, [(o.market.beras, 1)], "PLACED")
    for nip, code in (("1987", "INVALID"), (outsider.nip, "NOT_FOUND"), (o.officer.nip, "INVALID")):
        (error,) = await api.fails(CREATE, {"input": procurement_input(o, order, receiverNip=nip)},
                                   o.officer.person.token)
        assert (error["code"], error["field"]) == (code, ["input", "receiverNip"])


def _steps(entries: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(entry["action"], entry["actorName"]) for entry in entries]


async def test_the_audit_trail_records_who_did_each_step(api: Api) -> None:
    o = await office(api)
    procurement = await handed_over(api, o, await bought(api, o))
    await paid(api, o, procurement)
    await download(api, f"/procurements/{procurement['id']}/kuitansi.pdf", o.officer.person)
    await download(api, f"/procurements/{procurement['id']}/kuitansi.pdf", o.officer.person)  # issued once
    trail = "query($id: ID!) { procurementAudit(id: $id) { action actorName at detail hash } }"
    entries = (await api.gql(trail, {"id": procurement["id"]}, o.market.officer.token))["procurementAudit"]
    assert _steps(entries) == [("PURCHASE_ORDER_ISSUED", "Bu Ratna Pengadaan"),
                               ("BAST_SIGNED_BY_SELLER", "Test Person"),
                               ("BAST_SIGNED_BY_RECEIVER", "Pak Joko Penerima"),
                               ("KUITANSI_ISSUED", "Bu Ratna Pengadaan")]
    assert '"budgetAccount":"5.1.02.01.01.0024"' in entries[0]["detail"]
    assert len({entry["hash"] for entry in entries}) == 4
