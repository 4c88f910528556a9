"""The BKPSDM roster through GraphQL: a city officer imports it as CSV, row by row with the rejected rows reported;
a registered NIP it lists is VERIFIED and follows its OPD; the same file again changes nothing; a large file comes in
parts whose progress can be read."""

from __future__ import annotations

import time

from tests.helpers.api import Api
from tests.helpers.people import city_person, sign_up
from tests.helpers.roster import (
    HEADER,
    ME,
    ROSTER_IMPORT,
    asn_with,
    import_roster,
    nip,
    register_asn,
    roster_csv,
)
from umkm_graph.people.models import OpdMembership, User


async def test_rows_are_checked_one_by_one_and_the_rejected_ones_reported(api: Api) -> None:
    officer = await city_person(api)
    listed, unlisted = await asn_with(api, nip(1), "DISKOMINFO"), await asn_with(api, nip(2), "DISKOMINFO")
    file = roster_csv([
        (nip(1), "Ahmad Fauzi", "DISKOMINFO", "III/a"),
        (nip(3), "Siti Rahayu", "bappeda", "iv/B"),
        ("198513012010011004", "Bulan Salah", "DISKOMINFO", "III/a"),  # month 13
        (nip(5), "Tanpa Dinas", "DINAS-TIDAK-ADA", "II/c"),
        (nip(6), "", "DLH", "III/z"),  # no name, no such grade
        (nip(3), "Siti Lagi", "BAPPEDA", "III/b"),  # the same NIP again
        (nip(7), "Pegawai PPPK", "DISHUB", "IX"),
    ])
    result = await import_roster(api, officer, file)
    assert result["errors"] == []
    report = result["rosterImport"]
    assert (report["status"], report["month"], report["totalRows"], report["acceptedRows"], report["rejectedRows"],
            report["matchedAccounts"]) == ("DONE", "2026-10", 7, 3, 4, 1)
    assert [(r["row"], r["field"]) for r in report["rejections"]] == [
        (4, "nip"), (5, "opd_code"), (6, "name"), (6, "grade"), (7, "nip")]
    assert "row 3" in report["rejections"][-1]["reason"]
    assert (await api.gql(ME, token=listed.token))["me"]["asnStatus"] == "VERIFIED"
    assert (await api.gql(ME, token=unlisted.token))["me"]["asnStatus"] == "PENDING"


async def test_moving_opd_follows_the_roster_not_the_buyers_word(api: Api) -> None:
    officer = await city_person(api)
    mover = await asn_with(api, nip(1), "DISKOMINFO")
    result = await import_roster(api, officer, roster_csv([(nip(1), "Ahmad Fauzi", "BAPPEDA", "III/a")]))
    assert result["rosterImport"]["movedAccounts"] == 1
    assert (await api.gql(ME, token=mover.token))["me"] == {
        "isAsn": True, "opd": "Bappeda", "asnStatus": "VERIFIED", "opdUnit": {"code": "BAPPEDA"}}
    user = await User.get(email=mover.email)
    assert [m.opd for m in await OpdMembership.filter(user_id=user.id).order_by("since", "id")] == [
        "Diskominfo", "Bappeda"]

    (refused,) = (await register_asn(api, mover, nip(1), code="DISKOMINFO"))["errors"]
    assert (refused["code"], refused["field"]) == ("INVALID", ["opdCode"]) and "Bappeda" in refused["message"]
    # A buyer whose NIP the roster lists needs name no OPD: they get the roster's.
    newcomer = await sign_up(api)
    await import_roster(api, officer, roster_csv([(nip(1), "Ahmad Fauzi", "BAPPEDA", "III/a"),
                                                  (nip(2), "Dewi Lestari", "DLH", "II/d")]))
    joined = await register_asn(api, newcomer, nip(2))
    assert joined["errors"] == [] and joined["user"]["opd"] == "DLH" and joined["user"]["asnStatus"] == "VERIFIED"


async def test_importing_the_same_roster_again_changes_nothing(api: Api) -> None:
    officer = await city_person(api)
    await asn_with(api, nip(1), "DISKOMINFO")
    file = roster_csv([(nip(1), "Ahmad Fauzi", "BAPPEDA", "III/a"), (nip(2), "Dewi Lestari", "DLH", "II/d")])
    first = (await import_roster(api, officer, file))["rosterImport"]
    memberships = await OpdMembership.all().count()
    again = (await import_roster(api, officer, file))["rosterImport"]
    assert (again["acceptedRows"], again["matchedAccounts"], again["movedAccounts"]) == (2, 1, 0)
    assert (first["acceptedRows"], first["movedAccounts"]) == (2, 1)
    assert await OpdMembership.all().count() == memberships


async def test_a_file_that_cannot_be_a_roster_is_refused_whole(api: Api) -> None:
    officer = await city_person(api)
    for file, month, field in (("nip,nama,golongan\n", "2026-10", ["csv"]),  # no OPD code column
                               ("", "2026-10", ["csv"]),
                               (roster_csv([]), "2099-01", ["month"]),
                               (roster_csv([]), "Oktober", ["month"])):
        (error,) = (await import_roster(api, officer, file, month))["errors"]
        assert error["field"] == field, (file, month, error)


def _generated_nip(i: int) -> str:
    """A distinct valid NIP for each i below 25,000: born 1970-1979 on one of 100 days, appointed in 2000, sequence."""
    birth = f"197{i % 10}0{1 + i // 10 % 9}{10 + i // 90 % 10}"
    return f"{birth}200001{1 + i % 2}{1 + i // 900:03d}"


async def test_a_roster_of_ten_thousand_comes_in_parts_whose_progress_can_be_read(api: Api) -> None:
    officer = await city_person(api)
    opds = ["DISKOMINFO", "DISKOPINDAG", "BAPPEDA", "DINKES", "DISDIKBUD", "DLH", "DISHUB", "BPKAD"]
    rows = [(_generated_nip(i), f"Pegawai {i}", opds[i % len(opds)], "III/b") for i in range(10_000)]
    assert len({r[0] for r in rows}) == 10_000
    parts = [roster_csv(rows[i:i + 3_500]) for i in range(0, len(rows), 3_500)]
    assert all(len(part.encode()) < 256 * 1024 for part in parts)  # each under the request size limit
    started = time.perf_counter()
    first = (await import_roster(api, officer, parts[0], finish=False))["rosterImport"]
    progress = (await api.gql(ROSTER_IMPORT, {"id": first["id"]}, officer.token))["rosterImport"]
    assert (progress["status"], progress["processedRows"], progress["acceptedRows"]) == ("RUNNING", 3_500, 3_500)
    for index, part in enumerate(parts[1:], start=1):
        last = index == len(parts) - 1
        done = (await import_roster(api, officer, part, None, importId=first["id"], finish=last))["rosterImport"]
    print(f"roster of 10,000 imported in {time.perf_counter() - started:.2f} s")
    assert (done["status"], done["totalRows"], done["acceptedRows"], done["rejectedRows"]) == ("DONE", 10_000, 10_000, 0)
    late = await import_roster(api, officer, roster_csv([]), None, importId=first["id"])
    assert late["errors"][0]["code"] == "INVALID_TRANSITION"
    assert HEADER in parts[1]
