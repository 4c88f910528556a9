"""What Malang's UMKM sell in the demo (demo/data/catalog.toml): sembako staples priced per kg or litre, goods priced
per piece or pack, and the listings each shop puts up when it opens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from umkm_graph.catalog import service as catalog_service
from umkm_graph.catalog import variants
from umkm_graph.catalog.models import PriceChange, Product, ProductUnit
from umkm_graph.demo.loading import DataTable, band, load
from umkm_graph.demo.run import SeededShop, SeedRun, stamp


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


def _staple(row: DataTable) -> Staple:
    low, high = row["price_per_unit"]
    return Staple(row["category"], row["name"], ProductUnit(row["unit"]), Decimal(str(row["pack_size"])), low, high,
                  row["description"], tuple(row.get("net_weight_grams", ())))


def _good(kind: str, row: DataTable) -> Good:
    low, high = row["price"]
    return Good(kind, row["name"], ProductUnit(row["unit"]), low, high, row["step"], row["description"],
                row.get("net_weight_grams"))


_CATALOG = load("catalog")
_STOCK = _CATALOG.table("stock")

STAPLES: tuple[Staple, ...] = tuple(_staple(row) for row in _CATALOG.tables("staple"))
# By the kind of shop that sells them, which is also their category.
GOODS: dict[str, tuple[Good, ...]] = {
    kind: tuple(_good(kind, row) for row in _CATALOG.table("goods").tables(kind))
    for kind, _ in _CATALOG.table("goods").items()
}
STOCK_RANGE: dict[str, tuple[int, int]] = {kind: band(_STOCK[kind]) for kind in ("sembako", *GOODS)}
DOCUMENTED_SHOP_STOCK = band(_STOCK["documented_shop"])
OUT_OF_STOCK_SHARE: float = _STOCK["out_of_stock_share"]


async def list_products(run: SeedRun, seeded: SeededShop, opened: dt.datetime, every_staple: bool = False) -> None:
    """The shop's listings, put up in its first ten days; `every_staple` for the documented shop."""
    rng = run.rng
    if every_staple:
        chosen: Sequence[Staple | Good] = STAPLES
    elif seeded.kind == "sembako":
        beras = [s for s in STAPLES if s.category == "beras"]
        others = [s for s in STAPLES if s.category != "beras"]
        chosen = [rng.choice(beras), *rng.sample(others, rng.randint(4, len(others)))]
    else:
        goods = GOODS[seeded.kind]
        chosen = rng.sample(goods, rng.randint(3, min(6, len(goods))))
    low, high = STOCK_RANGE[seeded.kind]
    for item in chosen:
        draft = product_draft(run, item)
        if every_staple:  # the documented shop: the examples check out from it, so it never runs out
            draft.stock = rng.randint(*DOCUMENTED_SHOP_STOCK)
        else:
            draft.stock = 0 if rng.random() < OUT_OF_STOCK_SHARE else rng.randint(low, high)
        product = await catalog_service.create_product(seeded.owner, seeded.shop.id, draft)
        listed = opened + dt.timedelta(days=rng.uniform(0, 10))
        listed = min(listed, run.anchor - dt.timedelta(hours=1)).replace(microsecond=0)
        await stamp(Product, product.id, listed, updated_at=listed)
        await PriceChange.filter(product_id=product.id).update(changed_at=listed)
        product.created_at = listed
        seeded.products.append(product)


SACK_LABEL, SACK_KG = "25 kg", 25  # the second variant the demo gives its 5 kg rice
SACK_DISCOUNT_PER_KG = 400  # a sack is cheaper per kg than the 5 kg bag


async def add_rice_sacks(run: SeedRun) -> None:
    """Beras 5 kg / 25 kg: every 5 kg rice listing but the documented shop's (the examples buy that one by product id
    alone) gets a 25 kg sack variant, at the end of the seed so the history's orders and repricings stay as they were.
    No draw from the random stream: the sack's price and stock follow from the bag's."""
    for seeded in run.shops[1:]:  # the documented shop is the first
        for product in seeded.products:
            if product.unit != ProductUnit.KG or product.pack_size != 5 or not product.name.startswith("Beras"):
                continue
            bag = await variants.only_variant(product, "product")
            await variants.update_variant(seeded.owner, bag.id, variants.VariantDraft(label="5 kg"))
            per_kg = bag.price // 5 - SACK_DISCOUNT_PER_KG
            await variants.add_variant(seeded.owner, product.id, variants.VariantDraft(
                label=SACK_LABEL, pack_size=Decimal(SACK_KG), price=per_kg * SACK_KG // 500 * 500,
                stock=bag.stock // 4))
            # listed an hour before the history's end, as the seed's clock has it, not at the wall clock's now
            await PriceChange.filter(product_id=product.id, variant__label=SACK_LABEL).update(
                changed_at=run.anchor - dt.timedelta(hours=1))


def product_draft(run: SeedRun, item: Staple | Good) -> catalog_service.ProductDraft:
    """A listing of the item at a price picked in its band (a staple's rounded for its pack)."""
    rng = run.rng
    if isinstance(item, Good):
        steps = (item.high - item.low) // item.step
        return catalog_service.ProductDraft(
            category=item.category, name=item.name, description=item.description, unit=item.unit,
            pack_size=Decimal(1), net_weight_grams=item.net_weight_grams,
            price=item.low + rng.randint(0, steps) * item.step,
        )
    net = rng.choice(item.net_weight_grams) if item.net_weight_grams else None
    quantity = Decimal(net) / 1000 if net else item.pack_size  # kg or litres in one pack
    per_unit = rng.randrange(item.low, item.high + 1, 50)
    step = 500 if quantity >= 5 else 100
    price = int(round(per_unit * quantity / step)) * step
    name = item.name if net is None else item.name.format(kg=f"{net / 1000:g}".replace(".", ","))
    return catalog_service.ProductDraft(
        category=item.category, name=name, description=item.description, unit=item.unit,
        pack_size=item.pack_size, net_weight_grams=net, price=price,
    )
