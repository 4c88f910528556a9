"""The demo's shops (demo/data/shops.toml, places.toml): verified shops in every kecamatan, the documented seller's
shop among them, and a few waiting for the city officer. Each opens with its listings (demo/catalog.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from umkm_graph.core.regions import KELURAHAN
from umkm_graph.demo.catalog import list_products
from umkm_graph.demo.loading import band, load
from umkm_graph.demo.people import STREETS, add_account, landline, mobile, person
from umkm_graph.demo.run import SeededShop, SeedRun, stamp
from umkm_graph.people.models import Role
from umkm_graph.shops import service as shops_service
from umkm_graph.shops.models import Shop, ShopStatus

_SHOPS = load("shops")
_PLACES = load("places").table("kecamatan")


@dataclass(frozen=True)
class DocumentedShop:
    """The documented seller's shop: fixed, so the examples can name it."""

    name: str
    slug: str
    kecamatan: str
    kelurahan: str
    address: str
    point: tuple[float, float]
    seller_email: str
    seller_name: str


@dataclass(frozen=True)
class ShopKind:
    names: tuple[str, ...]  # templates with {title} (Pak or Bu) and {first}
    blurb: str
    weight: int  # for the second and later shops of a kecamatan (the first always sells sembako)


_DOCUMENTED = _SHOPS.table("documented_shop")
DOCUMENTED_SHOP = DocumentedShop(
    _DOCUMENTED["name"], _DOCUMENTED["slug"], _DOCUMENTED["kecamatan"], _DOCUMENTED["kelurahan"],
    _DOCUMENTED["address"], (_DOCUMENTED["point"][0], _DOCUMENTED["point"][1]), _DOCUMENTED["seller_email"],
    _DOCUMENTED["seller_name"],
)
DEMO_SHOP_SLUG = DOCUMENTED_SHOP.slug
KINDS: dict[str, ShopKind] = {
    kind: ShopKind(tuple(row["names"]), row["blurb"], row["weight"]) for kind, row in _SHOPS.table("kind").items()
}
FIRST_KIND = "sembako"
# Rough centre of each kecamatan (latitude, longitude); shops sit within about a kilometre of it.
CENTRES: dict[str, tuple[float, float]] = {
    kecamatan: (place["centre"][0], place["centre"][1]) for kecamatan, place in _PLACES.items()
}
# The kecamatan codes in a Malang NIK (35 Jawa Timur, 73 Kota Malang, then the kecamatan).
NIK_KECAMATAN: dict[str, str] = {kecamatan: place["nik_code"] for kecamatan, place in _PLACES.items()}
VERIFIED_OPENED_DAYS_AGO = band(_SHOPS.table("opened_days_ago")["verified"])
PENDING_OPENED_DAYS_AGO = band(_SHOPS.table("opened_days_ago")["pending"])
_FEE = _SHOPS.table("courier_fee")
COURIER_BASE_FEE: int = _FEE["base"]
COURIER_FEE_PER_KM: int = _FEE["per_km"]
COURIER_MINIMUM_FEE: int = _FEE["minimum"]


async def add_documented_shop(run: SeedRun) -> None:
    """The documented shop goes first, so no generated shop can take its slug."""
    await _verified_shop(run, DOCUMENTED_SHOP.kecamatan, 0, documented=True)


async def add_verified_shop(run: SeedRun, kecamatan: str, index: int) -> None:
    """The index-th verified shop of a kecamatan (the first sells sembako)."""
    await _verified_shop(run, kecamatan, index)


async def add_pending_shop(run: SeedRun, index: int) -> None:
    """A shop opened in the last two weeks, waiting for the officer; spread over the kecamatan."""
    kecamatan = list(KELURAHAN)[(index * 2 + 1) % len(KELURAHAN)]
    await _seller_shop(run, kecamatan, _kind(run, index + 1), PENDING_OPENED_DAYS_AGO)
    run.summary.pending_shops += 1


async def _verified_shop(run: SeedRun, kecamatan: str, index: int, documented: bool = False) -> None:
    seeded = await _seller_shop(run, kecamatan, _kind(run, index), VERIFIED_OPENED_DAYS_AGO, documented)
    seeded.shop = await shops_service.set_shop_status(run.officer, seeded.shop.id, ShopStatus.VERIFIED, None)
    run.shops.append(seeded)
    run.summary.verified_shops += 1


