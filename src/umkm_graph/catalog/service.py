"""The catalog: the category tree, and products (their variants are variants.py; the storefront listing is listing.py).

A product's price, pack and stock fields, as a product with one variant is edited, go to that variant."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from umkm_graph import changes
from umkm_graph.catalog import variants
from umkm_graph.catalog.models import Category, Product, ProductUnit, ProductVariant
from umkm_graph.catalog.search_index import index_product
from umkm_graph.catalog.variants import MAX_PRICE, MAX_STOCK, VariantDraft, unit_price_of
from umkm_graph.changes import Entity
from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.text import clean_text
from umkm_graph.core.urls import public_https_url_fault
from umkm_graph.people.access import is_city
from umkm_graph.people.models import User
from umkm_graph.shops.access import can_see_shop
from umkm_graph.shops.models import ShopStatus
from umkm_graph.notifications.kinds import Kind
from umkm_graph.shops.following import tell_followers
from umkm_graph.shops.service import get_owned_shop

SEMBAKO = "sembako"  # the daily needs' category: followers hear of its products
FOLLOWER_QUIET_HOURS = 12  # settings.follower_message_hours

# (slug, name, parent slug)
CATEGORY_TREE: tuple[tuple[str, str, str | None], ...] = (
    ("sembako", "Sembako", None),
    ("beras", "Beras", "sembako"),
    ("minyak-goreng", "Minyak Goreng", "sembako"),
    ("telur", "Telur", "sembako"),
    ("gula", "Gula", "sembako"),
    ("kuliner", "Kuliner", None),
    ("kerajinan", "Kerajinan", None),
    ("fashion", "Fashion", None),
)
# ensure_categories creates exactly this tree, and nothing else creates categories.
CATEGORY_SLUGS = frozenset(slug for slug, _, _ in CATEGORY_TREE)
__all__ = ["MAX_PRICE", "MAX_STOCK", "unit_price_of"]


async def ensure_categories() -> None:
    """Create the category tree if it is missing; safe to run at every start, by several processes at once (a slug
    another process created first is fetched, not created twice)."""
    existing = {c.slug: c for c in await Category.all()}
    for slug, name, parent_slug in CATEGORY_TREE:
        if slug not in existing:
            parent = existing.get(parent_slug) if parent_slug else None
            existing[slug], _ = await Category.get_or_create(slug=slug, defaults={"name": name, "parent": parent})


@dataclass
class ProductDraft:
    """The editable fields of a product. On update, None means 'leave as it is'."""

    category: str | None = None
    name: str | None = None
    description: str | None = None
    unit: ProductUnit | None = None
    pack_size: Decimal | None = None
    net_weight_grams: int | None = None
    price: int | None = None
    stock: int | None = None
    is_active: bool | None = None
    image_urls: list[str] | None = None


REQUIRED_ON_CREATE = ("category", "name", "unit", "price")
# What belongs to a product's variant: given on a product, they go to its only variant.
VARIANT_FIELDS = frozenset({"pack_size", "net_weight_grams", "price", "stock"})
# What a product's search document is made of (catalog/search_index.py): changing one of these rewrites it.
SEARCHED_FIELDS = frozenset({"category", "name", "description", "unit", "pack_size", "net_weight_grams"})


async def _clean(draft: ProductDraft, creating: bool) -> dict[str, object]:
    check = Validator(["input"])
    given = {f.name: getattr(draft, f.name) for f in fields(draft) if getattr(draft, f.name) is not None}
    values: dict[str, object] = {}
    if creating:
        for name in REQUIRED_ON_CREATE:
            if name not in given:
                check.add(name, f"{name} is required", ErrorCode.REQUIRED)
    if "category" in given:
        category = await Category.get_or_none(slug=given["category"])
        if category is None:
            check.add("category", f"{given['category']!r} is not a category slug")
        else:
            values["category"] = category
    if "name" in given:
        values["name"] = clean_text(check, "name", given["name"], label="Name", max_length=160)
    if "description" in given:
        values["description"] = clean_text(check, "description", given["description"], label="Description",
                                           max_length=5000, required=False, multiline=True)
    if "unit" in given:
        values["unit"] = given["unit"]
    values.update(variants.clean_pack(check, VariantDraft(
        pack_size=draft.pack_size, net_weight_grams=draft.net_weight_grams, price=draft.price, stock=draft.stock)))
    if "is_active" in given:
        values["is_active"] = given["is_active"]
    if "image_urls" in given:
        urls = given["image_urls"]
        check.check(len(urls) <= 10, "imageUrls", "At most 10 images")
        for url in urls:
            fault = public_https_url_fault(url)
            check.check(fault is None, "imageUrls", f"Image URL {url[:80]!r} {fault}")
        values["image_urls"] = list(urls)
    check.raise_if_any()
    return values


async def create_product(user: User | None, shop_id: int, draft: ProductDraft, *,
                         follower_quiet_hours: int = FOLLOWER_QUIET_HOURS) -> Product:
    shop = await get_owned_shop(user, shop_id)
    values = await _clean(draft, creating=True)
    product = Product(shop=shop, **values)
    first = ProductVariant(shop=shop, **{name: value for name, value in values.items() if name in VARIANT_FIELDS})
    async with in_transaction():
        await product.save()
        first.product = product
        await variants.save_variant(first, product, user, price_changed=True)
        await variants.summarise(product)
        await index_product(product)
        if product.stock > 0:
            await _tell_followers(product, Kind.FOLLOWED_SHOP_NEW_PRODUCT, follower_quiet_hours)
    await changes.changed(Entity.PRODUCT)
    return product


get_owned_product = variants.get_owned_product


async def update_product(user: User | None, product_id: int, draft: ProductDraft, *,
                         follower_quiet_hours: int = FOLLOWER_QUIET_HOURS) -> Product:
    product = await get_owned_product(user, product_id)
    values = await _clean(draft, creating=False)
    own = {name: value for name, value in values.items() if name not in VARIANT_FIELDS}
    of_variant = {name: value for name, value in values.items() if name in VARIANT_FIELDS}
    variant = await variants.only_variant(product, _field_name(next(iter(of_variant)))) if of_variant else None
    if values:
        was_out = product.stock == 0
        product.update_from_dict(own)
        async with in_transaction():
            await variants.lock_product(product.id)
            if own:  # only these columns: the stock read before the lock may be stale by now
                await product.save(update_fields=["updated_at",
                                                  *("category_id" if name == "category" else name for name in own)])
            if variant is not None or "unit" in own:  # a new unit changes every variant's price per kg or litre
                await _save_variants(product, variant, of_variant, user, unit_changed="unit" in own)
            if values.keys() & SEARCHED_FIELDS:
                await index_product(product)
            if was_out and product.stock > 0:
                await _tell_followers(product, Kind.FOLLOWED_SHOP_RESTOCKED, follower_quiet_hours)
        await changes.changed(Entity.PRODUCT)
    return product


def _field_name(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


async def _save_variants(product: Product, changed: ProductVariant | None, values: dict[str, object],
                         user: User | None, *, unit_changed: bool) -> None:
    """The only variant given the product's price, pack or stock, or every variant's unit price after a new unit;
    each changed price recorded (the city's price watch reads them, city/price_watch.py)."""
    every = await ProductVariant.filter(product_id=product.id) if unit_changed or changed is None else [changed]
    for variant in every:
        before = (variant.price, variant.unit_price)
        if changed is not None and variant.id == changed.id:
            variant.update_from_dict(values)
        per = unit_price_of(variant.price, product.unit, variant.pack_size, variant.net_weight_grams)
        await variants.save_variant(variant, product, user,
                                    price_changed=before != (variant.price, per[0] if per else None))
    await variants.summarise(product)


async def set_stock(user: User | None, product_id: int, stock: int, *,
                    follower_quiet_hours: int = FOLLOWER_QUIET_HOURS) -> Product:
    product = await get_owned_product(user, product_id)
    if not 0 <= stock <= MAX_STOCK:
        raise DomainError(ErrorCode.INVALID, f"Stock must be 0 to {MAX_STOCK}", "stock")
    variant = await variants.only_variant(product, "stock")
    async with in_transaction():
        await variants.lock_product(product.id)
        await ProductVariant.filter(id=variant.id).update(stock=stock)
        # Out of stock until now? Asked by the update itself, so two sellers' tabs cannot both see the restock.
        restocked = stock > 0 and await Product.filter(id=product.id, stock=0).update(stock=stock)
        if restocked:
            await _tell_followers(product, Kind.FOLLOWED_SHOP_RESTOCKED, follower_quiet_hours)
        else:
            await Product.filter(id=product.id).update(stock=stock)
    await changes.changed(Entity.PRODUCT)
    product.stock = stock
    return product


async def _tell_followers(product: Product, kind: Kind, quiet_hours: int) -> None:
    """A sembako product on sale: the shop's followers hear of it (shops/following.py keeps them from hearing often)."""
    if product.is_active and await Category.filter(
            Q(slug=SEMBAKO) | Q(parent__slug=SEMBAKO), id=product.category_id).exists():  # type: ignore[attr-defined]
        await tell_followers(product.shop, kind, product.name, product.price, quiet_hours)


def price_per_base_unit(product: Product) -> tuple[int, str] | None:
    """The product's (its cheapest variant's) price per kg or per litre; None when unknowable."""
    return unit_price_of(product.price, product.unit, product.pack_size, product.net_weight_grams)


def can_see_product(user: User | None, product: Product) -> bool:
    """Buyers see active products of verified shops; the owner and the city see every product."""
    shop = product.shop
    if is_city(user) or (user is not None and shop.owner_id == user.id):  # type: ignore[attr-defined]
        return True
    return product.is_active and shop.status == ShopStatus.VERIFIED and can_see_shop(user, shop)


return_stock = variants.return_stock
