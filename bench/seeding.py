"""A large, consistent database for the benchmarks, written by bulk inserts straight into the tables.

Realistic shapes, not the services' rules: ASN in twelve OPDs and residents; shops in every kecamatan, most verified;
sembako listings (beras, minyak goreng, telur, gula) at Malang prices with a price history, and other goods; a year of
orders with lines, payments, state transitions, acceptances and cancellations; reviews of completed order lines, with
each product's and shop's denormalised rating_sum, review_count and rating matching them. PostgreSQL gets COPY, SQLite
executemany, both in chunks with a progress bar on stderr.

`ensure_seeded` keeps a seeded database between runs: the scale it was filled at is stored in a small `bench_meta`
table (which the app does not know), and a different scale, or `reseed=True`, empties the database and fills it again.
The schema comes from the migrations (`open_database`), which a reused database is brought up to date with.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from tortoise import Tortoise

from umkm_graph.catalog.models import Category
from umkm_graph.catalog.search_index import rebuild_search_index
from umkm_graph.catalog.service import ensure_categories
from umkm_graph.city.analytics import WIB
from umkm_graph.core.regions import KELURAHAN
from umkm_graph.db import close_database, open_database
from umkm_graph.demo.seed import Progress

ANCHOR = dt.datetime(2026, 11, 1, tzinfo=WIB).astimezone(dt.UTC)  # the year of orders ends here
DAYS = 365
GENERATOR_VERSION = 4  # bump when the generated shapes change, so cached databases are filled again
OPDS = ("Diskominfo", "Diskopindag", "Bappeda", "Dinas Pendidikan", "Dinas Kesehatan", "BKPSDM", "Bapenda",
        "Dispendukcapil", "Dinas Perhubungan", "Satpol PP", "DLH", "Disporapar")
KECAMATAN = tuple(KELURAHAN)
# (category slug, name, unit, pack size, net grams, rupiah per kg or litre: low, high)
SEMBAKO = (
    ("beras", "Beras Medium 5 kg", "KG", 5, None, 12_600, 14_000),
    ("beras", "Beras Premium 5 kg", "KG", 5, None, 14_000, 15_300),
    ("beras", "Beras Medium Karung 25 kg", "KG", 25, None, 12_500, 13_800),
    ("minyak-goreng", "MinyaKita 1 L", "LITRE", 1, None, 15_200, 16_200),
    ("minyak-goreng", "Minyak Goreng Pouch 2 L", "LITRE", 2, None, 16_000, 17_500),
    ("telur", "Telur Ayam Ras per kg", "KG", 1, None, 24_000, 30_000),
    ("telur", "Telur Ayam Ras 1 Tray", "TRAY", 1, 1850, 24_000, 30_000),
    ("gula", "Gula Pasir 1 kg", "KG", 1, None, 16_000, 18_500),
)
OTHER = (("kuliner", "Keripik Tempe 250 g", "PACK", 250, 14_000, 20_000), ("kuliner", "Bakso Frozen", "PACK", 750,
         45_000, 60_000), ("kerajinan", "Topeng Malangan", "PIECE", None, 175_000, 450_000),
         ("fashion", "Kemeja Batik Malangan", "PIECE", None, 165_000, 285_000))
METHODS = (("COD", 70), ("QRIS", 20), ("VA_BCA", 10))
FATES = (("COMPLETED", 75), ("DELIVERED", 5), ("SELLER_CANCELLED", 4), ("BUYER_CANCELLED", 8), ("OPEN", 3),
         ("UNPAID", 5))
COMPLETED_SHARE = 0.75  # of orders, from FATES: what the lines per order are sized by, so the reviews fit
STOCK = 1_000
CHUNK = 20_000  # rows per bulk statement


@dataclass(frozen=True)
class Scale:
    shops: int
    products: int
    reviews: int
    orders: int

    @classmethod
    def for_orders(cls, orders: int) -> Scale:
        """The analytics benchmark's shape: about ten products a shop, one review per four or five orders."""
        shops = max(40, orders // 250)
        return cls(shops=shops, products=shops * 10, reviews=orders * 9 // 40, orders=orders)

    def line(self) -> str:
        return (f"{self.shops:,} shops, {self.products:,} products, {self.reviews:,} reviews, "
                f"{self.orders:,} orders")


FULL = Scale(shops=2_000, products=100_000, reviews=500_000, orders=100_000)
QUICK = Scale(shops=200, products=10_000, reviews=50_000, orders=10_000)


@dataclass
class Table:
    name: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def generate(scale: Scale, categories: dict[str, int], rng: random.Random) -> list[Table]:
    """Users, shops, products and their price history, a year of orders with lines, payments, steps and reviews."""
    start = ANCHOR - dt.timedelta(days=DAYS)
    asn, residents = max(300, scale.orders // 40), max(300, scale.orders // 25)
    users: list[tuple[Any, ...]] = [(1, "officer@bench.id", "-", "Petugas", "CITY_OFFICER", None, None,
                                     start - dt.timedelta(days=60))]
    for i in range(asn):
        joined = start + dt.timedelta(days=rng.uniform(-90, DAYS - 30))
        users.append((len(users) + 1, f"asn{i}@bench.id", "-", f"ASN {i}", "BUYER", f"{i:018d}",
                      rng.choice(OPDS), joined))
    asn_ids = [row[0] for row in users[1:]]
    for i in range(residents):
        users.append((len(users) + 1, f"warga{i}@bench.id", "-", f"Warga {i}", "BUYER", None, None,
                      start + dt.timedelta(days=rng.uniform(-90, DAYS - 30))))
    resident_ids = [row[0] for row in users[1 + asn:]]
    shop_rows, product_rows, history, owner_of = [], [], [], {}
    products_of: dict[int, list[tuple[int, int, str]]] = {}
    per_shop, extra = divmod(scale.products, scale.shops)
    for s in range(1, scale.shops + 1):
        owner = len(users) + 1
        users.append((owner, f"penjual{s}@bench.id", "-", f"Penjual {s}", "SELLER", None, None,
                      start - dt.timedelta(days=30)))
        status = rng.choices(("VERIFIED", "SUSPENDED", "PENDING"), (95, 3, 2))[0]
        kecamatan = rng.choice(KECAMATAN)
        shop_rows.append([s, owner, f"Toko {s}", f"toko-{s}", "", kecamatan, rng.choice(KELURAHAN[kecamatan]), "-",
                          "0341000000", "1234567890123", status, True, "{}", 0, 0, 0.0, start - dt.timedelta(days=30)])
        owner_of[s], products_of[s] = owner, []
        sembako = rng.random() < 0.6
        for _ in range(per_shop + (1 if s <= extra else 0)):
            pid = len(product_rows) + 1
            listed = start - dt.timedelta(days=rng.uniform(1, 30))
            if sembako:
                slug, name, unit, pack, grams, low, high = rng.choice(SEMBAKO)
                per_unit = rng.randrange(low, high, 50)
                amount = Decimal(grams) / 1000 if grams else Decimal(pack)
                price = int(round(per_unit * amount, -2))
                unit_price = half_up(Decimal(price) / amount)
                per = "LITRE" if unit == "LITRE" else "KG"
            else:
                slug, name, unit, grams, low, high = rng.choice(OTHER)
                pack, price = 1, rng.randrange(low, high, 500)
                unit_price = half_up(Decimal(price) * 1000 / grams) if grams else None
                per = "KG" if grams else None
            history.append((len(history) + 1, pid, price, unit_price, per, listed))
            for _ in range(rng.choice((0, 0, 1, 2, 3))):  # repriced during the year
                price = int(price * rng.uniform(0.95, 1.08) / 100) * 100 or 100
                amount = (Decimal(grams) / 1000 if grams else Decimal(pack))
                unit_price = half_up(Decimal(price) / amount) if per else None
                history.append((len(history) + 1, pid, price, unit_price, per,
                                start + dt.timedelta(days=rng.uniform(0, DAYS))))
            product_rows.append([pid, s, categories[slug], name, "", unit, Decimal(pack), grams, price, STOCK,
                                 rng.random() < 0.95, "[]", 0, 0, 0.0, listed, listed])
            products_of[s].append((pid, price, name))
    # A product's price is its latest in the history.
    latest: dict[int, tuple[dt.datetime, int]] = {}
    for _, pid, price, _, _, at in history:
        if pid not in latest or at > latest[pid][0]:
            latest[pid] = (at, price)
    for row in product_rows:
        row[8] = latest[row[0]][1]

    # Lines per order are sized so that the completed orders hold enough lines for the reviews asked for.
    mean_lines = max(2.0, 1.1 * scale.reviews / (COMPLETED_SHARE * scale.orders))
    most_lines = min(max(3, round(2 * mean_lines - 1)), min(len(p) for p in products_of.values()))
    selling = [s[0] for s in shop_rows if s[10] != "PENDING"]
    checkouts, order_rows, lines, steps, payments = [], [], [], [], []
    reviewable: list[tuple[tuple[Any, ...], int, int, dt.datetime]] = []  # (line, shop, buyer, completed at)
    methods, method_weights = zip(*METHODS, strict=True)
    fates, fate_weights = zip(*FATES, strict=True)
    for oid in range(1, scale.orders + 1):
        buyer = rng.choice(asn_ids) if rng.random() < 0.4 else rng.choice(resident_ids)
        shop = rng.choice(selling)
        placed = start + dt.timedelta(seconds=rng.randrange(DAYS * 86_400))
        chosen = rng.sample(products_of[shop], rng.randint(1, most_lines))
        order_lines = [(pid, price, name, rng.randint(1, 3)) for pid, price, name in chosen]
        subtotal = sum(price * quantity for _, price, _, quantity in order_lines)
        method = rng.choices(methods, method_weights)[0]
        fate = rng.choices(fates, fate_weights)[0]
        if fate == "UNPAID" and method == "COD":
            fate = "BUYER_CANCELLED"
        status = {"COMPLETED": "COMPLETED", "DELIVERED": "DELIVERED", "OPEN": "ACCEPTED"}.get(fate, "CANCELLED")
        reference = f"B{oid:012d}"
        checkouts.append((oid, buyer, subtotal, placed))
        order_rows.append((oid, oid, shop, buyer, reference, status, "PICKUP", "pickup", "standard", 0, method,
                           subtotal, subtotal, "", placed, placed))
        first_line = len(lines)
        for pid, price, name, quantity in order_lines:
            lines.append((len(lines) + 1, oid, pid, name, price, quantity, price * quantity))
        at, seller = placed, owner_of[shop]
        paid_at = None
        if method != "COD":
            steps.append((oid, None, "AWAITING_PAYMENT", buyer, at))
            if fate == "UNPAID":
                steps.append((oid, "AWAITING_PAYMENT", "CANCELLED", None, at + dt.timedelta(hours=1)))
                payments.append(_payment(oid, method, subtotal, reference, "EXPIRED", None, placed))
                continue
            at += dt.timedelta(minutes=rng.uniform(1, 30))
            paid_at = at
            steps.append((oid, "AWAITING_PAYMENT", "PLACED", None, at))
        else:
            steps.append((oid, None, "PLACED", buyer, at))
        cancelled_payment = "REFUNDED" if paid_at else "CANCELLED"
        if fate == "BUYER_CANCELLED":
            steps.append((oid, "PLACED", "CANCELLED", buyer, at + dt.timedelta(minutes=rng.uniform(1, 60))))
            payments.append(_payment(oid, method, subtotal, reference, cancelled_payment, paid_at, placed))
            continue
        at += dt.timedelta(seconds=rng.uniform(30, 6 * 3600))
        steps.append((oid, "PLACED", "ACCEPTED", seller, at))
        if fate == "SELLER_CANCELLED":
            steps.append((oid, "ACCEPTED", "CANCELLED", seller, at + dt.timedelta(hours=1)))
            payments.append(_payment(oid, method, subtotal, reference, cancelled_payment, paid_at, placed))
            continue
        if fate == "OPEN":
            payments.append(_payment(oid, method, subtotal, reference, "PAID" if paid_at else "PENDING", paid_at,
                                     placed))
            continue
        steps.append((oid, "ACCEPTED", "READY_FOR_PICKUP", seller, at + dt.timedelta(hours=2)))
        steps.append((oid, "READY_FOR_PICKUP", "DELIVERED", seller, at + dt.timedelta(hours=5)))
        payments.append(_payment(oid, method, subtotal, reference, "PAID", paid_at or at + dt.timedelta(hours=5),
                                 placed))
        if fate == "COMPLETED":
            completed = at + dt.timedelta(hours=20)
            steps.append((oid, "DELIVERED", "COMPLETED", buyer, completed))
            reviewable.extend((line, shop, buyer, completed) for line in lines[first_line:])

    reviews = []
    for line, shop, buyer, completed in sorted(rng.sample(reviewable, min(scale.reviews, len(reviewable))),
                                               key=lambda picked: picked[0][0]):
        reviews.append((len(reviews) + 1, line[0], line[2], shop, buyer, rng.choice((5, 5, 5, 4, 4, 3, 2, 1)), "",
                        completed + dt.timedelta(hours=rng.uniform(1, 72))))
    _fold_ratings(reviews, product_rows, shop_rows)
    return [
        Table("users", ("id", "email", "password_hash", "name", "role", "nip", "opd", "created_at"), users),
        Table("shops", ("id", "owner_id", "name", "slug", "description", "kecamatan", "kelurahan", "address", "phone",
                        "nib", "status", "offers_pickup", "delivery_fees", "rating_sum", "review_count", "rating",
                        "created_at"), [tuple(row) for row in shop_rows]),
        Table("products", ("id", "shop_id", "category_id", "name", "description", "unit", "pack_size",
                           "net_weight_grams", "price", "stock", "is_active", "image_urls", "rating_sum",
                           "review_count", "rating", "created_at", "updated_at"), [tuple(row) for row in product_rows]),
        # Each product's one variant, with the product's id (as migration 0019 gives them): checkout buys variants.
        Table("product_variants", ("id", "product_id", "shop_id", "label", "pack_size", "net_weight_grams", "price",
                                   "stock", "is_active", "position", "created_at", "updated_at"),
              [(row[0], row[0], row[1], "", row[6], row[7], row[8], row[9], True, 0, row[15], row[16])
               for row in product_rows]),
        Table("price_changes", ("id", "product_id", "price", "unit_price", "per", "changed_at"), history),
        Table("checkouts", ("id", "buyer_id", "total", "created_at"), checkouts),
        Table("orders", ("id", "checkout_id", "shop_id", "buyer_id", "reference", "status", "delivery_method",
                         "delivery_provider", "delivery_service", "delivery_fee", "payment_method", "subtotal",
                         "total", "note", "created_at", "updated_at"), order_rows),
        Table("order_lines", ("id", "order_id", "product_id", "product_name", "unit_price", "quantity", "line_total"),
              lines),
        Table("payments", ("id", "order_id", "method", "provider", "amount", "status", "reference", "paid_at",
                           "refunded_amount", "created_at"), payments),
        Table("order_transitions", ("id", "order_id", "from_status", "to_status", "actor_id", "created_at"),
              [(i + 1, *row) for i, row in enumerate(steps)]),
        Table("reviews", ("id", "order_line_id", "product_id", "shop_id", "buyer_id", "rating", "text", "created_at"),
              reviews),
        Table("reference_prices", ("id", "commodity", "unit", "variant", "price", "effective_from", "note",
                                   "created_at"),
              [(1, "beras", "KG", "", 13_500, dt.date(2025, 8, 1), "", start),
               (2, "beras", "KG", "premium", 14_900, dt.date(2025, 8, 1), "", start),
               (3, "minyak-goreng", "LITRE", "MinyaKita", 15_700, dt.date(2025, 8, 1), "", start),
               (4, "gula", "KG", "", 17_500, dt.date(2025, 8, 1), "", start)]),
        Table("spend_targets", ("id", "effective_from", "grade", "amount", "created_at"),
              [(1, dt.date(2025, 1, 1), "", 200_000, start)]),
    ]


def _payment(order_id: int, method: str, amount: int, reference: str, status: str, paid_at: dt.datetime | None,
             created: dt.datetime) -> tuple[Any, ...]:
    provider = "cod" if method == "COD" else "midtrans"
    refunded = amount if status == "REFUNDED" else 0
    return (order_id, order_id, method, provider, amount, status, reference, paid_at, refunded, created)


def _fold_ratings(reviews: list[tuple[Any, ...]], products: list[list[Any]], shops: list[list[Any]]) -> None:
    """rating_sum, review_count and rating of each product and shop, as the reviews service keeps them."""
    for rows, key in ((products, 2), (shops, 3)):
        sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for review in reviews:
            figures = sums[review[key]]
            figures[0] += review[5]
            figures[1] += 1
        columns = (12, 13, 14) if rows is products else (13, 14, 15)
        for row in rows:
            total, count = sums.get(row[0], (0, 0))
            row[columns[0]], row[columns[1]], row[columns[2]] = total, count, total / count if count else 0.0


def _say(stream: Any, text: str) -> None:
    if stream is not None:
        print(text, file=stream, flush=True)


def half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding="ROUND_HALF_UP"))


def _chunks(rows: list[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    for i in range(0, len(rows), CHUNK):
        yield rows[i:i + CHUNK]


async def fill(url: str, scale: Scale, seed: int, progress: Any = sys.stderr) -> None:
    """Write the generated tables with the driver, in chunks: COPY on PostgreSQL, executemany on SQLite."""
    categories = {c.slug: c.id for c in await Category.all()}
    began = time.perf_counter()
    tables = generate(scale, categories, random.Random(seed))
    rows = sum(len(t.rows) for t in tables)
    _say(progress, f"generated {rows:,} rows in {time.perf_counter() - began:.1f} s")
    bar = Progress(sum(-(-len(t.rows) // CHUNK) for t in tables), progress)
    began = time.perf_counter()
    if is_postgres(url):
        import asyncpg

        connection = await asyncpg.connect(dsn(url))
        try:
            for table in tables:
                for chunk in _chunks(table.rows):
                    await connection.copy_records_to_table(table.name, records=chunk, columns=table.columns)
                    bar.step(table.name[:9])
                await connection.execute(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                         f"(SELECT MAX(id) FROM {table.name}))")
            await connection.execute("ANALYZE")
        finally:
            await connection.close()
    else:
        with sqlite3.connect(sqlite_path(url)) as connection:
            for table in tables:
                marks = ", ".join("?" for _ in table.columns)
                statement = f"INSERT INTO {table.name} ({', '.join(table.columns)}) VALUES ({marks})"
                for chunk in _chunks(table.rows):
                    connection.executemany(statement, [tuple(sqlite_value(v) for v in row) for row in chunk])
                    bar.step(table.name[:9])
            connection.execute("ANALYZE")
    bar.close()
    _say(progress, f"inserted {rows:,} rows in {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()  # the bulk inserts bypass the catalog service, which writes each product's search row
    indexed = await rebuild_search_index(Tortoise.get_connection("default"))
    await Tortoise.get_connection("default").execute_script("ANALYZE")  # the planners' statistics of the search rows too
    _say(progress, f"indexed {indexed:,} products for search in {time.perf_counter() - began:.1f} s")


def sqlite_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(" ")  # as tortoise writes them
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    return value


def is_postgres(url: str) -> bool:
    return url.startswith("postgres")


def dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


def sqlite_path(url: str) -> str:
    return url.split("://", 1)[1]


async def wipe(url: str) -> None:
    """Empty the database: drop every table on PostgreSQL, delete the file on SQLite."""
    if is_postgres(url):
        import asyncpg

        connection = await asyncpg.connect(dsn(url))
        try:
            await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        finally:
            await connection.close()
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(sqlite_path(url) + suffix).unlink(missing_ok=True)


# --- the cache of a seeded database ----------------------------------------------------------------------------------

META = "CREATE TABLE IF NOT EXISTS bench_meta (key VARCHAR(32) PRIMARY KEY, value TEXT NOT NULL)"


def _fingerprint(scale: Scale, seed: int) -> str:
    return json.dumps({**asdict(scale), "seed": seed, "generator": GENERATOR_VERSION}, sort_keys=True)


async def seeded_as(url: str) -> str | None:
    """What the database was filled with, or None (never filled by this module, or a fill that did not finish)."""
    if is_postgres(url):
        import asyncpg

        connection = await asyncpg.connect(dsn(url))
        try:
            await connection.execute(META)
            return await connection.fetchval("SELECT value FROM bench_meta WHERE key = 'scale'")
        finally:
            await connection.close()
    if not Path(sqlite_path(url)).exists():
        return None
    with sqlite3.connect(sqlite_path(url)) as connection:
        connection.execute(META)
        row = connection.execute("SELECT value FROM bench_meta WHERE key = 'scale'").fetchone()
    return row[0] if row else None


async def _mark_seeded(url: str, fingerprint: str) -> None:
    if is_postgres(url):
        import asyncpg

        connection = await asyncpg.connect(dsn(url))
        try:
            await connection.execute(META)
            await connection.execute("INSERT INTO bench_meta (key, value) VALUES ('scale', $1) ON CONFLICT (key) "
                                     "DO UPDATE SET value = EXCLUDED.value", fingerprint)
        finally:
            await connection.close()
    else:
        with sqlite3.connect(sqlite_path(url)) as connection:
            connection.execute(META)
            connection.execute("INSERT OR REPLACE INTO bench_meta (key, value) VALUES ('scale', ?)", (fingerprint,))


async def ensure_seeded(url: str, scale: Scale, *, seed: int = 1, reseed: bool = False,
                        progress: Any = sys.stderr) -> bool:
    """Fill the database at this scale unless it already holds exactly that; True when it was (re)filled."""
    fingerprint = _fingerprint(scale, seed)
    if not reseed and await seeded_as(url) == fingerprint:
        _say(progress, f"reusing the seeded database ({scale.line()}); --reseed to fill it again")
        await open_database(url)  # the schema's migrations, as a deployment applies them
        await close_database()
        return False
    if not is_postgres(url):
        Path(sqlite_path(url)).parent.mkdir(parents=True, exist_ok=True)
    await wipe(url)
    _say(progress, f"seeding {scale.line()}")
    await open_database(url)
    try:
        await ensure_categories()
        await fill(url, scale, seed, progress)
    finally:
        await close_database()
    await _mark_seeded(url, fingerprint)
    return True
