"""What the city officer sets in the demo (demo/data/city.toml): the price watch's reference prices, the ASN spend
target, and two sellers who then price above a ceiling, so the price watch has something to flag."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from umkm_graph.catalog import service as catalog_service
from umkm_graph.catalog.models import PriceChange, PriceUnit, Product
from umkm_graph.city import participation, price_watch
from umkm_graph.city.analytics import month_key, today_wib
from umkm_graph.demo.loading import load
from umkm_graph.demo.run import HISTORY_DAYS, SeedRun, stamp

_CITY = load("city")


@dataclass(frozen=True)
class ReferencePrice:
    commodity: str
    unit: PriceUnit
    variant: str
    price: int  # rupiah per kg or litre
    note: str


@dataclass(frozen=True)
class AboveCeiling:
    listing_prefix: str
    price_per_unit: int


REFERENCE_PRICES_FROM: dt.date = _CITY.table("reference_prices")["valid_from"]
REFERENCE_PRICES = tuple(
    ReferencePrice(row["commodity"], PriceUnit(row["unit"]), row["variant"], row["price"], row["note"])
    for row in _CITY.table("reference_prices").tables("price")
)
SPEND_TARGET: int = _CITY.table("participation")["spend_target"]  # a month, from each ASN, since the history began
ABOVE_CEILING = tuple(
    AboveCeiling(row["listing_prefix"], row["price_per_unit"]) for row in _CITY.tables("above_ceiling")
)


async def set_city_monitoring(run: SeedRun) -> None:
    """The reference prices and the spend target, set by the officer; then two sellers raise a price above its
    ceiling, after every order was placed (so each order paid the price the history shows)."""
    assert run.officer is not None
    for reference in REFERENCE_PRICES:
        draft = price_watch.ReferencePriceDraft(reference.commodity, reference.unit, reference.price,
                                                REFERENCE_PRICES_FROM, reference.variant, reference.note)
        await price_watch.set_reference_price(run.officer, draft)
    first_month = month_key(today_wib(run.anchor - dt.timedelta(days=HISTORY_DAYS)))
    await participation.set_spend_target(run.officer, first_month, SPEND_TARGET)
    raised_at = run.anchor - dt.timedelta(hours=12)
    for above in ABOVE_CEILING:
        # The documented shop (the first) keeps its prices.
        found = [(s, p) for s in run.shops[1:] for p in s.products if p.name.startswith(above.listing_prefix)]
        if not found:
            continue
        seeded, product = found[0]
        price = int(above.price_per_unit * product.pack_size)
        await catalog_service.update_product(seeded.owner, product.id, catalog_service.ProductDraft(price=price))
        await PriceChange.filter(product_id=product.id, changed_at__gt=raised_at).update(changed_at=raised_at)
        await stamp(Product, product.id, product.created_at, updated_at=raised_at)
