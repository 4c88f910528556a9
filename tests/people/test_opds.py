"""The OPD list through GraphQL: Kota Malang's OPDs to start, registerAsn choosing one (by code, id, or the deprecated
free text, matched without case), and a city officer's edits with their history."""

from __future__ import annotations

from tests.helpers.api import Api
from tests.helpers.people import city_person, sign_up
from tests.helpers.roster import nip, register_asn

OPDS = """
query($all: Boolean! = false) {
  opds(includeInactive: $all) {
    id code name shortName parentId address kecamatan kelurahan latitude longitude active
  }
}
"""
CREATE = """
mutation($input: OpdInput!) { createOpd(input: $input) { opd { id code shortName kelurahan } errors { code field message } } }
"""
UPDATE = """
mutation($id: ID!, $input: OpdInput!) {
  updateOpd(id: $id, input: $input) { opd { id shortName address kelurahan active } errors { code field message } }
}
"""
CHANGES = """
query($id: ID!) { opdChanges(opdId: $id) { field before after changedBy changedAt } }
"""


async def _opds(api: Api, token: str | None = None, everything: bool = False) -> dict[str, dict]:
    return {o["code"]: o for o in (await api.gql(OPDS, {"all": everything}, token))["opds"]}


async def test_anyone_reads_kota_malangs_opd_list_with_offices_and_parents(api: Api) -> None:
    opds = await _opds(api)
    assert {"DISKOMINFO", "DISKOPINDAG", "BKPSDM", "BAPPEDA", "DINKES", "DISDIKBUD", "DISPENDUKCAPIL", "SATPOLPP",
            "DLH", "DISHUB", "BPKAD", "BAPENDA", "INSPEKTORAT", "SETDA", "KEC-KLOJEN", "KEC-SUKUN", "KEC-BLIMBING",
            "KEC-LOWOKWARU", "KEC-KEDUNGKANDANG"} == set(opds)
    kominfo = opds["DISKOMINFO"]
    assert (kominfo["name"], kominfo["shortName"], kominfo["kecamatan"], kominfo["kelurahan"], kominfo["active"]) == (
        "Dinas Komunikasi dan Informatika", "Diskominfo", "Kedungkandang", "Arjowinangun", True)
    assert -8.2 <= kominfo["latitude"] <= -7.7 and 112.4 <= kominfo["longitude"] <= 112.9
    assert opds["KEC-KLOJEN"]["parentId"] == opds["SETDA"]["id"] and kominfo["parentId"] is None


async def test_register_asn_takes_an_opd_from_the_list_by_code_id_or_name_without_case(api: Api) -> None:
    opds = await _opds(api)
    chosen = [({"opd": "diskominfo"}, "Diskominfo"), ({"opd": "  Dinas   Kesehatan "}, "Dinkes"),
              ({"code": "bappeda"}, "Bappeda"), ({"id": opds["BKPSDM"]["id"]}, "BKPSDM")]
    for serial, (given, short_name) in enumerate(chosen, start=1):
        result = await register_asn(api, await sign_up(api), nip(serial), **given)
        assert result["errors"] == []
        user = result["user"]
        assert (user["isAsn"], user["opd"], user["opdUnit"]["shortName"], user["asnStatus"]) == (
            True, short_name, short_name, "PENDING")  # no roster imported: pending


async def test_an_opd_not_on_the_list_is_refused_naming_the_field(api: Api) -> None:
    buyer = await sign_up(api)
    for given, field, code in (({"opd": "Dinas Tidak Ada"}, ["opd"], "NOT_FOUND"),
                               ({"code": "NOPE"}, ["opdCode"], "NOT_FOUND"),
                               ({"id": "999999"}, ["opdId"], "NOT_FOUND"),
                               ({}, ["opd"], "REQUIRED")):
        (error,) = (await register_asn(api, buyer, nip(1), **given))["errors"]
        assert (error["code"], error["field"]) == (code, field), error
    assert (await api.gql("{ me { isAsn opd } }", token=buyer.token))["me"] == {"isAsn": False, "opd": None}


async def test_an_officer_adds_and_edits_opds_and_each_change_is_kept(api: Api) -> None:
    officer = await city_person(api)
    made = await api.ok(CREATE, {"input": {"code": "upt-pasar", "name": "UPT Pasar Besar", "shortName": "UPT Pasar",
                                           "kecamatan": "klojen", "kelurahan": "sukoharjo"}}, officer.token)
    opd = made["opd"]
    assert (opd["code"], opd["shortName"], opd["kelurahan"]) == ("UPT-PASAR", "UPT Pasar", "Sukoharjo")
    member = await sign_up(api)
    assert (await register_asn(api, member, nip(7), code="UPT-PASAR"))["errors"] == []

    edited = await api.ok(UPDATE, {"id": opd["id"], "input": {"shortName": "Pasar Besar", "address": "Jl. Pasar Besar"}},
                          officer.token)
    assert (edited["opd"]["shortName"], edited["opd"]["address"]) == ("Pasar Besar", "Jl. Pasar Besar")
    # The ASN in it read the new short name (it is the same OPD).
    assert (await api.gql("{ me { opd } }", token=member.token))["me"]["opd"] == "Pasar Besar"
    changes = (await api.gql(CHANGES, {"id": opd["id"]}, officer.token))["opdChanges"]
    latest = {c["field"]: (c["before"], c["after"], c["changedBy"]) for c in changes[:2]}
    assert latest == {"short_name": ("UPT Pasar", "Pasar Besar", "Petugas Kota"),
                      "address": ("", "Jl. Pasar Besar", "Petugas Kota")}
    assert {c["field"] for c in changes[2:]} >= {"code", "name", "short_name", "kecamatan", "kelurahan"}

    # Deactivated: out of the list, closed to new ASN; the officer still sees it.
    await api.ok(UPDATE, {"id": opd["id"], "input": {"active": False}}, officer.token)
    assert "UPT-PASAR" not in await _opds(api) and "UPT-PASAR" in await _opds(api, officer.token, everything=True)
    (error,) = (await register_asn(api, await sign_up(api), nip(8), code="UPT-PASAR"))["errors"]
    assert (error["code"], error["field"]) == ("NOT_FOUND", ["opdCode"])


async def test_wrong_opd_fields_are_refused_each_with_its_reason(api: Api) -> None:
    officer = await city_person(api)
    errors = await api.fails(CREATE, {"input": {"code": "x", "name": " ", "kecamatan": "Klojen", "kelurahan": "Dinoyo",
                                                "latitude": -7.5}}, officer.token)
    assert {tuple(e["field"]) for e in errors} == {("code",), ("name",), ("kelurahan",), ("latitude",)}
    (taken,) = await api.fails(CREATE, {"input": {"code": "DISKOMINFO", "name": "Lain"}}, officer.token)
    assert (taken["code"], taken["field"]) == ("ALREADY_EXISTS", ["code"])
    setda = (await _opds(api))["SETDA"]
    klojen = (await _opds(api))["KEC-KLOJEN"]
    (loop,) = await api.fails(UPDATE, {"id": setda["id"], "input": {"parentId": klojen["id"]}}, officer.token)
    assert (loop["code"], loop["field"]) == ("INVALID", ["parentId"])
