"""One process that serves SQLite and then PostgreSQL (the tests do; so may a script that copies data) writes each with
its own SQL: tortoise keeps the statements it compiles per model under the connection's name, which both share."""

from __future__ import annotations

import dataclasses

import pytest

from tests.helpers.api import serve
from tests.helpers.database import TEST_DATABASE_URL
from tests.helpers.people import city_person, sign_up
from tests.helpers.shops import verified_shop
from umkm_graph.settings import Settings

SHOP_STATUS = "query($id: ID!) { shop(id: $id) { status } }"
pytestmark = pytest.mark.skipif(not (TEST_DATABASE_URL or "").startswith("postgres"),
                                reason="needs UMKM_TEST_DATABASE_URL on PostgreSQL beside SQLite")


async def test_a_shop_is_verified_on_sqlite_and_then_on_postgresql_in_one_process(settings: Settings) -> None:
    for url in ("sqlite://:memory:", TEST_DATABASE_URL):
        async with serve(dataclasses.replace(settings, database_url=url), reset=url == TEST_DATABASE_URL) as api:
            seller, officer = await sign_up(api, "SELLER"), await city_person(api)
            # verifyShop saves chosen columns: an UPDATE tortoise compiles once per model (api.ok fails on any error)
            shop = await verified_shop(api, seller, officer)
            assert (await api.gql(SHOP_STATUS, {"id": shop["id"]}))["shop"]["status"] == "VERIFIED"
