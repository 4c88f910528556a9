"""What delivery costs before anything is bought: every provider's quotes for one shop's parcel, asked at once
(deliveryQuotes), and what each provider offers from a shop (the checkout form's deliveryOptions).

Every provider is asked concurrently, each within the provider timeout. One that raises, hangs or answers garbage is left
out of the answer and named in it; a courier that needs coordinates is not asked without them, and is named with what is
missing.
"""

from __future__ import annotations

import asyncio
import enum
from dataclasses import dataclass

from umkm_graph.catalog.models import Product
from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.regions import canonical_kecamatan
from umkm_graph.delivery.parcels import (
    MAX_LINES,
    MAX_QUANTITY,
    Address,
    CartLine,
    destination_of,
    item,
    missing_location,
    parcel_weight,
    shop_info,
)
from umkm_graph.hookspecs import DeliveryKind, DeliveryProvider, DeliveryQuote, Destination, QuoteRequest
from umkm_graph.people.access import require_user
from umkm_graph.people.models import User
from umkm_graph.plugin_host import Providers
from umkm_graph.shops.access import can_see_shop
from umkm_graph.shops.models import Shop

INPUT = ["input"]


@dataclass
class QuoteDraft:
    shop_id: int
    lines: list[CartLine]  # the shop's part of the cart: the parcel's weight and value
    address: Address | None = None


class LeftOutReason(enum.Enum):
    UNAVAILABLE = "UNAVAILABLE"  # raised, hung, or answered garbage
    NEEDS_LOCATION = "NEEDS_LOCATION"  # needs the shop's and the buyer's coordinates


@dataclass(frozen=True)
class LeftOut:
    provider: DeliveryProvider
    reason: LeftOutReason
    message: str


@dataclass(frozen=True)
class Quotes:
    options: list[tuple[DeliveryProvider, DeliveryQuote]]
    left_out: list[LeftOut]
    weight_grams: int
    weight_estimated: bool


async def delivery_quotes(user: User | None, draft: QuoteDraft, providers: Providers) -> Quotes:
    """Every provider's options for this parcel, asked at once; the ones that could not answer, named."""
    require_user(user)  # courier quotes cost gateway calls: not for anonymous callers
    shop = await Shop.get_or_none(id=draft.shop_id)
    if shop is None or not can_see_shop(user, shop):
        raise DomainError(ErrorCode.NOT_FOUND, "No shop has this id", [*INPUT, "shopId"])
    check = Validator(INPUT)
    parcel = await _parcel(shop, draft.lines, check)
    destination = destination_of(draft.address, check)
    check.raise_if_any()
    weight, estimated = parcel_weight((product, quantity) for product, quantity in parcel)
    value = sum(product.price * quantity for product, quantity in parcel)
    items = tuple(item(product, quantity) for product, quantity in parcel)
    origin = shop_info(shop)

    async def ask(provider: DeliveryProvider) -> list[DeliveryQuote] | LeftOut:
        to = destination if provider.kind == DeliveryKind.DELIVERY else None
        missing = missing_location(origin, to) if provider.needs_coordinates else None
        if missing:
            return LeftOut(provider, LeftOutReason.NEEDS_LOCATION, f"{provider.display_name} needs {missing}")
        request = QuoteRequest(shop=origin, destination=to, items=items, weight_grams=weight, order_value=value,
                               weight_estimated=estimated)
        try:
            return await providers.quote(provider, request, [*INPUT, "shopId"])
        except DomainError as error:
            return LeftOut(provider, LeftOutReason.UNAVAILABLE, error.message)

    everyone = list(providers.delivery.values())
    answers = await asyncio.gather(*(ask(provider) for provider in everyone))
    options = [(p, q) for p, answer in zip(everyone, answers) if not isinstance(answer, LeftOut) for q in answer]
    left_out = [answer for answer in answers if isinstance(answer, LeftOut)]
    return Quotes(options=options, left_out=left_out, weight_grams=weight, weight_estimated=estimated)


async def _parcel(shop: Shop, lines: list[CartLine], check: Validator) -> list[tuple[Product, int]]:
    if not lines:
        check.add("lines", "Give the products to send, with their quantities", ErrorCode.REQUIRED)
        return []
    if len(lines) > MAX_LINES:
        check.add("lines", f"A parcel holds at most {MAX_LINES} lines")
        return []
    products = {p.id: p for p in await Product.filter(id__in={line.product_id for line in lines}, shop_id=shop.id)}
    parcel = []
    for i, line in enumerate(lines):
        product = products.get(line.product_id)
        if product is None or not product.is_active:
            check.add(f"lines.{i}.productId", f"{shop.name} has no product on sale with this id", ErrorCode.NOT_FOUND)
        elif not 1 <= line.quantity <= MAX_QUANTITY:
            check.add(f"lines.{i}.quantity", f"Quantity must be 1 to {MAX_QUANTITY}")
        else:
            parcel.append((product, line.quantity))
    return parcel




async def delivery_options(
    user: User | None, shop_id: int, kecamatan: str | None, providers: Providers
) -> list[tuple[DeliveryProvider, DeliveryQuote]]:
    """What each delivery provider offers from this shop, to this kecamatan if given. A provider that fails or hangs
    hides only its own options (it is logged)."""
    shop = await Shop.get_or_none(id=shop_id)
    if shop is None or not can_see_shop(user, shop):
        raise DomainError(ErrorCode.NOT_FOUND, "No shop has this id", "shopId")
    destination = None
    if kecamatan is not None:
        canonical = canonical_kecamatan(kecamatan)
        if canonical is None:
            raise DomainError(ErrorCode.INVALID, f"{kecamatan!r} is not a kecamatan of Kota Malang", "kecamatan")
        destination = Destination(kecamatan=canonical, kelurahan="", address="")
    options: list[tuple[DeliveryProvider, DeliveryQuote]] = []
    for provider in providers.delivery.values():
        to = destination if provider.kind == DeliveryKind.DELIVERY else None
        try:
            quotes = await providers.quote(provider, QuoteRequest(shop=shop_info(shop), destination=to), ["shopId"])
        except DomainError:
            continue
        options.extend((provider, quote) for quote in quotes)
    return options
