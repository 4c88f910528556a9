"""The catalog: the category tree, and products with their prices and stock (the storefront listing is listing.py)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from umkm_graph import changes
from umkm_graph.catalog.models import Category, PriceChange, PriceUnit, Product, ProductUnit
from umkm_graph.catalog.search_index import index_product
from umkm_graph.changes import Entity
from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.text import clean_text
from umkm_graph.core.urls import public_https_url_fault
from umkm_graph.people.access import is_city, require_role
from umkm_graph.people.models import Role, User
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
MAX_PRICE = 1_000_000_000
MAX_STOCK = 1_000_000


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
    if "pack_size" in given:
        try:
            size = Decimal(str(given["pack_size"]))
            ok = size.is_finite() and Decimal("0.001") <= size <= Decimal(10_000)
        except InvalidOperation:
            ok = False
        check.check(ok, "packSize", "Pack size must be between 0.001 and 10000")
        if ok:
            values["pack_size"] = size.quantize(Decimal("0.001"))
    if "net_weight_grams" in given:
        check.check(1 <= given["net_weight_grams"] <= 1_000_000, "netWeightGrams", "Net weight must be 1 to 1000000 grams")
        values["net_weight_grams"] = given["net_weight_grams"]
    if "price" in given:
        check.check(1 <= given["price"] <= MAX_PRICE, "price", f"Price must be 1 to {MAX_PRICE} rupiah")
        values["price"] = given["price"]
    if "stock" in given:
        check.check(0 <= given["stock"] <= MAX_STOCK, "stock", f"Stock must be 0 to {MAX_STOCK}")
        values["stock"] = given["stock"]
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
    _keep_unit_price(product)
    async with in_transaction():
        await product.save()
        await index_product(product)
        await _record_price(product, user)
        if product.stock > 0:
            await _tell_followers(product, Kind.FOLLOWED_SHOP_NEW_PRODUCT, follower_quiet_hours)
    await changes.changed(Entity.PRODUCT)
    return product


async def get_owned_product(user: User | None, product_id: int) -> Product:
    seller = require_role(user, Role.SELLER)
    product = await Product.get_or_none(id=product_id).select_related("shop")
    if product is None or product.shop.owner_id != seller.id:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.NOT_FOUND, "No product of yours has this id", "productId")
    return product


async def update_product(user: User | None, product_id: int, draft: ProductDraft, *,
                         follower_quiet_hours: int = FOLLOWER_QUIET_HOURS) -> Product:
    product = await get_owned_product(user, product_id)
    values = await _clean(draft, creating=False)
    if values:
        before, was_out = _price_of(product), product.stock == 0
        product.update_from_dict(values)
        _keep_unit_price(product)
        async with in_transaction():
            await product.save()
            if values.keys() & SEARCHED_FIELDS:
                await index_product(product)
            if _price_of(product) != before:
                await _record_price(product, user)
            if was_out and product.stock > 0:
                await _tell_followers(product, Kind.FOLLOWED_SHOP_RESTOCKED, follower_quiet_hours)
        await changes.changed(Entity.PRODUCT)
    return product


def _price_of(product: Product) -> tuple[int, tuple[int, str] | None]:
    return product.price, price_per_base_unit(product)


async def _record_price(product: Product, user: User | None) -> None:
    """Every price a product has, for the city's price watch (city/price_watch.py); in the caller's transaction."""
    per = price_per_base_unit(product)
    await PriceChange.create(product_id=product.id, price=product.price, unit_price=per[0] if per else None,
                             per=PriceUnit(per[1]) if per else None, changed_by_id=user.id if user else None)


async def set_stock(user: User | None, product_id: int, stock: int, *,
                    follower_quiet_hours: int = FOLLOWER_QUIET_HOURS) -> Product:
    product = await get_owned_product(user, product_id)
    if not 0 <= stock <= MAX_STOCK:
        raise DomainError(ErrorCode.INVALID, f"Stock must be 0 to {MAX_STOCK}", "stock")
    async with in_transaction():
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
    """Price per kg or per litre in whole rupiah, rounded half up (as the analytics SQL does), so packs of different
    sizes compare; None when unknowable."""
    return unit_price_of(product.price, product.unit, product.pack_size, product.net_weight_grams)


def unit_price_of(price: int, unit: str, pack_size: Decimal | str | float, net_weight_grams: int | None
                  ) -> tuple[int, str] | None:
    if unit == ProductUnit.LITRE:
        return _half_up(Decimal(price) / Decimal(str(pack_size))), "LITRE"
    if unit == ProductUnit.KG:
        return _half_up(Decimal(price) / Decimal(str(pack_size))), "KG"
    if net_weight_grams:
        return _half_up(Decimal(price) * 1000 / net_weight_grams), "KG"
    return None


def _keep_unit_price(product: Product) -> None:
    per = price_per_base_unit(product)
    product.unit_price, product.unit_price_per = (per[0], PriceUnit(per[1])) if per else (None, None)


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def can_see_product(user: User | None, product: Product) -> bool:
    """Buyers see active products of verified shops; the owner and the city see every product."""
    shop = product.shop
    if is_city(user) or (user is not None and shop.owner_id == user.id):  # type: ignore[attr-defined]
        return True
    return product.is_active and shop.status == ShopStatus.VERIFIED and can_see_shop(user, shop)


async def return_stock(product_id: int, quantity: int) -> None:
    await Product.filter(id=product_id).update(stock=F("stock") + quantity)
