"""Realistic, deterministic Kota Malang demo data: verified shops in every kecamatan, sembako at real prices, ASN and
resident buyers, city staff with known logins, and a few months of orders and reviews.

Determinism: one `random.Random(seed)` makes every choice, and every timestamp is placed relative to ANCHOR, a fixed
moment (not the run date), so the same seed gives the same rows on any day. What differs between runs: ids (on a
database that held rows before), password hashes (salted), and order numbers and pickup codes (random by design).

People, shops, products, orders and reviews are made through the services, as a real user would make them, so every
rule holds: NIPs are valid, stock is taken by checkout and returned by cancellation, COD payments are confirmed before
orders complete, and ratings follow the reviews. The services stamp rows with the time of the run; the seed then moves
each row's timestamps to its place in the history.

Entry points: `seed_database` and `seed_demo_if_empty` open and close the database themselves (the CLI uses them);
`seed_open_database` fills a database that is already open (tests use it inside the app's lifespan).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TextIO

from argon2 import PasswordHasher
from tortoise.models import Model
from tortoise.transactions import in_transaction

from umkm_graph.catalog import service as catalog
from umkm_graph.catalog.models import PriceChange, PriceUnit, Product, ProductUnit
from umkm_graph.checkout import service as checkout
from umkm_graph.checkout.models import Checkout
from umkm_graph.city import participation, price_watch
from umkm_graph.city.analytics import month_key, today_wib
from umkm_graph.core.regions import KELURAHAN
from umkm_graph.db import close_database, open_database
from umkm_graph.delivery import parcels
from umkm_graph.events import EventBus, LocalEventBus
from umkm_graph.hookspecs import DeliveryKind
from umkm_graph.orders import service as orders
from umkm_graph.orders.models import Order, OrderLine, OrderTransition
from umkm_graph.orders.states import Action
from umkm_graph.payments.models import Payment
from umkm_graph.people import service as people
from umkm_graph.people.models import Role, User
from umkm_graph.plugin_host import Providers, collect_providers, load_plugins
from umkm_graph.reviews import service as reviews
from umkm_graph.reviews.models import Review
from umkm_graph.settings import Settings
from umkm_graph.shops import service as shops
from umkm_graph.shops.models import Shop, ShopStatus

__all__ = [
    "ANCHOR",
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "DEMO_SHOP_SLUG",
    "HISTORY_DAYS",
    "DemoLogin",
    "SeedError",
    "SeedSummary",
    "seed_database",
    "seed_demo_if_empty",
    "seed_open_database",
]

# Every timestamp lies before this moment: 1 November 2026, 10:00 WIB.
ANCHOR = dt.datetime(2026, 11, 1, 3, 0, tzinfo=dt.UTC)
# Orders spread over this many days before ANCHOR; shops and buyers register before that.
HISTORY_DAYS = 100
DEMO_PASSWORD = "kamis-mbois"
MAX_SCALE = 50
MAX_COD_FALLBACK = 2_000_000  # when the COD provider sets no cap of its own
# At scale 1; --scale multiplies each.
SHOPS_PER_KECAMATAN = 3
PENDING_SHOPS = 3
ASN_BUYERS = 12
RESIDENT_BUYERS = 6


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: Role
    who: str


# The documented seller's shop: fixed, so the examples can name it.
DEMO_SELLER = ("penjual@example.id", "Sri Wahyuni")
DEMO_SHOP_NAME, DEMO_SHOP_SLUG = "Toko Sembako Bu Sri", "toko-sembako-bu-sri"
DEMO_SHOP_KECAMATAN = "Klojen"
DEMO_SHOP_PLACE = ("Sukoharjo", "Jl. Pasar Besar No. 17, Sukoharjo")
DEMO_SHOP_POINT = (-7.98552, 112.63251)

DEMO_LOGINS = (
    DemoLogin("officer@malangkota.go.id", Role.CITY_OFFICER, "city officer (Diskopindag): verifies shops"),
    DemoLogin("analyst@malangkota.go.id", Role.ANALYST, "analyst (Diskominfo): reports and ad-hoc queries"),
    DemoLogin(DEMO_SELLER[0], Role.SELLER, f"seller: {DEMO_SHOP_NAME} (slug {DEMO_SHOP_SLUG}), Klojen"),
    DemoLogin("asn@example.id", Role.BUYER, "ASN buyer at Diskominfo, with past orders"),
    DemoLogin("warga@example.id", Role.BUYER, "resident buyer (not ASN), with past orders"),
)

DEMO_EMAILS = frozenset(login.email for login in DEMO_LOGINS)


@dataclass
class SeedSummary:
    seed: int
    scale: int
    users: int = 0
    asn_buyers: int = 0
    verified_shops: int = 0
    pending_shops: int = 0
    products: int = 0
    orders: int = 0
    reviews: int = 0
    logins: tuple[DemoLogin, ...] = DEMO_LOGINS
    password: str = DEMO_PASSWORD

    def lines(self) -> list[str]:
        """What the CLI prints: the counts, then the demo logins."""
        out = [
            f"Seeded Kota Malang demo data (seed {self.seed}, scale {self.scale}): {self.users} users "
            f"({self.asn_buyers} ASN), {self.verified_shops} verified and {self.pending_shops} pending shops, "
            f"{self.products} products, {self.orders} orders, {self.reviews} reviews.",
            f"Demo logins (password for every seeded account: {self.password}):",
        ]
        out += [f"  {login.email:<28} {login.role.value:<13} {login.who}" for login in self.logins]
        return out


class SeedError(Exception):
    """The seed cannot run: a bad argument, or a database that already holds data."""


class Progress:
    """A progress bar on stderr, written by hand; silent when no stream is given."""

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO | None) -> None:
        self.total, self.done, self.stream = max(total, 1), 0, stream

    def step(self, label: str, n: int = 1) -> None:
        if self.stream is None:
            return
        self.done = min(self.done + n, self.total)
        filled = self.WIDTH * self.done // self.total
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\rseeding {label:<9} [{bar}] {self.done}/{self.total}")
        self.stream.flush()

    def grow(self, n: int) -> None:
        """More work found on the way (the orders, once they are planned)."""
        self.total += n

    def close(self) -> None:
        if self.stream is not None:
            self.stream.write("\n")
            self.stream.flush()


# ---------------------------------------------------------------------------------------------------------------------
# Entry points


async def seed_database(database_url: str, *, seed: int = 1, scale: int = 1) -> SeedSummary:
    """Open the database, fill it with demo data, close it. Refuses a database that already has accounts."""
    _check_scale(scale)
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
    _check_scale(scale)
    if providers is None:
        settings = Settings.from_env()
        providers = await collect_providers(load_plugins(settings), settings)
    await catalog.ensure_categories()
    seeder = _Seeder(random.Random(seed), scale, anchor)
    history = _OrderHistory(seeder, providers, LocalEventBus())
    bar = Progress(seeder.planned_steps(), progress)
    try:
        async with in_transaction():
            summary = await seeder.run(bar, history)
    finally:
        bar.close()
    summary.seed = seed
    return summary


def _check_scale(scale: int) -> None:
    if not 1 <= scale <= MAX_SCALE:
        raise SeedError(f"--scale must be 1 to {MAX_SCALE}, got {scale}")


# ---------------------------------------------------------------------------------------------------------------------
# Places, people and what Malang's UMKM sell

# Rough centre of each kecamatan (latitude, longitude); shops sit within about a kilometre of it.
CENTRES: dict[str, tuple[float, float]] = {
    "Klojen": (-7.9780, 112.6310),
    "Blimbing": (-7.9420, 112.6500),
    "Lowokwaru": (-7.9450, 112.6150),
    "Sukun": (-7.9980, 112.6160),
    "Kedungkandang": (-8.0050, 112.6650),
}
STREETS: dict[str, tuple[str, ...]] = {
    "Klojen": ("Jl. Kawi", "Jl. Ijen", "Jl. Kahuripan", "Jl. Semeru", "Jl. Zainul Arifin", "Jl. Pasar Besar"),
    "Blimbing": ("Jl. Borobudur", "Jl. Letjen S. Parman", "Jl. Ciliwung", "Jl. Raden Intan", "Jl. Sanan"),
    "Lowokwaru": ("Jl. Soekarno Hatta", "Jl. MT Haryono", "Jl. Bendungan Sutami", "Jl. Candi Panggung", "Jl. Gajayana"),
    "Sukun": ("Jl. S. Supriadi", "Jl. Kolonel Sugiono", "Jl. Janti", "Jl. Raya Tidar", "Jl. Mergan Raya"),
    "Kedungkandang": ("Jl. Ki Ageng Gribig", "Jl. Danau Toba", "Jl. Mayjen Sungkono", "Jl. Muharto", "Jl. Ranu Grati"),
}
# The kecamatan codes in a Malang NIK (35 Jawa Timur, 73 Kota Malang, then the kecamatan).
NIK_KECAMATAN = {"Kedungkandang": "01", "Sukun": "02", "Klojen": "03", "Blimbing": "04", "Lowokwaru": "05"}
OPDS = (
    "Diskominfo", "Diskopindag", "Bappeda", "Dinas Pendidikan", "Dinas Kesehatan", "BKPSDM", "Bapenda",
    "Dispendukcapil",
)
MALE = ("Agus", "Budi", "Eko", "Wahyu", "Bambang", "Hendra", "Arif", "Teguh", "Dimas", "Rizky", "Fajar", "Yusuf",
        "Imam", "Joko", "Slamet", "Heru", "Bagus", "Sugeng", "Doni", "Anton")
FEMALE = ("Sri", "Siti", "Dwi", "Rina", "Endang", "Nur", "Yuli", "Dian", "Lilik", "Ratna", "Ayu", "Indah", "Wulan",
          "Fitri", "Puji", "Anik", "Retno", "Novi", "Tutik", "Umi")
# Javanese second names follow the first name's gender.
SURNAMES = {
    "1": ("Santoso", "Setiawan", "Prasetyo", "Hidayat", "Sugiarto", "Wijaya", "Rahman", "Purnomo", "Nugroho",
          "Firmansyah", "Utomo", "Saputra"),
    "2": ("Wahyuni", "Rahayu", "Kusumawati", "Susilowati", "Hasanah", "Astuti", "Puspitasari", "Suryani", "Handayani",
          "Lestari", "Maharani", "Anggraini"),
}
MOBILE_PREFIXES = ("0812", "0813", "0821", "0822", "0852", "0853", "0856", "0857", "0878", "0819", "0895")

SHOP_NAMES: dict[str, tuple[str, ...]] = {
    "sembako": ("Toko Sembako {title} {first}", "Warung {title} {first}", "UD {first} Makmur", "Toko Berkah {first}",
                "Lumbung Pangan {first}"),
    "kuliner": ("Dapur {title} {first}", "Oleh-Oleh Malang {first}", "Camilan Khas {first}"),
    "kerajinan": ("Kriya {first}", "Sanggar {first}", "Galeri Kerajinan {first}"),
    "fashion": ("Batik Malangan {first}", "Butik {first}", "Konveksi {first}"),
}
SHOP_BLURBS: dict[str, str] = {
    "sembako": "Sembako harga wajar: beras, minyak goreng, telur dan gula. Antar ke rumah atau ambil di toko.",
    "kuliner": "Makanan dan oleh-oleh khas Malang, dibuat sendiri setiap hari.",
    "kerajinan": "Kerajinan tangan perajin Kota Malang: topeng, gerabah, keramik dan anyaman.",
    "fashion": "Batik Malangan dan busana buatan penjahit lokal.",
}
# Kinds for the second and later shops of a kecamatan (the first always sells sembako).
KIND_WEIGHTS = (("sembako", 3), ("kuliner", 3), ("kerajinan", 2), ("fashion", 2))


@dataclass(frozen=True)
class Staple:
    """A sembako listing priced per kg or litre within the bands of domain.md, then rounded for the pack."""

    category: str
    name: str
    unit: ProductUnit
    pack_size: Decimal
    low: int  # rupiah per kg or litre
    high: int
    description: str
    net_weight_grams: tuple[int, ...] = ()  # choices, for packs not sold by weight (a tray of eggs)


@dataclass(frozen=True)
class Good:
    """A listing priced per piece or pack."""

    category: str
    name: str
    unit: ProductUnit
    low: int
    high: int
    step: int
    description: str
    net_weight_grams: int | None = None


# domain.md: beras 12,500-15,000/kg (HET medium 13,500, premium 14,900), minyak 15,000-17,500/L (MinyaKita 15,700),
# telur 24,000-30,000/kg, gula 16,000-18,500/kg. The bands sit inside those, so rounding a pack keeps them there.
STAPLES = (
    Staple("beras", "Beras Medium 5 kg", ProductUnit.KG, Decimal(5), 12_600, 13_400,
           "Beras medium karung 5 kg, di bawah HET Rp13.500/kg."),
    Staple("beras", "Beras Premium Pulen 5 kg", ProductUnit.KG, Decimal(5), 14_000, 14_800,
           "Beras premium pulen, kemasan 5 kg, di bawah HET Rp14.900/kg."),
    Staple("beras", "Beras Medium Karung 25 kg", ProductUnit.KG, Decimal(25), 12_600, 13_300,
           "Beras medium karung 25 kg untuk warung dan katering."),
    Staple("minyak-goreng", "MinyaKita 1 L", ProductUnit.LITRE, Decimal(1), 15_200, 15_700,
           "Minyak goreng rakyat, pouch 1 liter, sesuai HET Rp15.700/L."),
    Staple("minyak-goreng", "Minyak Goreng Sawit Pouch 1 L", ProductUnit.LITRE, Decimal(1), 16_500, 17_400,
           "Minyak goreng sawit kemasan pouch 1 liter."),
    Staple("minyak-goreng", "Minyak Goreng Sawit Pouch 2 L", ProductUnit.LITRE, Decimal(2), 16_000, 17_300,
           "Minyak goreng sawit kemasan pouch 2 liter, lebih hemat."),
    Staple("telur", "Telur Ayam Ras per kg", ProductUnit.KG, Decimal(1), 25_000, 29_000,
           "Telur ayam ras segar dari peternak Malang Raya, dijual per kg."),
    Staple("telur", "Telur Ayam Ras 1 Tray (30 butir, {kg} kg)", ProductUnit.TRAY, Decimal(1), 24_500, 28_500,
           "Satu tray isi 30 butir; berat bersih tertera.", net_weight_grams=(1800, 1850, 1900, 1950)),
    Staple("gula", "Gula Pasir 1 kg", ProductUnit.KG, Decimal(1), 16_500, 18_000,
           "Gula pasir putih kemasan 1 kg."),
)
GOODS: dict[str, tuple[Good, ...]] = {
    "kuliner": (
        Good("kuliner", "Keripik Tempe Sanan 250 g", ProductUnit.PACK, 14_000, 20_000, 500,
             "Keripik tempe renyah khas Sanan, Purwantoro.", 250),
        Good("kuliner", "Keripik Apel Malang 100 g", ProductUnit.PACK, 17_000, 25_000, 500,
             "Keripik buah apel Malang tanpa pengawet.", 100),
        Good("kuliner", "Sari Apel Malang 1 Dus (24 cup)", ProductUnit.PACK, 32_000, 42_000, 1_000,
             "Minuman sari apel Malang, satu dus isi 24 cup."),
        Good("kuliner", "Bakso Malang Frozen isi 25", ProductUnit.PACK, 45_000, 60_000, 1_000,
             "Bakso daging sapi beku, isi 25 butir, tinggal rebus.", 750),
        Good("kuliner", "Sambal Bawang Botol 150 ml", ProductUnit.PIECE, 18_000, 25_000, 500,
             "Sambal bawang pedas, botol kaca 150 ml."),
        Good("kuliner", "Pia Kacang Hijau isi 10", ProductUnit.PACK, 25_000, 35_000, 1_000,
             "Pia lembut isi kacang hijau, satu kotak isi 10."),
        Good("kuliner", "Bakpao Telo isi 6", ProductUnit.PACK, 24_000, 30_000, 1_000,
             "Bakpao berbahan ubi ungu, isi 6."),
        Good("kuliner", "Kopi Bubuk Dampit 250 g", ProductUnit.PACK, 35_000, 48_000, 1_000,
             "Kopi robusta Dampit, sangrai medium, giling halus.", 250),
    ),
    "kerajinan": (
        Good("kerajinan", "Topeng Malangan Panji Kayu Sengon", ProductUnit.PIECE, 175_000, 450_000, 5_000,
             "Topeng Malangan tokoh Panji, dipahat dan dicat tangan."),
        Good("kerajinan", "Pot Gerabah Tanah Liat Sedang", ProductUnit.PIECE, 20_000, 45_000, 1_000,
             "Pot gerabah buatan perajin Penanggungan, diameter 25 cm."),
        Good("kerajinan", "Vas Keramik Dinoyo Motif Bunga", ProductUnit.PIECE, 65_000, 185_000, 5_000,
             "Vas keramik Dinoyo, glasir dan lukis tangan."),
        Good("kerajinan", "Tas Anyaman Bambu", ProductUnit.PIECE, 55_000, 95_000, 5_000,
             "Tas anyaman bambu dengan tali kulit sintetis."),
        Good("kerajinan", "Miniatur Tugu Malang", ProductUnit.PIECE, 35_000, 60_000, 5_000,
             "Miniatur Tugu Malang dari resin, tinggi 20 cm."),
        Good("kerajinan", "Celengan Gerabah Karakter", ProductUnit.PIECE, 15_000, 30_000, 1_000,
             "Celengan gerabah bentuk karakter, dicat warna-warni."),
    ),
    "fashion": (
        Good("fashion", "Kain Batik Tulis Malangan 2 m", ProductUnit.PIECE, 350_000, 750_000, 5_000,
             "Batik tulis motif Malangan (Tugu, teplok), kain katun primisima 2 meter."),
        Good("fashion", "Kain Batik Cap Malangan 2 m", ProductUnit.PIECE, 135_000, 225_000, 5_000,
             "Batik cap motif Malangan, kain katun 2 meter."),
        Good("fashion", "Kemeja Batik Malangan Lengan Panjang", ProductUnit.PIECE, 165_000, 285_000, 5_000,
             "Kemeja batik Malangan, ukuran M sampai XXL; cocok untuk Kamis Mbois."),
        Good("fashion", "Kaos Arek Malang Sablon", ProductUnit.PIECE, 75_000, 110_000, 5_000,
             "Kaos katun combed 30s dengan sablon khas Malang."),
        Good("fashion", "Hijab Segi Empat Motif Teplok", ProductUnit.PIECE, 35_000, 65_000, 5_000,
             "Hijab voal segi empat bermotif batik teplok Malang."),
        Good("fashion", "Sandal Kulit Handmade", ProductUnit.PIECE, 90_000, 160_000, 5_000,
             "Sandal kulit sapi buatan tangan, ukuran 38 sampai 44."),
    ),
}
STOCK_RANGE = {"sembako": (8, 120), "kuliner": (5, 60), "kerajinan": (1, 20), "fashion": (2, 30)}

# What buyers write. Ratings lean high, as on every marketplace; about a third of reviews are a rating alone.
RATING_WEIGHTS = ((5, 55), (4, 28), (3, 10), (2, 5), (1, 2))
REVIEW_TEXTS: dict[int, tuple[str, ...]] = {
    5: ("Barang sesuai, penjual ramah. Mantap!", "Pengiriman cepat, packing rapi. Langganan!",
        "Kualitas bagus, harga bersahabat.", "Sesuai pesanan, matur nuwun.", "Mbois! Pasti pesan lagi."),
    4: ("Barang bagus, pengiriman agak lama.", "Sesuai deskripsi, packing bisa lebih rapi.",
        "Oke, harga sedikit di atas pasar tapi dekat rumah."),
    3: ("Lumayan, tapi pengiriman telat sehari.", "Barang oke, kemasan agak penyok."),
    2: ("Kemasan bocor sedikit waktu sampai.", "Tidak sesuai foto, tapi masih bisa dipakai."),
    1: ("Barang yang datang beda dengan pesanan.",),
}
REPLIES: dict[bool, tuple[str, ...]] = {
    True: ("Matur nuwun, ditunggu pesanan berikutnya!", "Terima kasih sudah belanja di toko kami."),
    False: ("Mohon maaf atas ketidaknyamanannya, akan kami perbaiki.",
            "Maaf, Kak. Silakan hubungi kami untuk penggantian."),
}
CANCEL_REASONS: dict[str, tuple[str, ...]] = {
    "buyer": ("Salah pilih alamat pengiriman", "Sudah beli di pasar dekat rumah", "Ingin ganti jumlah pesanan"),
    "seller": ("Stok di gudang ternyata habis", "Toko tutup sementara, kurir sedang sakit"),
}
NOTES = ("Tolong antar setelah jam 4 sore", "Titip di pos satpam", "Telurnya jangan sampai pecah ya", "")
# What becomes of an order: older ones have run their course; the last few days still have orders on the way.
SETTLED_FATES = (("COMPLETED", 80), ("DELIVERED", 8), ("CANCELLED", 12))
RECENT_FATES = (("PLACED", 30), ("ACCEPTED", 25), ("ON_THE_WAY", 20), ("DELIVERED", 25))
RECENT_DAYS = 3

# The city's price watch, from domain.md ("Daily needs first"): the ceilings on Java since August 2025 for beras (medium
# for every beras listing, premium for those named so), MinyaKita's and gula's. domain.md dates only the beras ceilings;
# the others take the same date. (commodity, unit, variant, rupiah per kg or litre, note)
REFERENCE_PRICES_FROM = dt.date(2025, 8, 1)
REFERENCE_PRICES = (
    ("beras", PriceUnit.KG, "", 13_500, "HET beras medium, Jawa, sejak Agustus 2025"),
    ("beras", PriceUnit.KG, "premium", 14_900, "HET beras premium, Jawa, sejak Agustus 2025"),
    ("minyak-goreng", PriceUnit.LITRE, "MinyaKita", 15_700, "HET MinyaKita"),
    ("gula", PriceUnit.KG, "", 17_500, "Harga acuan gula pasir"),
)
SPEND_TARGET = 200_000  # a month, from each ASN, since the history began
# Two sellers price above the ceiling after the last order: (listing name prefix, new rupiah per kg), for the flags.
ABOVE_CEILING = (("Beras Medium", 13_900), ("Gula Pasir", 18_200))


# ---------------------------------------------------------------------------------------------------------------------
# The seeder


@dataclass
class Buyer:
    user: User
    kecamatan: str
    kelurahan: str
    address: str
    registered_days_ago: int


@dataclass
class SeededShop:
    shop: Shop
    owner: User
    kind: str
    products: list[Product] = field(default_factory=list)


class _Seeder:
    """Makes the demo data in a fixed order, so one random stream gives the same data every run."""

    def __init__(self, rng: random.Random, scale: int, anchor: dt.datetime) -> None:
        self.rng, self.scale, self.anchor = rng, scale, anchor
        self.summary = SeedSummary(seed=0, scale=scale)
        self.emails: set[str] = set()
        self.nips: set[str] = set()
        self.password_hash = ""
        self.officer: User | None = None
        self.shops: list[SeededShop] = []
        self.buyers: list[Buyer] = []

    def planned_steps(self) -> int:
        verified = SHOPS_PER_KECAMATAN * len(KELURAHAN) * self.scale
        return verified + PENDING_SHOPS * self.scale + (ASN_BUYERS + RESIDENT_BUYERS) * self.scale

    async def run(self, bar: Progress, history: _OrderHistory) -> SeedSummary:
        # Every demo account has the same password, so hash it once: argon2 takes ~0.1 s a hash by design.
        self.password_hash = PasswordHasher().hash(DEMO_PASSWORD)
        self.officer = await self._account("officer@malangkota.go.id", "Dyah Ayu Kusumaningrum", Role.CITY_OFFICER,
                                           days_ago=200)
        await self._account("analyst@malangkota.go.id", "Galih Prakoso", Role.ANALYST, days_ago=200)
        # The documented shop goes first, so no generated shop can take its slug.
        await self._verified_shop(DEMO_SHOP_KECAMATAN, 0, demo=True)
        bar.step("shops")
        for index in range(SHOPS_PER_KECAMATAN * self.scale):
            for kecamatan in KELURAHAN:
                if (index, kecamatan) != (0, DEMO_SHOP_KECAMATAN):
                    await self._verified_shop(kecamatan, index)
                    bar.step("shops")
        for index in range(PENDING_SHOPS * self.scale):
            await self._pending_shop(index)
            bar.step("shops")
        for index in range(ASN_BUYERS * self.scale):
            await self._buyer(index, asn=True)
            bar.step("buyers")
        for index in range(RESIDENT_BUYERS * self.scale):
            await self._buyer(index, asn=False)
            bar.step("buyers")
        planned = history.plan()
        bar.grow(len(planned))
        for checkout_plan in planned:
            placed, reviewed = await history.place(checkout_plan)
            self.summary.orders += placed
            self.summary.reviews += reviewed
            bar.step("orders")
        await self._city_monitoring()
        self.summary.users = await User.all().count()
        self.summary.products = await Product.all().count()
        return self.summary

    async def _city_monitoring(self) -> None:
        """The reference prices and the spend target, set by the officer; then two sellers raise a price above its
        ceiling, after every order was placed (so each order paid the price the history shows)."""
        assert self.officer is not None
        for commodity, unit, variant, price, note in REFERENCE_PRICES:
            draft = price_watch.ReferencePriceDraft(commodity, unit, price, REFERENCE_PRICES_FROM, variant, note)
            await price_watch.set_reference_price(self.officer, draft)
        first_month = month_key(today_wib(self.anchor - dt.timedelta(days=HISTORY_DAYS)))
        await participation.set_spend_target(self.officer, first_month, SPEND_TARGET)
        raised_at = self.anchor - dt.timedelta(hours=12)
        for prefix, per_unit in ABOVE_CEILING:
            found = [(s, p) for s in self.shops[1:] for p in s.products if p.name.startswith(prefix)]
            if not found:
                continue
            seeded, product = found[0]
            price = int(per_unit * product.pack_size)
            await catalog.update_product(seeded.owner, product.id, catalog.ProductDraft(price=price))
            await PriceChange.filter(product_id=product.id, changed_at__gt=raised_at).update(changed_at=raised_at)
            await self._stamp(Product, product.id, product.created_at, updated_at=raised_at)

    # --- time ---------------------------------------------------------------------------------------------------

    def moment(self, days_ago_low: float, days_ago_high: float) -> dt.datetime:
        """A moment between two ages, during Malang's waking hours (06:00-21:00 WIB), to the second."""
        day = self.anchor - dt.timedelta(days=self.rng.randint(math.ceil(days_ago_low), math.floor(days_ago_high)))
        wib_seconds = self.rng.randint(6 * 3600, 21 * 3600)
        start_of_day_wib = (day + dt.timedelta(hours=7)).replace(hour=0, minute=0, second=0, microsecond=0)
        return start_of_day_wib + dt.timedelta(seconds=wib_seconds) - dt.timedelta(hours=7)

    @staticmethod
    async def _stamp(model: type[Model], row_id: int, when: dt.datetime, **extra: object) -> None:
        await model.filter(id=row_id).update(created_at=when, **extra)

    # --- people -------------------------------------------------------------------------------------------------

    def _person(self) -> tuple[str, str, str]:
        """A name, its gender (1 male, 2 female, as in a NIP) and a free email address."""
        gender = self.rng.choice("12")
        first = self.rng.choice(MALE if gender == "1" else FEMALE)
        last = self.rng.choice(SURNAMES[gender])
        base = f"{first}.{last}".lower()
        email, n = f"{base}@example.id", 1
        while email in self.emails:
            n += 1
            email = f"{base}{n}@example.id"
        return f"{first} {last}", gender, email

    def _digits(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(n))

    def _mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + self._digits(8)

    def _landline(self) -> str:
        return "0341" + self._digits(6)  # Malang's area code

    async def _account(self, email: str, name: str, role: Role, *, days_ago: float, phone: str | None = None) -> User:
        # people.create_user would hash the shared password again for each account; the rest of its rules hold here:
        # generated emails are valid, unique and lower case, and names and phones fit its limits.
        email = people.normalise_email(email)
        self.emails.add(email)
        if await User.filter(email=email).exists():
            raise SeedError(f"The database already has an account {email}; seed into an empty database")
        user = await User.create(email=email, password_hash=self.password_hash, name=name, role=role, phone=phone)
        await self._stamp(User, user.id, self.moment(days_ago, days_ago))
        return user

    def _nip(self, gender: str) -> str:
        """A valid NIP: birth date, first appointment at 23-32 years old (before 2025), gender digit, sequence."""
        while True:
            birth = dt.date(self.rng.randint(1968, 1996), self.rng.randint(1, 12), self.rng.randint(1, 28))
            appointed = min(birth.year + self.rng.randint(23, 32), 2024)
            nip = f"{birth:%Y%m%d}{appointed}{self.rng.randint(1, 12):02d}{gender}{self.rng.randint(1, 250):03d}"
            if nip not in self.nips:
                self.nips.add(nip)
                return nip

    async def _buyer(self, index: int, *, asn: bool) -> None:
        name, gender, email = self._person()
        if index == 0:
            email = "asn@example.id" if asn else "warga@example.id"
        registered = self.rng.randint(HISTORY_DAYS + 1, HISTORY_DAYS + 70)
        user = await self._account(email, name, Role.BUYER, days_ago=registered, phone=self._mobile())
        if asn:
            # The first ASN is the documented Diskominfo login; the rest spread over every OPD.
            opd = OPDS[index % len(OPDS)]
            await people.register_asn(user, nip=self._nip(gender), opd=opd)
            self.summary.asn_buyers += 1
        kecamatan = self.rng.choice(list(KELURAHAN))
        kelurahan = self.rng.choice(KELURAHAN[kecamatan])
        street = self.rng.choice(STREETS[kecamatan])
        rt, rw = self.rng.randint(1, 9), self.rng.randint(1, 12)
        address = f"{street} No. {self.rng.randint(1, 180)}, RT {rt:02d}/RW {rw:02d}"
        self.buyers.append(Buyer(user, kecamatan, kelurahan, address, registered))

    # --- shops --------------------------------------------------------------------------------------------------

    def _kind(self, index: int) -> str:
        if index == 0:
            return "sembako"
        kinds, weights = zip(*KIND_WEIGHTS, strict=True)
        return self.rng.choices(kinds, weights=weights)[0]

    def _draft(self, kind: str, kecamatan: str, first: str, gender: str) -> shops.ShopDraft:
        lat0, lon0 = CENTRES[kecamatan]
        lat = round(lat0 + self.rng.uniform(-0.008, 0.008), 6)
        lon = round(lon0 + self.rng.uniform(-0.008, 0.008), 6)
        kelurahan = self.rng.choice(KELURAHAN[kecamatan])
        title = "Pak" if gender == "1" else "Bu"
        name = self.rng.choice(SHOP_NAMES[kind]).format(title=title, first=first)
        phone = self._landline() if self.rng.random() < 0.4 else self._mobile()
        nib = self.rng.choice(("91", "12", "02")) + self._digits(11)
        street = self.rng.choice(STREETS[kecamatan])
        return shops.ShopDraft(
            name=name,
            description=f"{SHOP_BLURBS[kind]} Kelurahan {kelurahan}, Kecamatan {kecamatan}.",
            kecamatan=kecamatan, kelurahan=kelurahan, address=f"{street} No. {self.rng.randint(1, 250)}, {kelurahan}",
            latitude=lat, longitude=lon, phone=phone, nib=nib,
            npwp=self._nik(kecamatan, gender) if self.rng.random() < 0.5 else None,
            offers_pickup=kind != "fashion" or self.rng.random() < 0.5,
            delivery_fees=self._delivery_fees(lat, lon),
        )

    def _nik(self, kecamatan: str, gender: str) -> str:
        """An NPWP in its 16-digit form: since 2024 a person's NPWP is their NIK, which for Kota Malang starts 3573."""
        day = self.rng.randint(1, 28) + (40 if gender == "2" else 0)
        born = f"{day:02d}{self.rng.randint(1, 12):02d}{self.rng.randint(60, 99):02d}"
        return f"3573{NIK_KECAMATAN[kecamatan]}{born}{self.rng.randint(1, 9999):04d}"

    def _delivery_fees(self, lat: float, lon: float) -> dict[str, int]:
        """The shop's own courier: Rp3,000 plus Rp2,000 a km to the kecamatan's centre, at least Rp5,000; some
        shops skip the farthest kecamatan."""
        fees: dict[str, int] = {}
        for kecamatan, (clat, clon) in CENTRES.items():
            km = math.hypot((lat - clat) * 110.6, (lon - clon) * 110.2)
            fees[kecamatan] = max(5_000, math.ceil((3_000 + 2_000 * km) / 1_000) * 1_000)
        if self.rng.random() < 0.25:
            del fees[max(fees, key=lambda k: fees[k])]
        return fees

    async def _seller_shop(
        self, kecamatan: str, kind: str, days_ago: tuple[int, int], demo: bool = False
    ) -> SeededShop:
        name, gender, email = self._person()
        draft = self._draft(kind, kecamatan, name.split()[0], gender)
        if demo:
            email, name = DEMO_SELLER
            draft.name, draft.slug, draft.kelurahan, draft.address = DEMO_SHOP_NAME, DEMO_SHOP_SLUG, *DEMO_SHOP_PLACE
            draft.latitude, draft.longitude = DEMO_SHOP_POINT
        opened = self.moment(*days_ago)
        owner = await self._account(email, name, Role.SELLER, days_ago=(self.anchor - opened).days + 2,
                                    phone=self._mobile())
        shop = await shops.create_shop(owner, draft)
        await self._stamp(Shop, shop.id, opened)
        seeded = SeededShop(shop, owner, kind)
        await self._list_products(seeded, opened, every_staple=demo)
        return seeded

    async def _verified_shop(self, kecamatan: str, index: int, demo: bool = False) -> None:
        seeded = await self._seller_shop(kecamatan, self._kind(index), (120, 200), demo)
        seeded.shop = await shops.set_shop_status(self.officer, seeded.shop.id, ShopStatus.VERIFIED, None)
        self.shops.append(seeded)
        self.summary.verified_shops += 1

    async def _pending_shop(self, index: int) -> None:
        kecamatan = list(KELURAHAN)[(index * 2 + 1) % len(KELURAHAN)]
        await self._seller_shop(kecamatan, self._kind(index + 1), (1, 14))
        self.summary.pending_shops += 1

    # --- products -----------------------------------------------------------------------------------------------

    async def _list_products(self, seeded: SeededShop, opened: dt.datetime, every_staple: bool = False) -> None:
        if every_staple:
            chosen: Sequence[Staple | Good] = STAPLES
        elif seeded.kind == "sembako":
            beras = [s for s in STAPLES if s.category == "beras"]
            others = [s for s in STAPLES if s.category != "beras"]
            chosen = [self.rng.choice(beras), *self.rng.sample(others, self.rng.randint(4, len(others)))]
        else:
            goods = GOODS[seeded.kind]
            chosen = self.rng.sample(goods, self.rng.randint(3, min(6, len(goods))))
        low, high = STOCK_RANGE[seeded.kind]
        for item in chosen:
            draft = self._product_draft(item)
            if every_staple:  # the documented shop: the examples check out from it, so it never runs out
                draft.stock = self.rng.randint(60, 150)
            else:
                draft.stock = 0 if self.rng.random() < 0.08 else self.rng.randint(low, high)
            product = await catalog.create_product(seeded.owner, seeded.shop.id, draft)
            listed = opened + dt.timedelta(days=self.rng.uniform(0, 10))
            listed = min(listed, self.anchor - dt.timedelta(hours=1)).replace(microsecond=0)
            await self._stamp(Product, product.id, listed, updated_at=listed)
            await PriceChange.filter(product_id=product.id).update(changed_at=listed)
            product.created_at = listed
            seeded.products.append(product)

    def _product_draft(self, item: Staple | Good) -> catalog.ProductDraft:
        if isinstance(item, Good):
            steps = (item.high - item.low) // item.step
            return catalog.ProductDraft(
                category=item.category, name=item.name, description=item.description, unit=item.unit,
                pack_size=Decimal(1), net_weight_grams=item.net_weight_grams,
                price=item.low + self.rng.randint(0, steps) * item.step,
            )
        net = self.rng.choice(item.net_weight_grams) if item.net_weight_grams else None
        quantity = Decimal(net) / 1000 if net else item.pack_size  # kg or litres in one pack
        per_unit = self.rng.randrange(item.low, item.high + 1, 50)
        step = 500 if quantity >= 5 else 100
        price = int(round(per_unit * quantity / step)) * step
        name = item.name if net is None else item.name.format(kg=f"{net / 1000:g}".replace(".", ","))
        return catalog.ProductDraft(
            category=item.category, name=name, description=item.description, unit=item.unit,
            pack_size=item.pack_size, net_weight_grams=net, price=price,
        )


