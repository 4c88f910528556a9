"""What a parcel holds and where it goes: the buyer's cart lines and address, checked, and what a courier is told of the
shop, the buyer and the weight."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from umkm_graph.catalog.models import Product, ProductUnit
from umkm_graph.core.errors import Validator
from umkm_graph.core.regions import checked_place
from umkm_graph.core.text import clean_text
from umkm_graph.hookspecs import BuyerInfo, Destination, Item, ShopInfo
from umkm_graph.people.models import User
from umkm_graph.shops.models import Shop

MAX_LINES = 100
MAX_QUANTITY = 1000


@dataclass
class CartLine:
    product_id: int
    quantity: int
    variant_id: int | None = None  # None: the product's only variant on sale


@dataclass
class Address:
    kecamatan: str
    kelurahan: str
    street: str
    latitude: float | None = None  # the buyer's point: couriers that quote by coordinates need it
    longitude: float | None = None


def destination_of(address: Address | None, check: Validator) -> Destination | None:
    """The address, checked and in canonical names; errors go to `check` under "address"."""
    if address is None:
        return None
    street = clean_text(check, "address.street", address.street, label="Street address", max_length=255)
    lat, lon = address.latitude, address.longitude
    kecamatan, kelurahan = checked_place(check, "address.", address.kecamatan, address.kelurahan, lat, lon)
    if kecamatan is None or kelurahan is None:
        return None
    return Destination(kecamatan=kecamatan, kelurahan=kelurahan, address=street, latitude=lat, longitude=lon)


def missing_location(shop: ShopInfo, to: Destination | None) -> str | None:
    """What a courier that quotes by coordinates still lacks, or None."""
    if shop.latitude is None or shop.longitude is None:
        return f"the location of {shop.name} on the map, which the shop has not set"
    if to is None or to.latitude is None or to.longitude is None:
        return "your location: give latitude and longitude with the address"
    return None


def shop_info(shop: Shop) -> ShopInfo:
    return ShopInfo(
        id=shop.id, name=shop.name, kecamatan=shop.kecamatan, kelurahan=shop.kelurahan, address=shop.address,
        phone=shop.phone, latitude=shop.latitude, longitude=shop.longitude, offers_pickup=shop.offers_pickup,
        delivery_fees=dict(shop.delivery_fees),
    )


def buyer_info(user: User) -> BuyerInfo:
    return BuyerInfo(id=user.id, name=user.name, email=user.email, phone=user.phone)


def pack_grams(product: Product) -> int | None:
    """One pack's weight, when the seller gave it (or it is sold by the kg); None otherwise."""
    if product.net_weight_grams:
        return product.net_weight_grams
    if product.unit == ProductUnit.KG:
        return int(product.pack_size * 1000)
    return None


def item(product: Product, quantity: int, name: str | None = None, price: int | None = None) -> Item:
    """A parcel's line as a provider is told it; name and price as bought, when they differ from the product's now."""
    return Item(product_id=product.id, name=name or product.name, unit_price=product.price if price is None else price,
                quantity=quantity, weight_grams=pack_grams(product))


ESTIMATED_PACK_GRAMS = 1000


def parcel_weight(lines: Iterable[tuple[Product, int]]) -> tuple[int, bool]:
    """The parcel's grams, and whether part of it is estimated. Couriers need a weight, and refusing the order for want of
    one helps nobody: a litre counts as 1 kg, any other pack of unknown weight as 1 kg, and the quote says so."""
    total, estimated = 0, False
    for product, quantity in lines:
        grams = pack_grams(product)
        if grams is None:
            estimated = True
            litres = float(product.pack_size) if product.unit == ProductUnit.LITRE else 1.0
            grams = int(litres * ESTIMATED_PACK_GRAMS)
        total += grams * quantity
    return total, estimated
