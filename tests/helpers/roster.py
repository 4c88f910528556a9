"""The OPD list and the BKPSDM roster for tests: registering an ASN with a chosen NIP and OPD, and importing a roster
(given as rows) through GraphQL."""

from __future__ import annotations

from typing import Any

from tests.helpers.api import Api
from tests.helpers.people import Person, sign_up

REGISTER_ASN = """
mutation($nip: String!, $opd: String, $code: String, $id: ID) {
  registerAsn(nip: $nip, opd: $opd, opdCode: $code, opdId: $id) {
    user { isAsn opd asnStatus opdUnit { code shortName } } errors { code field message }
  }
}
"""
IMPORT_ROSTER = """
mutation($input: RosterImportInput!) {
  importRoster(input: $input) {
    rosterImport {
      id month status totalRows processedRows acceptedRows rejectedRows matchedAccounts movedAccounts
      rejections { row field reason }
    }
    errors { code field message }
  }
}
"""
ROSTER_IMPORT = """
query($id: ID!) { rosterImport(id: $id) { id status totalRows processedRows acceptedRows rejectedRows } }
"""
ME = "{ me { isAsn opd asnStatus opdUnit { code } } }"
HEADER = "nip,name,opd_code,grade"


def nip(serial: int, gender: str = "1") -> str:
    """A valid NIP of someone born in 1985 and appointed in 2010, numbered by serial (1 to 999)."""
    return f"19850101201001{gender}{serial:03d}"


def roster_csv(rows: list[tuple[str, str, str, str]], header: str = HEADER) -> str:
    return "\n".join([header, *(",".join(row) for row in rows)]) + "\n"


async def register_asn(api: Api, person: Person, nip: str, **opd: str) -> dict[str, Any]:
    """registerAsn's payload for this NIP and OPD (opd=free text, code=..., id=...)."""
    data = await api.gql(REGISTER_ASN, {"nip": nip, **opd}, person.token)
    return data["registerAsn"]


async def asn_with(api: Api, nip: str, code: str) -> Person:
    person = await sign_up(api, name="Pegawai Kota")
    result = await register_asn(api, person, nip, code=code)
    assert result["errors"] == [], result["errors"]
    return person


async def import_roster(api: Api, officer: Person, csv: str, month: str | None = "2026-10",
                        **more: Any) -> dict[str, Any]:
    """The importRoster payload of this file (or part, with importId and finish in `more`)."""
    data = await api.gql(IMPORT_ROSTER, {"input": {"csv": csv, "month": month, **more}}, officer.token)
    return data["importRoster"]