# ---------------------------------------------------------------------------------------------------------------------
# Orders and reviews, made through the checkout, orders and reviews services, so stock, payments and ratings agree


@dataclass
class Part:
    """One shop's order within a planned checkout, and what becomes of it."""

    shop: SeededShop
    provider: str  # "shop_courier" or "pickup"
    lines: list[tuple[Product, int]]
    fate: str = "COMPLETED"


@dataclass
class PlannedCheckout:
    placed_at: dt.datetime
    buyer: Buyer
    parts: list[Part]


class _OrderHistory:
    """A few months of checkouts by the seeded buyers, each followed through its order's transitions."""

    def __init__(self, seeder: _Seeder, providers: Providers, events: EventBus) -> None:
        self.seeder, self.rng, self.anchor = seeder, seeder.rng, seeder.anchor
        self.providers, self.events = providers, events
        cod = providers.payment_options.get("COD")
        if cod is None or not {"pickup", "shop_courier"} <= set(providers.delivery):
            raise SeedError("Demo orders need the built-in cod, pickup and shop_courier providers; unblock them")
        self.cod_limit = cod.method.max_amount or MAX_COD_FALLBACK

    def plan(self) -> list[PlannedCheckout]:
        planned: list[PlannedCheckout] = []
        for buyer in self.seeder.buyers:
            count = self.rng.randint(1, 4)
            if buyer.user.email in DEMO_EMAILS:  # a documented buyer has a history worth showing
                count = max(count, 3)
            mine = [p for p in (self._checkout(buyer, self._when(buyer)) for _ in range(count)) if p]
            mine.sort(key=lambda p: p.placed_at)
            for n, checkout_plan in enumerate(mine):
                recent = self.anchor - checkout_plan.placed_at < dt.timedelta(days=RECENT_DAYS)
                for part in checkout_plan.parts:
                    # Every buyer's first order went well, so each has a purchase to show and to review.
                    part.fate = "COMPLETED" if n == 0 and not recent else self._fate(recent)
            planned += mine
        planned += self._seller_queue()
        planned.sort(key=lambda p: p.placed_at)
        return planned

    async def place(self, planned: PlannedCheckout) -> tuple[int, int]:
        """Check the cart out, then take each order to its fate; answers (orders, reviews) made."""
        parts = await self._in_stock(planned.parts)
        if not parts:
            return 0, 0
        buyer = planned.buyer
        delivers = any(part.provider == "shop_courier" for part in parts)
        draft = checkout.CheckoutDraft(
            lines=[parcels.CartLine(product.id, quantity) for part in parts for product, quantity in part.lines],
            shops=[checkout.ShopChoice(part.shop.shop.id, part.provider, note=self.rng.choice(NOTES) or None)
                   for part in parts],
            payment_method="COD",
            address=parcels.Address(buyer.kecamatan, buyer.kelurahan, buyer.address) if delivers else None,
        )
        made = await checkout.checkout(buyer.user, draft, self.providers, self.events)
        await Checkout.filter(id=made.id).update(created_at=planned.placed_at)
        written = 0
        for order in await Order.filter(checkout_id=made.id).order_by("id"):
            part = next(p for p in parts if p.shop.shop.id == order.shop_id)  # type: ignore[attr-defined]
            written += await self._follow(order, part, buyer.user, planned.placed_at)
        return len(parts), written

    # --- planning ------------------------------------------------------------------------------------------------

    def _when(self, buyer: Buyer) -> dt.datetime:
        """A moment in the buyer's history; ASN often order on Thursdays (the city's Kamis Mbois programme)."""
        oldest = min(HISTORY_DAYS, buyer.registered_days_ago - 1)
        at = self.seeder.moment(1, oldest)
        back = dt.timedelta(days=((at + dt.timedelta(hours=7)).weekday() - 3) % 7)  # to the Thursday before, WIB
        if buyer.user.is_asn and self.rng.random() < 0.4 and self.anchor - (at - back) < dt.timedelta(days=oldest):
            at -= back
        return at

    def _checkout(self, buyer: Buyer, at: dt.datetime, shop: SeededShop | None = None) -> PlannedCheckout | None:
        shops_wanted = [shop] if shop else self._pick_shops(buyer, 2 if self.rng.random() < 0.15 else 1)
        parts = []
        for seeded in shops_wanted:
            provider = self._provider(seeded, buyer)
            if provider is not None:
                parts.append(Part(seeded, provider, self._lines(seeded, buyer)))
        return PlannedCheckout(at, buyer, parts) if parts else None

    def _pick_shops(self, buyer: Buyer, count: int) -> list[SeededShop]:
        """Mostly nearby, mostly sembako: daily needs first."""
        shops_ = [s for s in self.seeder.shops if s.owner.id != buyer.user.id]
        weights = [(3 if s.shop.kecamatan == buyer.kecamatan else 1) * (2 if s.kind == "sembako" else 1)
                   for s in shops_]
        picked: list[SeededShop] = []
        while len(picked) < count:
            choice = self.rng.choices(shops_, weights=weights)[0]
            if choice not in picked:
                picked.append(choice)
        return picked

    def _provider(self, seeded: SeededShop, buyer: Buyer) -> str | None:
        delivers = buyer.kecamatan in seeded.shop.delivery_fees
        if seeded.shop.offers_pickup and (not delivers or self.rng.random() < 0.25):
            return "pickup"
        return "shop_courier" if delivers else None

    def _lines(self, seeded: SeededShop, buyer: Buyer) -> list[tuple[Product, int]]:
        products = [p for p in seeded.products if p.stock > 0]
        chosen = self.rng.sample(products, min(len(products), self.rng.randint(1, 3)))
        most = 3 if seeded.kind == "sembako" else 2
        lines = [(p, 1 if p.price > 250_000 else self.rng.randint(1, most)) for p in chosen]
        fee = seeded.shop.delivery_fees.get(buyer.kecamatan, 0)
        # Cash on delivery has a cap; drop the dearest lines until the order fits under it.
        while lines and sum(p.price * q for p, q in lines) + fee > self.cod_limit:
            lines.remove(max(lines, key=lambda line: line[0].price * line[1]))
        return lines

    def _fate(self, recent: bool) -> str:
        fates, weights = zip(*(RECENT_FATES if recent else SETTLED_FATES), strict=True)
        return self.rng.choices(fates, weights=weights)[0]

    def _seller_queue(self) -> list[PlannedCheckout]:
        """Fresh orders at the documented shop, so its seller has a queue to work through."""
        demo = next(s for s in self.seeder.shops if s.shop.slug == DEMO_SHOP_SLUG)
        reachable = [b for b in self.seeder.buyers if demo.shop.offers_pickup or b.kecamatan in demo.shop.delivery_fees]
        queue: list[PlannedCheckout] = []
        for fate in ("PLACED", "PLACED", "ACCEPTED", "ON_THE_WAY") * self.seeder.scale:
            buyer = self.rng.choice(reachable)
            planned = self._checkout(buyer, self.seeder.moment(1, 2), shop=demo)
            if planned:
                planned.parts[0].fate = fate
                queue.append(planned)
        return queue

    async def _in_stock(self, parts: list[Part]) -> list[Part]:
        """The planned lines that the stock still covers: earlier orders may have taken it."""
        ids = [product.id for part in parts for product, _ in part.lines]
        stock = dict(await Product.filter(id__in=ids).values_list("id", "stock"))
        kept = []
        for part in parts:
            part.lines = [(product, quantity) for product, quantity in part.lines if stock[product.id] >= quantity]
            if part.lines:
                kept.append(part)
        return kept

    # --- following an order ----------------------------------------------------------------------------------------

    def _later(self, at: dt.datetime, low_hours: float, high_hours: float) -> dt.datetime:
        """A moment some hours after another, never past ANCHOR."""
        later = at + dt.timedelta(seconds=int(self.rng.uniform(low_hours, high_hours) * 3600))
        return max(at, min(later, self.anchor - dt.timedelta(minutes=1)))

    async def _follow(self, order: Order, part: Part, buyer: User, placed_at: dt.datetime) -> int:
        """Take the order to its fate as its buyer and seller would; restamp its history; answer the reviews made."""
        seller, times, paid_at, reviews_made = part.shop.owner, [placed_at], None, 0

        async def step(action: Action, actor: User, low: float, high: float, **extra: str | None) -> None:
            times.append(self._later(times[-1], low, high))
            await orders.transition(actor, order.id, action, self.providers, self.events, **extra)

        if part.fate == "CANCELLED":
            if self.rng.random() < 0.4:
                await step(Action.ACCEPT, seller, 0.3, 3)
            by = self.rng.choice(("buyer", "seller"))
            await step(Action.CANCEL, buyer if by == "buyer" else seller, 0.2, 6,
                       reason=self.rng.choice(CANCEL_REASONS[by]))
        elif part.fate != "PLACED":
            await step(Action.ACCEPT, seller, 0.3, 3)
            if part.fate != "ACCEPTED":
                pickup = order.delivery_method == DeliveryKind.PICKUP
                await step(Action.MARK_READY_FOR_PICKUP if pickup else Action.MARK_OUT_FOR_DELIVERY, seller, 0.5, 5)
                if part.fate != "ON_THE_WAY":
                    await step(Action.MARK_DELIVERED, seller, 0.5, 20, pickup_code=order.pickup_code)
                    await orders.confirm_cash_collected(seller, order.id, self.providers, self.events)
                    paid_at = times[-1]
                    if part.fate == "COMPLETED":
                        await step(Action.COMPLETE, buyer, 1, 48)
                    reviews_made = await self._review(order, seller, buyer, paid_at)
        await self._restamp(order, times, paid_at)
        return reviews_made

    async def _restamp(self, order: Order, times: list[dt.datetime], paid_at: dt.datetime | None) -> None:
        """The services stamp rows with the time of the run; move them to the order's place in the history."""
        transitions = await OrderTransition.filter(order_id=order.id).order_by("id")
        for transition, at in zip(transitions, times, strict=True):
            await OrderTransition.filter(id=transition.id).update(created_at=at)
        await Order.filter(id=order.id).update(created_at=times[0], updated_at=times[-1])
        await Payment.filter(order_id=order.id).update(created_at=times[0], **({"paid_at": paid_at} if paid_at else {}))

    async def _review(self, order: Order, seller: User, buyer: User, delivered_at: dt.datetime) -> int:
        made = 0
        for line in await OrderLine.filter(order_id=order.id).order_by("id"):
            if self.rng.random() >= 0.6:
                continue
            ratings, weights = zip(*RATING_WEIGHTS, strict=True)
            rating = self.rng.choices(ratings, weights=weights)[0]
            text = self.rng.choice(REVIEW_TEXTS[rating]) if self.rng.random() < 0.7 else ""
            review = await reviews.create_review(buyer, line.id, rating, text)
            at = self._later(delivered_at, 2, 72)
            reply: dict[str, object] = {}
            if self.rng.random() < 0.4:
                await reviews.reply_to_review(seller, review.id, self.rng.choice(REPLIES[rating >= 4]))
                reply = {"replied_at": self._later(at, 1, 24)}
            await Review.filter(id=review.id).update(created_at=at, **reply)
            made += 1
        return made

