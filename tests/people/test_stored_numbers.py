"""NIPs and phones stored before identity numbers were normalised (hardening II, item 6, left over): `umkm-graph
check-numbers` finds them, `--fix` rewrites them to ASCII digits, and NIPs that collide once normalised are reported and
left alone, never merged. On SQLite in a file, and on PostgreSQL when UMKM_TEST_DATABASE_URL is set."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.helpers.database import TEST_DATABASE_URL, empty_postgres
from umkm_graph import db
from umkm_graph.cli import main
from umkm_graph.people.models import User

pytestmark = pytest.mark.no_graphql  # sends no GraphQL document: the fast-paths-off pass of .ci/run leaves it out

NIP = "198005122005012003"
FULLWIDTH = "".join(chr(ord(d) + 0xFEE0) for d in NIP)  # "１９８０…", as typed on some phones
ARABIC_INDIC = "".join(chr(ord(d) - ord("0") + 0x0660) for d in NIP)
OTHER_NIP = "197703152003121001"
OTHER_NIP_FULLWIDTH = OTHER_NIP[:9] + "".join(chr(ord(d) + 0xFEE0) for d in OTHER_NIP[9:])


async def _stored(url: str, rows: list[dict[str, str | None]] | None = None) -> dict[str, tuple[str | None, str | None]]:
    """Each user's (nip, phone) by email, after storing rows as they are (bypassing the service's normalising)."""
    if rows is not None and url.startswith("postgres"):
        await empty_postgres(url)
    await db.open_database(url)
    try:
        for row in rows or []:
            await User.create(password_hash="x", name="Lama", **row)
        return {user.email: (user.nip, user.phone) for user in await User.all()}
    finally:
        await db.close_database()


@pytest.fixture
def old_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = TEST_DATABASE_URL or f"sqlite://{tmp_path}/old.db"
    monkeypatch.setenv("UMKM_DATABASE_URL", url)
    asyncio.run(_stored(url, [
        {"email": "asli@example.id", "nip": NIP, "phone": "081234567890"},
        {"email": "lebar@example.id", "nip": FULLWIDTH, "phone": None},  # the same NIP as asli@, typed in fullwidth
        {"email": "arab@example.id", "nip": ARABIC_INDIC, "phone": "٠٨١٢ ٣٤٥٦ ٧٨٩٠"},  # and a third time
        {"email": "sendiri@example.id", "nip": OTHER_NIP_FULLWIDTH, "phone": "０８１２-３４５６-７８９１"},
        {"email": "rusak@example.id", "nip": None, "phone": "bukan nomor"},
    ]))
    return url


def test_the_check_lists_what_it_would_rewrite_and_the_collisions_and_changes_nothing(
        old_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = asyncio.run(_stored(old_database))
    assert main(["check-numbers"]) == 1
    out = capsys.readouterr().out
    assert "would rewrite nip of user 4" in out and f"-> {OTHER_NIP}" in out
    assert "would rewrite phone of user 3" in out and "would rewrite phone of user 4" in out
    assert f"collision: NIP {NIP} is held by users 1, 2, 3 once normalised" in out
    assert "unreadable phone of user 5" in out
    assert asyncio.run(_stored(old_database)) == before


def test_fixing_rewrites_what_is_safe_and_leaves_the_colliding_nips_as_they_were(
        old_database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-numbers", "--fix"]) == 1  # the collision is still there, for the city
    assert "collision: NIP" in capsys.readouterr().out
    assert asyncio.run(_stored(old_database)) == {
        "asli@example.id": (NIP, "081234567890"),
        "lebar@example.id": (FULLWIDTH, None),  # not merged into asli@, nor rewritten to collide with it
        "arab@example.id": (ARABIC_INDIC, "081234567890"),
        "sendiri@example.id": (OTHER_NIP, "081234567891"),
        "rusak@example.id": (None, "bukan nomor"),
    }
    assert main(["check-numbers", "--fix"]) == 1
    assert "rewrote" not in capsys.readouterr().out  # the second run has nothing left to rewrite


def test_a_database_already_in_ascii_digits_passes_the_check(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    url = TEST_DATABASE_URL or f"sqlite://{tmp_path}/new.db"
    monkeypatch.setenv("UMKM_DATABASE_URL", url)
    asyncio.run(_stored(url, [{"email": "asli@example.id", "nip": NIP, "phone": "+6281234567890"}]))
    assert main(["check-numbers"]) == 0
    assert capsys.readouterr().out == "every stored NIP and phone number is already in ASCII digits\n"
