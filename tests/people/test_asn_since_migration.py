"""Accounts that had a NIP before users.asn_since existed count as ASN from when the account was made, as every month
already shown counted them, so migrating changes no closed month (hardening II, item 5). On SQLite in memory, and on
PostgreSQL when UMKM_TEST_DATABASE_URL is set."""

from __future__ import annotations

import pytest

from tests.helpers.database import migrated_up_to
from umkm_graph.db import apply_migrations
from umkm_graph.people.models import User

pytestmark = pytest.mark.no_graphql  # sends no GraphQL document: the fast-paths-off pass of .ci/run leaves it out


async def test_old_asn_count_from_when_their_account_was_made() -> None:
    async with migrated_up_to("0003_checkout_idempotency_keys") as connection:
        for email, nip in (("asn@example.id", "'198501012010011001'"), ("warga@example.id", "NULL")):
            await connection.execute_query(  # the columns of 0001, written as the old version wrote them
                "INSERT INTO users (email, password_hash, name, role, nip, opd, created_at) VALUES "
                f"('{email}', '-', 'Orang', 'BUYER', {nip}, 'Diskominfo', CURRENT_TIMESTAMP)")
        applied = await apply_migrations()
        assert applied and "0004_users_asn_since" in applied
        asn, resident = await User.get(email="asn@example.id"), await User.get(email="warga@example.id")
        assert asn.asn_since == asn.created_at is not None
        assert resident.asn_since is None
