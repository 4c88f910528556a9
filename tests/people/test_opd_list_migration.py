"""Migration 0013 writes Kota Malang's OPD list and maps the free-text OPDs written before to it where they match a
name, short name or code without case ("diskominfo" becomes Diskominfo, on the account and its history); an OPD not on
the list stays as it was, outside it. On SQLite in memory, and on PostgreSQL when UMKM_TEST_DATABASE_URL is set."""

from __future__ import annotations

import pytest

from tests.helpers.database import migrated_up_to
from umkm_graph.db import apply_migrations
from umkm_graph.people.models import Opd, OpdMembership, User

pytestmark = pytest.mark.no_graphql  # sends no GraphQL document: the fast-paths-off pass of .ci/run leaves it out


async def test_free_text_opds_map_to_the_list_where_they_match() -> None:
    async with migrated_up_to("0015_promotions") as connection:
        for n, opd in enumerate(("diskominfo", "Dinas  Kesehatan", "Dinas Tidak Ada"), start=1):
            await connection.execute_query(  # as the version before wrote an ASN and their OPD history
                "INSERT INTO users (email, password_hash, name, role, nip, opd, asn_since, created_at) VALUES "
                f"('asn{n}@example.id', '-', 'Orang', 'BUYER', '19850101201001100{n}', '{opd}', "
                "'2026-08-01 03:00:00+00:00', CURRENT_TIMESTAMP)")
        await connection.execute_query("INSERT INTO opd_memberships (user_id, opd, since, created_at) SELECT id, opd, "
                                       "asn_since, CURRENT_TIMESTAMP FROM users")
        assert "0016_opd_roster" in await apply_migrations()
        kominfo, dinkes = await Opd.get(code="DISKOMINFO"), await Opd.get(code="DINKES")
        found = {u.email: (u.opd, u.opd_unit_id) for u in await User.all()}  # type: ignore[attr-defined]
        assert found == {"asn1@example.id": ("Diskominfo", kominfo.id), "asn2@example.id": ("Dinkes", dinkes.id),
                         "asn3@example.id": ("Dinas Tidak Ada", None)}
        history = sorted((m.opd, m.opd_unit_id) for m in await OpdMembership.all())  # type: ignore[attr-defined]
        assert history == sorted([("Diskominfo", kominfo.id), ("Dinkes", dinkes.id), ("Dinas Tidak Ada", None)])
        assert await Opd.filter(code__startswith="KEC-", parent__code="SETDA").count() == 5
