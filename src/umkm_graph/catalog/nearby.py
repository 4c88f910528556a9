"""Near me in plain SQL on both databases: the distance from a point to each shop on a flat map (equirectangular), which
at city scale (Kota Malang is some 15 km across) errs by well under 1%; and the shop's own delivery area and fee. The
point is given as coordinates, or as one of the buyer's own saved addresses (near_point).

Where this stops being enough: every listing's distance is worked out for every search (no spatial index), which is
fine for a city's few thousand shops but not for a province's hundreds of thousands, and a flat map errs more as
distances grow past ~100 km. Then PostGIS (a GiST index and ST_DWithin) on PostgreSQL, or an R*Tree on SQLite."""

from __future__ import annotations

import math
from dataclasses import dataclass

from umkm_graph.catalog.listing import Near
from umkm_graph.catalog.models import Product
from umkm_graph.catalog.search_query import Sql
from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.regions import canonical_kecamatan
from umkm_graph.people.access import require_user
from umkm_graph.people.addresses import address_of
from umkm_graph.people.models import User

KM_PER_DEGREE_LATITUDE = 110.574
KM_PER_DEGREE_LONGITUDE_AT_EQUATOR = 111.320


@dataclass(frozen=True)
class NearAsked:
    """A point to be near as a client gives it: coordinates, or the id of one of the asker's saved addresses."""

    latitude: float | None = None
    longitude: float | None = None
    address_id: int | None = None
    within_km: float = 5.0
    deliver_to: str | None = None


async def near_point(user: User | None, asked: NearAsked) -> Near:
    """The point asked for. A saved address must be the asker's own (another's is NOT_FOUND, as none is) and have
    coordinates; its kecamatan is where to deliver unless deliver_to says otherwise, so the shops' own delivery area
    and fee apply to it. Faults name filter.near.<field>."""
    check = Validator(["filter", "near"])
    point = asked.latitude is not None or asked.longitude is not None
    if asked.address_id is None:
        check.check(asked.latitude is not None, "latitude", "Give latitude and longitude, or addressId")
        check.check(asked.longitude is not None, "longitude", "Give latitude and longitude, or addressId")
        check.raise_if_any()
        return Near(asked.latitude, asked.longitude, asked.within_km, asked.deliver_to)  # type: ignore[arg-type]
    field = ["filter", "near", "addressId"]
    if point:
        raise DomainError(ErrorCode.INVALID, "Give addressId or latitude and longitude, not both", field)
    address = await address_of(require_user(user), asked.address_id, field)
    if address.latitude is None or address.longitude is None:
        raise DomainError(ErrorCode.INVALID, "This saved address has no coordinates: add them in your address book, "
                          "or give latitude and longitude", field)
    deliver_to = asked.deliver_to if asked.deliver_to is not None else address.kecamatan
    return Near(address.latitude, address.longitude, asked.within_km, deliver_to)


def _scales(near: Near) -> tuple[float, float]:
    return KM_PER_DEGREE_LATITUDE, KM_PER_DEGREE_LONGITUDE_AT_EQUATOR * math.cos(math.radians(near.latitude))


def squared_km(sql: Sql, near: Near) -> str:
    """The squared distance in km² from the point to the shop `s` (no square root: SQLite may lack one; the order and
    a radius compare the same)."""
    north, east = _scales(near)

    def dy() -> str:  # written out twice, each with its own placeholders (SQLite's are positional)
        return f"((s.latitude - {sql.param(near.latitude)}) * {sql.param(north)})"

    def dx() -> str:
        return f"((s.longitude - {sql.param(near.longitude)}) * {sql.param(east)})"

    return f"({dy()} * {dy()} + {dx()} * {dx()})"


def near_conditions(sql: Sql, near: Near) -> list[str]:
    conditions = ["s.latitude IS NOT NULL", "s.longitude IS NOT NULL",
                  f"{squared_km(sql, near)} <= {sql.param(near.within_km * near.within_km)}"]
    if near.deliver_to is not None:
        kecamatan = canonical_kecamatan(near.deliver_to)
        if sql.postgres:
            conditions.append(f"jsonb_exists(s.delivery_fees::jsonb, {sql.param(kecamatan)})")
        else:
            path = '$."' + str(kecamatan) + '"'
            conditions.append(f"json_extract(s.delivery_fees, {sql.param(path)}) IS NOT NULL")
    return conditions


def distance_km(near: Near, latitude: float, longitude: float) -> float:
    north, east = _scales(near)
    return math.hypot((latitude - near.latitude) * north, (longitude - near.longitude) * east)


def located(product: Product, near: Near) -> None:
    """Put on the product (whose shop is loaded) its shop's distance from the point, and the fee to deliver_to."""
    shop = product.shop
    product.distance_km = round(distance_km(near, shop.latitude, shop.longitude), 2)  # type: ignore[attr-defined]
    kecamatan = canonical_kecamatan(near.deliver_to) if near.deliver_to else None
    product.delivery_fee = shop.delivery_fees.get(kecamatan) if kecamatan else None  # type: ignore[attr-defined]
