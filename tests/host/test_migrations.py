"""Schema migrations: every model change has one, they build the schema the models describe, and applying them twice is
a no-op. On SQLite in memory, and on PostgreSQL when UMKM_TEST_DATABASE_URL is set (CI runs both)."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import pkgutil
import sys
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.context import TortoiseContext

import umkm_graph.migrations
from tests.helpers.api import asgi_client, started_app
from tests.helpers.database import TEST_DATABASE_URL, empty_postgres
from umkm_graph.catalog.search_schema import SQLITE_INDEX_TABLES, create_search_indexes
from umkm_graph.cli import main
from umkm_graph.catalog.models import Category, PriceChange, PriceUnit, Product, ProductUnit, ProductVariant
from umkm_graph.checkout.models import CartItem
from umkm_graph.people.models import Opd, Role, User
from umkm_graph.shops.models import Shop
from umkm_graph.db import apply_migrations, pending_migrations, tortoise_config, unmigrated_model_changes
from umkm_graph.settings import Settings

pytestmark = pytest.mark.no_graphql  # sends no GraphQL document: the fast-paths-off pass of .ci/run leaves it out

MIGRATIONS_TABLE = "tortoise_migrations"
SEARCH_INDEX_TABLES = set() if TEST_DATABASE_URL else set(SQLITE_INDEX_TABLES)  # SQLite's FTS5 tables
MIGRATIONS = sorted(name for _, name, package in pkgutil.iter_modules(umkm_graph.migrations.__path__) if not package)


def empty_database() -> contextlib.AbstractAsyncContextManager[BaseDBAsyncClient]:
    """A database without tables, open in its own tortoise context: a new one in memory, or the PostgreSQL test
    database emptied (the next test's reset rebuilds it)."""
    return empty_database_at(TEST_DATABASE_URL or "sqlite://:memory:")


@contextlib.asynccontextmanager
async def empty_database_at(url: str) -> AsyncIterator[BaseDBAsyncClient]:
    if url.startswith("postgres"):
        await empty_postgres(url)
    async with TortoiseContext() as context:
        await context.init(config=tortoise_config(url))
        yield context.connections.get("default")


async def test_every_model_change_has_a_migration() -> None:
    async with TortoiseContext() as context:  # the models against the state the migrations build: no database needed
        await context.init(config=tortoise_config("sqlite://:memory:"))
        changes = await unmigrated_model_changes()
    assert changes == [], f"models changed without a migration; write one with `tortoise makemigrations`: {changes}"


async def test_migrating_an_empty_database_creates_every_table_and_migrating_again_changes_nothing() -> None:
    async with empty_database() as connection:
        assert await pending_migrations() == MIGRATIONS
        assert await apply_migrations() == MIGRATIONS
        first = await schema_of(connection)
        assert await apply_migrations() == []
        assert await pending_migrations() == []
        assert await schema_of(connection) == first
        model_tables = {model._meta.db_table for model in Tortoise.apps["models"].values()}
    assert {row[1] for row in first if row[0] == "table"} == model_tables | {MIGRATIONS_TABLE} | SEARCH_INDEX_TABLES


async def test_migrations_build_the_schema_the_models_describe() -> None:
    """Replaying the chain, building an empty database at once (what apply_migrations does there) and generate_schemas
    give the same tables, columns, indexes, unique keys and foreign keys, and the first two the same starting OPD list:
    so the tests on fresh databases test the schema and rows a long-lived deployment has."""
    async with empty_database() as connection:
        assert await apply_migrations(replay=True) == MIGRATIONS
        replayed, replayed_opds = await schema_of(connection), await opd_list()
    async with empty_database() as connection:
        assert await apply_migrations() == MIGRATIONS
        assert await pending_migrations() == []
        at_once, at_once_opds = await schema_of(connection), await opd_list()
    async with empty_database() as connection:
        await Tortoise.generate_schemas()
        await create_search_indexes(connection)  # as db.prepare_schema does beside generate_schemas
        generated = await schema_of(connection)
    assert replayed == at_once
    assert replayed_opds == at_once_opds and len(replayed_opds) > 10
    assert {row for row in replayed if row[1] != MIGRATIONS_TABLE} == generated
    # what the tests of repeated webhooks and racing buyers rely on
    assert {("unique", "payment_events", ("event_id", "provider")), ("unique", "orders", ("reference",)),
            ("foreign key", "order_lines", "order_id", "orders", "id", "CASCADE")} <= replayed


async def opd_list() -> list[tuple[object, ...]]:
    return [(opd.code, opd.name, opd.short_name, opd.address, opd.kecamatan, opd.kelurahan, opd.latitude, opd.longitude,
             opd.active,
             opd.parent.code if opd.parent else None)
            for opd in await Opd.all().order_by("code").prefetch_related("parent")]


def test_the_migrate_command_applies_once_and_its_check_fails_only_while_something_is_pending(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    if TEST_DATABASE_URL:
        asyncio.run(empty_postgres(TEST_DATABASE_URL))
    monkeypatch.setenv("UMKM_DATABASE_URL", TEST_DATABASE_URL or f"sqlite://{tmp_path}/umkm.db")
    assert main(["migrate", "--check"]) == 1
    assert capsys.readouterr().out == "".join(f"pending migration: {name}\n" for name in MIGRATIONS)
    assert main(["migrate"]) == 0
    assert capsys.readouterr().out == f"umkm-graph migrate: applied {', '.join(MIGRATIONS)}\n"
    assert main(["migrate"]) == 0
    assert capsys.readouterr().out == "umkm-graph migrate: nothing to apply; the database is up to date\n"
    assert main(["migrate", "--check"]) == 0


def test_a_database_built_before_migrations_is_refused_with_the_reason_and_left_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    url = TEST_DATABASE_URL or f"sqlite://{tmp_path}/old.db"

    async def build_without_migrations() -> set[tuple[object, ...]]:
        async with empty_database_at(url) as connection:
            await Tortoise.generate_schemas()
            return await schema_of(connection)

    async def schema_now() -> set[tuple[object, ...]]:
        async with TortoiseContext() as context:
            await context.init(config=tortoise_config(url))
            return await schema_of(context.connections.get("default"))

    before = asyncio.run(build_without_migrations())
    monkeypatch.setenv("UMKM_DATABASE_URL", url)
    assert main(["migrate"]) == 1
    assert "tables that no migration made" in capsys.readouterr().err
    assert asyncio.run(schema_now()) == before


async def test_deploys_migrating_at_once_apply_each_migration_once() -> None:
    if not (TEST_DATABASE_URL or "").startswith("postgres"):
        pytest.skip("several processes migrating one database at once happens on PostgreSQL")
    await empty_postgres(TEST_DATABASE_URL)
    environment = {**os.environ, "UMKM_DATABASE_URL": TEST_DATABASE_URL}
    runs = [await asyncio.create_subprocess_exec(
        sys.executable, "-m", "umkm_graph.cli", "migrate", env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE) for _ in range(3)]
    outputs = [await run.communicate() for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    said = sorted(out.decode() for out, _ in outputs)
    assert said == ["umkm-graph migrate: applied " + ", ".join(MIGRATIONS) + "\n"] + \
        ["umkm-graph migrate: nothing to apply; the database is up to date\n"] * 2


async def test_readyz_names_pending_migrations_until_they_are_applied() -> None:
    if not (TEST_DATABASE_URL or "").startswith("postgres"):
        pytest.skip("a server migrates a SQLite database itself; only on PostgreSQL is migrating a separate step")
    await empty_postgres(TEST_DATABASE_URL)
    settings = Settings(database_url=TEST_DATABASE_URL, secret_key="test-secret-key-for-umkm-graph-tests-only",
                        payment_jobs_interval_seconds=0)
    async with started_app(settings, reset=False) as app, asgi_client(app) as client:
        before = await client.get("/readyz")
        await apply_migrations()
        after = await client.get("/readyz")
    assert before.status_code == 503
    assert before.json()["checks"]["migrations"] == f"pending: {', '.join(MIGRATIONS)} (run `umkm-graph migrate`)"
    assert after.status_code == 200
    assert after.json()["checks"]["migrations"] == "ok"


async def schema_of(connection: BaseDBAsyncClient) -> set[tuple[object, ...]]:
    """The schema as the database's catalog tells it, without the names the database or tortoise chose: tables,
    columns (type, nullability, default), indexes and unique keys (by their columns), and foreign keys."""
    if TEST_DATABASE_URL:
        return await _postgres_schema(connection)
    return await _sqlite_schema(connection)


async def _sqlite_schema(connection: BaseDBAsyncClient) -> set[tuple[object, ...]]:
    schema: set[tuple[object, ...]] = set()
    _, tables = await connection.execute_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    for (table,) in (tuple(row) for row in tables):
        schema.add(("table", table))
        _, columns = await connection.execute_query(f'PRAGMA table_info("{table}")')
        schema |= {("column", table, c["name"], c["type"], bool(c["notnull"]), c["dflt_value"], c["pk"]) for c in columns}
        _, indexes = await connection.execute_query(f'PRAGMA index_list("{table}")')
        for index in indexes:
            _, parts = await connection.execute_query(f'PRAGMA index_info("{index["name"]}")')
            columns_of = tuple(sorted(part["name"] for part in parts))
            schema.add(("unique" if index["unique"] else "index", table, columns_of))
        _, keys = await connection.execute_query(f'PRAGMA foreign_key_list("{table}")')
        schema |= {("foreign key", table, key["from"], key["table"], key["to"], key["on_delete"]) for key in keys}
    return schema


async def _postgres_schema(connection: BaseDBAsyncClient) -> set[tuple[object, ...]]:
    schema: set[tuple[object, ...]] = set()
    _, columns = await connection.execute_query(
        "SELECT table_name, column_name, data_type, character_maximum_length, numeric_precision, numeric_scale,"
        " is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public'")
    for c in columns:
        schema.add(("table", c["table_name"]))
        schema.add(("column", *(c[key] for key in ("table_name", "column_name", "data_type", "character_maximum_length",
                                                  "numeric_precision", "numeric_scale", "is_nullable", "column_default"))))
    _, indexes = await connection.execute_query(
        "SELECT t.relname AS table_name, ix.indisunique AS is_unique, array_agg(a.attname::text) AS columns"
        " FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid"
        " JOIN pg_namespace n ON n.oid = t.relnamespace"
        " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(ix.indkey)"
        " WHERE n.nspname = 'public' GROUP BY t.relname, i.relname, ix.indisunique")
    schema |= {("unique" if i["is_unique"] else "index", i["table_name"], tuple(sorted(i["columns"]))) for i in indexes}
    _, keys = await connection.execute_query(
        "SELECT c.conrelid::regclass::text AS table_name, a.attname AS column_name, c.confrelid::regclass::text AS target,"
        " fa.attname AS target_column, c.confdeltype::text AS on_delete FROM pg_constraint c"
        " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
        " JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]"
        " WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace")
    deletes = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
    schema |= {("foreign key", k["table_name"], k["column_name"], k["target"], k["target_column"],
                deletes[k["on_delete"]]) for k in keys}
    _, checks = await connection.execute_query(
        "SELECT conrelid::regclass::text AS table_name, pg_get_constraintdef(oid) AS definition FROM pg_constraint"
        " WHERE contype = 'c' AND connamespace = 'public'::regnamespace")
    schema |= {("check", c["table_name"], c["definition"]) for c in checks}
    return schema


async def test_migration_0020_makes_every_product_a_product_with_its_one_variant() -> None:
    """Its data step, on rows as a database before variants has them (a product, its price history, a cart line and an
    order line naming the product only): each product gets one variant with its own id, price, pack and stock, the
    lines and price changes name it, and new variants' ids continue after them."""
    variants = importlib.import_module("umkm_graph.migrations.0020_variants")
    async with empty_database() as connection:
        await apply_migrations()
        owner = await User.create(email="bu.endang@example.id", password_hash="-", name="Bu Endang", role=Role.SELLER)
        shop = await Shop.create(owner=owner, name="Toko Bu Endang", slug="toko-bu-endang", kecamatan="Klojen",
                                 kelurahan="Kauman", address="Jl. Merdeka 1", phone="081234567890", nib="1234567890123")
        beras = await Category.create(slug="beras-lama", name="Beras")
        product = await Product.create(shop=shop, category=beras, name="Beras Medium 5 kg", unit=ProductUnit.KG,
                                       pack_size=Decimal(5), price=67_500, stock=20, unit_price=13_500,
                                       unit_price_per=PriceUnit.KG)
        await PriceChange.create(product=product, price=67_500, unit_price=13_500, per=PriceUnit.KG)
        await CartItem.create(user=owner, product=product, quantity=2, price_when_added=67_500)

        await variants._one_variant_each(None, SimpleNamespace(client=connection))

        (variant,) = await ProductVariant.filter(product_id=product.id)
        assert (variant.id, variant.shop_id, variant.label, variant.price, variant.stock, variant.pack_size,
                variant.unit_price, variant.is_active) == (product.id, shop.id, "", 67_500, 20, Decimal(5), 13_500, True)
        assert await PriceChange.filter(variant_id=variant.id).count() == 1
        assert await CartItem.filter(variant_id=variant.id).count() == 1
        assert (await Product.get(id=product.id)).price_max == 67_500
        sack = await ProductVariant.create(product=product, shop=shop, label="25 kg", price=320_000)
        assert sack.id > variant.id
