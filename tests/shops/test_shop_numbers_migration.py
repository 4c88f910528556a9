"""A database from before hardening II may hold two sellers' shops under one NIB; migrating it must not fail on them,
so the rule that a NIB belongs to one seller is the service's, not a unique index (hardening II, item 7). On SQLite in
memory, and on PostgreSQL when UMKM_TEST_DATABASE_URL is set."""

from __future__ import annotations

import pytest

from tests.helpers.database import migrated_up_to
from umkm_graph.db import apply_migrations
from umkm_graph.people.models import Role
from umkm_graph.shops.models import Shop, ShopStatus

pytestmark = pytest.mark.no_graphql  # sends no GraphQL document: the fast-paths-off pass of .ci/run leaves it out


async def test_old_duplicate_nibs_survive_the_migration() -> None:
    async with migrated_up_to("0001_initial") as connection:
        for n in (1, 2):  # the columns of 0001, written as the old version wrote them (later ones add columns)
            await connection.execute_query(
                "INSERT INTO users (email, password_hash, name, role, created_at) VALUES "
                f"('seller{n}@example.id', '-', 'Penjual', '{Role.SELLER.value}', CURRENT_TIMESTAMP)")
            _, rows = await connection.execute_query(f"SELECT id FROM users WHERE email = 'seller{n}@example.id'")
            await connection.execute_query(
                "INSERT INTO shops (owner_id, name, slug, description, kecamatan, kelurahan, address, phone, nib, "
                "status, offers_pickup, delivery_fees, rating_sum, review_count, rating, created_at) VALUES "
                f"({rows[0]['id']}, 'Toko {n}', 'toko-{n}', '', 'Klojen', 'Kauman', '-', '0341000000', "
                "'1234567890123', 'VERIFIED', TRUE, '{}', 0, 0, 0, CURRENT_TIMESTAMP)")
        applied = await apply_migrations()
        assert applied and "0002_shop_identity_changes" in applied
        shops = await Shop.filter(nib="1234567890123").order_by("id")
        assert [(shop.slug, shop.status) for shop in shops] == [("toko-1", ShopStatus.VERIFIED),
                                                               ("toko-2", ShopStatus.VERIFIED)]
