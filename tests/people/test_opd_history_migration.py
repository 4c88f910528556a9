"""Accounts that had a NIP before opd_memberships existed get one row, their OPD since their NIP was registered, as every
month already shown counted them, so migrating changes no closed month (hardening II, item 5). On SQLite in memory, and
on PostgreSQL when UMKM_TEST_DATABASE_URL is set."""

from __future__ import annotations

import pytest

from tests.helpers.database import migrated_up_to
from umkm_graph.db import apply_migrations
from umkm_graph.people.models import OpdMembership, User

pytestmark = pytest.mark.no_graphql  # sends no GraphQL document: the fast-paths-off pass of .ci/run leaves it out


async def test_old_asn_keep_their_opd_from_when_their_nip_was_registered() -> None:
    async with migrated_up_to("0004_users_asn_since") as connection:
        for email, nip, opd in (("asn@example.id", "'198501012010011001'", "'Diskominfo'"),
                                ("warga@example.id", "NULL", "NULL")):
            await connection.execute_query(  # the columns of 0004, written as the old version wrote them
                "INSERT INTO users (email, password_hash, name, role, nip, opd, asn_since, created_at) VALUES "
                f"('{email}', '-', 'Orang', 'BUYER', {nip}, {opd}, '2026-08-01 03:00:00+00:00', CURRENT_TIMESTAMP)")
        applied = await apply_migrations()
        assert "0005_opd_memberships" in applied
        asn, resident = await User.get(email="asn@example.id"), await User.get(email="warga@example.id")
        (row,) = await OpdMembership.filter(user_id=asn.id)
        assert (row.opd, row.since) == ("Diskominfo", asn.asn_since)
        assert not await OpdMembership.filter(user_id=resident.id).exists()
