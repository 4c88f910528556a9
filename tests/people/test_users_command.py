"""`umkm-graph users create`: an operator makes an account of any role, with the password from stdin (never from the
command line), and the person signs in with it through GraphQL. On SQLite in a file, and on PostgreSQL when
UMKM_TEST_DATABASE_URL is set."""

from __future__ import annotations

import asyncio
import dataclasses
import io
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.api import serve
from tests.helpers.database import TEST_DATABASE_URL
from umkm_graph import db
from umkm_graph.cli import main
from umkm_graph.settings import Settings

LOGIN = """mutation($e: String!, $p: String!) { login(email: $e, password: $p) {
  token user { email name role } errors { code field message } } }"""
PASSWORD = "kota-data-2026-rahasia"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = TEST_DATABASE_URL or f"sqlite://{tmp_path}/accounts.db"
    monkeypatch.setenv("UMKM_DATABASE_URL", url)

    async def migrated() -> None:
        await db.open_database(url)
        await db.close_database()

    asyncio.run(migrated())
    return url


def create(monkeypatch: pytest.MonkeyPatch, stdin: str, *args: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["users", "create", *args])


def sign_in(settings: Settings, url: str, email: str, password: str) -> dict[str, Any]:
    async def run() -> dict[str, Any]:
        async with serve(dataclasses.replace(settings, database_url=url), reset=False) as api:
            return (await api.gql(LOGIN, {"e": email, "p": password}))["login"]

    return asyncio.run(run())


def test_an_operator_creates_an_analyst_who_signs_in_and_wrong_input_is_named_and_a_password_option_is_refused(
    database: str, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    assert create(monkeypatch, f"{PASSWORD}\n", "--role", "ANALYST", "--email", "Analis@MalangKota.go.id",
                  "--name", "Rina Analis") == 0
    assert "created ANALYST account" in capsys.readouterr().out
    signed_in = sign_in(settings, database, "analis@malangkota.go.id", PASSWORD)
    assert signed_in["errors"] == [] and signed_in["token"]
    assert signed_in["user"] == {"email": "analis@malangkota.go.id", "name": "Rina Analis", "role": "ANALYST"}

    # Wrong input is named and creates nothing (one database for both: migrating a file costs seconds).
    assert create(monkeypatch, "pendek\n", "--role", "CITY_OFFICER", "--email", "bukan-email", "--name", "Petugas") == 1
    err = capsys.readouterr().err
    assert "email: Email address is not valid" in err and "password: Password must have at least" in err
    assert create(monkeypatch, f"{PASSWORD}\n", "--role", "CITY_OFFICER", "--email", "petugas@malangkota.go.id",
                  "--name", "Petugas") == 0
    assert create(monkeypatch, f"{PASSWORD}\n", "--role", "CITY_OFFICER", "--email", "petugas@malangkota.go.id",
                  "--name", "Petugas") == 1
    assert "email: An account with this email already exists" in capsys.readouterr().err
    with pytest.raises(SystemExit) as refused:
        create(monkeypatch, "", "--role", "ANALYST", "--email", "a@malangkota.go.id", "--name", "A",
               "--password", PASSWORD)
    assert refused.value.code == 2
