"""`umkm-graph roster import FILE`: an operator imports the roster in a city officer's name, with the same rules as the
mutation, in parts that show progress, and a report of the rejected rows."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.helpers.roster import nip, roster_csv
from umkm_graph.cli import main
from umkm_graph.db import close_database, open_database
from umkm_graph.people import service as people
from umkm_graph.people.models import Role
from umkm_graph.roster_command import parts_of

pytestmark = pytest.mark.no_graphql  # sends no GraphQL document: the fast-paths-off pass of .ci/run leaves it out


async def _officer(url: str) -> None:
    await open_database(url)
    try:
        await people.create_user(email="bkpsdm@malangkota.go.id", password="rahasia-123", name="Petugas",
                                 role=Role.CITY_OFFICER)
    finally:
        await close_database()


def test_the_roster_command_imports_a_file_and_reports_its_rejected_rows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite://{tmp_path}/roster.db"
    monkeypatch.setenv("UMKM_DATABASE_URL", url)
    asyncio.run(_officer(url))
    file = tmp_path / "roster.csv"
    file.write_text(roster_csv([(nip(1), "Ahmad", "DISKOMINFO", "III/a"), (nip(2), "Budi", "NOPE", "III/a")]),
                    encoding="utf-8")
    assert main(["roster", "import", str(file), "--officer", "BKPSDM@malangkota.go.id", "--month", "2026-10"]) == 0
    out = capsys.readouterr()
    assert "DONE, 1 rows taken, 1 rejected" in out.out and "row 3, opd_code:" in out.out
    assert "2 rows read" in out.err
    assert main(["roster", "import", str(file), "--officer", "warga@example.id"]) == 2
    assert "officer: No account has this email" in capsys.readouterr().err


def test_a_file_is_cut_into_parts_each_with_the_header() -> None:
    rows = [(nip(i), "P", "DLH", "II/a") for i in range(1, 6)]
    parts = parts_of(roster_csv(rows), rows_per_part=2)
    assert len(parts) == 3 and all(part.startswith("nip,name,opd_code,grade\n") for part in parts)
    assert sum(len(part.splitlines()) - 1 for part in parts) == 5