def _kind(run: SeedRun, index: int) -> str:
    if index == 0:
        return FIRST_KIND
    kinds, weights = zip(*((kind, shop_kind.weight) for kind, shop_kind in KINDS.items()), strict=True)
    return run.rng.choices(kinds, weights=weights)[0]


def _draft(run: SeedRun, kind: str, kecamatan: str, first: str, gender: str) -> shops_service.ShopDraft:
    rng = run.rng
    lat0, lon0 = CENTRES[kecamatan]
    lat = round(lat0 + rng.uniform(-0.008, 0.008), 6)
    lon = round(lon0 + rng.uniform(-0.008, 0.008), 6)
    kelurahan = rng.choice(KELURAHAN[kecamatan])
    title = "Pak" if gender == "1" else "Bu"
    name = rng.choice(KINDS[kind].names).format(title=title, first=first)
    phone = landline(run) if rng.random() < 0.4 else mobile(run)
    nib = rng.choice(("91", "12", "02")) + run.digits(11)
    street = rng.choice(STREETS[kecamatan])
    return shops_service.ShopDraft(
        name=name,
        description=f"{KINDS[kind].blurb} Kelurahan {kelurahan}, Kecamatan {kecamatan}.",
        kecamatan=kecamatan, kelurahan=kelurahan, address=f"{street} No. {rng.randint(1, 250)}, {kelurahan}",
        latitude=lat, longitude=lon, phone=phone, nib=nib,
        npwp=_nik(run, kecamatan, gender) if rng.random() < 0.5 else None,
        offers_pickup=kind != "fashion" or rng.random() < 0.5,
        delivery_fees=_delivery_fees(run, lat, lon),
    )


def _nik(run: SeedRun, kecamatan: str, gender: str) -> str:
    """An NPWP in its 16-digit form: since 2024 a person's NPWP is their NIK, which for Kota Malang starts 3573."""
    rng = run.rng
    day = rng.randint(1, 28) + (40 if gender == "2" else 0)
    born = f"{day:02d}{rng.randint(1, 12):02d}{rng.randint(60, 99):02d}"
    return f"3573{NIK_KECAMATAN[kecamatan]}{born}{rng.randint(1, 9999):04d}"


def _delivery_fees(run: SeedRun, lat: float, lon: float) -> dict[str, int]:
    """The shop's own courier: a base fee plus a fee a km to the kecamatan's centre, rounded up to Rp1,000, with a
    minimum; some shops skip the farthest kecamatan."""
    fees: dict[str, int] = {}
    for kecamatan, (clat, clon) in CENTRES.items():
        km = math.hypot((lat - clat) * 110.6, (lon - clon) * 110.2)
        fee = math.ceil((COURIER_BASE_FEE + COURIER_FEE_PER_KM * km) / 1_000) * 1_000
        fees[kecamatan] = max(COURIER_MINIMUM_FEE, fee)
    if run.rng.random() < 0.25:
        del fees[max(fees, key=lambda k: fees[k])]
    return fees


async def _seller_shop(
    run: SeedRun, kecamatan: str, kind: str, days_ago: tuple[int, int], documented: bool = False
) -> SeededShop:
    name, gender, email = person(run)
    draft = _draft(run, kind, kecamatan, name.split()[0], gender)
    if documented:
        shop = DOCUMENTED_SHOP
        email, name = shop.seller_email, shop.seller_name
        draft.name, draft.slug, draft.kelurahan, draft.address = shop.name, shop.slug, shop.kelurahan, shop.address
        draft.latitude, draft.longitude = shop.point
    opened = run.moment(*days_ago)
    owner = await add_account(run, email, name, Role.SELLER, days_ago=(run.anchor - opened).days + 2,
                              phone=mobile(run))
    made = await shops_service.create_shop(owner, draft)
    await stamp(Shop, made.id, opened)
    seeded = SeededShop(made, owner, kind)
    await list_products(run, seeded, opened, every_staple=documented)
    return seeded
