"""Accounts that had a NIP before opd_memberships existed get one row, their OPD since their NIP was registered, as every
month already shown counted them, so migrating changes no closed month (hardening II, item 5). On SQLite in memory, and
on PostgreSQL when UMKM_TEST_DATABASE_URL is set."""

from __future__ import annotations

from tortoise.context import TortoiseContext
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget

from tests.helpers.database import TEST_DATABASE_URL, empty_postgres
from umkm_graph.db import apply_migrations, tortoise_config
from umkm_graph.people.models import OpdMembership, User


async def test_old_asn_keep_their_opd_from_when_their_nip_was_registered() -> None:
    url = TEST_DATABASE_URL or "sqlite://:memory:"
    if url.startswith("postgres"):
        await empty_postgres(url)  # the next test's reset migrates it afresh
    async with TortoiseContext() as context:
        config = tortoise_config(url)
        await context.init(config=config)
        connection = context.connections.get("default")
        await MigrationExecutor(connection, config["apps"]).migrate([MigrationTarget("models", "0004_users_asn_since")])
        for email, nip, opd in (("asn@example.id", "'198501012010011001'", "'Diskominfo'"),
                                ("warga@example.id", "NULL", "NULL")):
            await connection.execute_query(  # the columns of 0004, written as the old version wrote them
                "INSERT INTO users (email, password_hash, name, role, nip, opd, asn_since, created_at) VALUES "
                f"('{email}', '-', 'Orang', 'BUYER', {nip}, {opd}, '2026-08-01 03:00:00+00:00', CURRENT_TIMESTAMP)")
        applied = await apply_migrations()
        assert "0005_opd_history_and_roster" in applied
        asn, resident = await User.get(email="asn@example.id"), await User.get(email="warga@example.id")
        (row,) = await OpdMembership.filter(user_id=asn.id)
        assert (row.opd, row.since) == ("Diskominfo", asn.asn_since)
        assert not await OpdMembership.filter(user_id=resident.id).exists()
