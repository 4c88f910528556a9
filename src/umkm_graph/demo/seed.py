"""Realistic, deterministic Kota Malang demo data: verified shops in every kecamatan, sembako at real prices, ASN and
resident buyers, city staff with known logins, and a few months of orders and reviews.

The data lives in demo/data/*.toml (shops, products, people, prices, texts); the modules beside this one turn it into
rows, one concept each: people, shops, catalog, orders (and their fates and reviews), city. This module runs them in a
fixed order, so one `random.Random(seed)` makes every choice and the same seed gives the same rows on any day (see
demo/run.py). What differs between runs: ids (on a database that held rows before), password hashes (salted), and
order numbers and pickup codes (random by design).

People, shops, products, orders and reviews are made through the services, as a real user would make them, so every
rule holds: NIPs are valid, stock is taken by checkout and returned by cancellation, COD payments are confirmed before
orders complete, and ratings follow the reviews. The services stamp rows with the time of the run; the seed then moves
each row's timestamps to its place in the history.

Entry points: `seed_database` and `seed_demo_if_empty` open and close the database themselves (the CLI uses them);
`seed_open_database` fills a database that is already open (tests use it inside the app's lifespan).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from typing import TextIO

from argon2 import PasswordHasher
from tortoise.transactions import in_transaction

from umkm_graph.catalog import service as catalog_service
from umkm_graph.catalog.models import Product
from umkm_graph.core.regions import KELURAHAN
from umkm_graph.db import close_database, open_database
from umkm_graph.demo.catalog import add_rice_sacks
from umkm_graph.demo.certificates import add_certificates
from umkm_graph.demo.complaints import add_complaints
from umkm_graph.demo.growth import add_growth
from umkm_graph.demo.city import set_city_monitoring
from umkm_graph.demo.orders import OrderHistory
from umkm_graph.demo.people import add_buyer, add_staff
from umkm_graph.demo.promotions import add_promotions
from umkm_graph.demo.run import (
    ANCHOR,
    ASN_BUYERS,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    HISTORY_DAYS,
    PENDING_SHOPS,
    RESIDENT_BUYERS,
    SHOPS_PER_KECAMATAN,
    DemoLogin,
    Progress,
    SeedError,
    SeedRun,
    SeedSummary,
    check_scale,
)
from umkm_graph.demo.shops import (
    DEMO_SHOP_SLUG,
    DOCUMENTED_SHOP,
    add_documented_shop,
    add_pending_shop,
    add_verified_shop,
)
from umkm_graph.events import LocalEventBus
from umkm_graph.notifications.models import OutboxMessage
from umkm_graph.people.models import User
from umkm_graph.people.opds import ensure_opds
from umkm_graph.plugin_host import Providers, collect_providers, load_plugins
from umkm_graph.settings import Settings
from umkm_graph.shops.models import Shop

__all__ = [
    "ANCHOR",
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "DEMO_SHOP_SLUG",
    "HISTORY_DAYS",
    "DemoLogin",
    "Progress",
    "SeedError",
    "SeedSummary",
    "seed_database",
    "seed_demo_if_empty",
    "seed_open_database",
]


async def seed_database(database_url: str, *, seed: int = 1, scale: int = 1) -> SeedSummary:
    """Open the database, fill it with demo data, close it. Refuses a database that already has accounts."""
    check_scale(scale)
    await open_database(database_url)
    try:
        if await User.exists():
            raise SeedError("The database already has accounts; seed into an empty database (a new UMKM_DATABASE_URL)")
        stream = sys.stderr if scale > 1 else None
        return await seed_open_database(seed=seed, scale=scale, progress=stream)
    finally:
        await close_database()


async def seed_demo_if_empty(database_url: str) -> SeedSummary | None:
    """For `serve --demo`: seed (seed 1, scale 1) only when the database has no shops; None when it had some."""
    await open_database(database_url)
    try:
        if await Shop.exists():
            return None
        return await seed_open_database()
    finally:
        await close_database()


async def seed_open_database(
    *,
    seed: int = 1,
    scale: int = 1,
    anchor: dt.datetime = ANCHOR,
    progress: TextIO | None = None,
    providers: Providers | None = None,
) -> SeedSummary:
    """Fill an open, empty database in one transaction: all of the demo data or none of it. Orders go through the
    given providers, or through those the settings in the environment load (the built-in ones by default)."""
    check_scale(scale)
    if providers is None:
        settings = Settings.from_env()
        providers = await collect_providers(load_plugins(settings), settings)
    await catalog_service.ensure_categories()
    await ensure_opds()
    run = SeedRun(random.Random(seed), scale, anchor, SeedSummary(seed=seed, scale=scale))
    history = OrderHistory(run, providers, LocalEventBus())
    bar = Progress(_planned_steps(scale), progress)
    try:
        async with in_transaction():
            await _fill(run, bar, history)
            # The demo's orders are history, not news: nobody is told of them (its outbox starts empty).
            await OutboxMessage.all().delete()
    finally:
        bar.close()
    return run.summary


def _planned_steps(scale: int) -> int:
    verified = SHOPS_PER_KECAMATAN * len(KELURAHAN) * scale
    return verified + PENDING_SHOPS * scale + (ASN_BUYERS + RESIDENT_BUYERS) * scale


async def _fill(run: SeedRun, bar: Progress, history: OrderHistory) -> None:
    """Every step in its fixed order: each draws from the one random stream."""
    # Every demo account has the same password, so hash it once: argon2 takes ~0.1 s a hash by design.
    run.password_hash = PasswordHasher().hash(DEMO_PASSWORD)
    await add_staff(run)
    await add_documented_shop(run)
    bar.step("shops")
    for index in range(SHOPS_PER_KECAMATAN * run.scale):
        for kecamatan in KELURAHAN:
            if (index, kecamatan) != (0, DOCUMENTED_SHOP.kecamatan):
                await add_verified_shop(run, kecamatan, index)
                bar.step("shops")
    for index in range(PENDING_SHOPS * run.scale):
        await add_pending_shop(run, index)
        bar.step("shops")
    await add_certificates(run)
    for index in range(ASN_BUYERS * run.scale):
        await add_buyer(run, index, asn=True)
        bar.step("buyers")
    for index in range(RESIDENT_BUYERS * run.scale):
        await add_buyer(run, index, asn=False)
        bar.step("buyers")
    planned = history.plan()
    bar.grow(len(planned))
    for checkout_plan in planned:
        placed, reviewed = await history.place(checkout_plan)
        run.summary.orders += placed
        run.summary.reviews += reviewed
        bar.step("orders")
    await add_complaints(run, history.providers, history.events)
    await add_growth(run)
    await set_city_monitoring(run)
    await add_promotions(run)
    await add_rice_sacks(run)
    run.summary.users = await User.all().count()
    run.summary.products = await Product.all().count()
