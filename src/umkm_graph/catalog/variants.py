"""A product's variants (5 kg / 25 kg, medium / premium): the seller adds, edits and deactivates them, and every change
rewrites the product's summary of them (Product's docstring) and records a changed price, in one transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from umkm_graph import changes
from umkm_graph.catalog.models import PriceChange, PriceUnit, Product, ProductUnit, ProductVariant
from umkm_graph.changes import Entity
from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.text import clean_text
from umkm_graph.people.access import is_city, require_role
from umkm_graph.people.models import Role, User
from umkm_graph.shops.models import Shop

MAX_PRICE = 1_000_000_000
MAX_STOCK = 1_000_000
MAX_VARIANTS = 20
_SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")


@dataclass
class VariantDraft:
    """A variant's editable fields; on update, None means 'leave as it is'."""

    label: str | None = None
    sku: str | None = None  # "" removes it
    pack_size: Decimal | None = None
    net_weight_grams: int | None = None
    price: int | None = None
    stock: int | None = None


def clean_pack(check: Validator, draft: VariantDraft) -> dict[str, object]:
    """Pack size, net weight, price and stock checked (what a product's own input shares with a variant's)."""
    values: dict[str, object] = {}
    if draft.pack_size is not None:
        try:
            size = Decimal(str(draft.pack_size))
            ok = size.is_finite() and Decimal("0.001") <= size <= Decimal(10_000)
        except InvalidOperation:
            ok = False
        check.check(ok, "packSize", "Pack size must be between 0.001 and 10000")
        if ok:
            values["pack_size"] = size.quantize(Decimal("0.001"))
    if draft.net_weight_grams is not None:
        check.check(1 <= draft.net_weight_grams <= 1_000_000, "netWeightGrams",
                    "Net weight must be 1 to 1000000 grams")
        values["net_weight_grams"] = draft.net_weight_grams
    if draft.price is not None:
        check.check(1 <= draft.price <= MAX_PRICE, "price", f"Price must be 1 to {MAX_PRICE} rupiah")
        values["price"] = draft.price
    if draft.stock is not None:
        check.check(0 <= draft.stock <= MAX_STOCK, "stock", f"Stock must be 0 to {MAX_STOCK}")
        values["stock"] = draft.stock
    return values


async def _clean(draft: VariantDraft, shop_id: int, variant_id: int | None, creating: bool) -> dict[str, object]:
    check = Validator(["input"])
    if creating:
        check.check(draft.price is not None, "price", "price is required", ErrorCode.REQUIRED)
        check.check(bool((draft.label or "").strip()), "label", "label is required, e.g. 5 kg or premium",
                    ErrorCode.REQUIRED)
    values = clean_pack(check, draft)
    if draft.label is not None and (draft.label.strip() or not creating):
        values["label"] = clean_text(check, "label", draft.label, label="Label", max_length=60)
    if draft.sku is not None:
        sku = draft.sku.strip()
        if sku and not _SKU.fullmatch(sku):
            check.add("sku", "An SKU is 1 to 40 letters, digits, dots, hyphens or underscores")
        elif sku and await ProductVariant.filter(shop_id=shop_id, sku=sku).exclude(id=variant_id or 0).exists():
            check.add("sku", f"Your shop already has a variant with SKU {sku}", ErrorCode.ALREADY_EXISTS)
        values["sku"] = sku or None
    check.raise_if_any()
    return values


def sees_inactive(user: User | None, shop: Shop) -> bool:
    """The shop's owner and the city see deactivated variants; buyers only those on sale."""
    return is_city(user) or (user is not None and shop.owner_id == user.id)  # type: ignore[attr-defined]


async def get_owned_product(user: User | None, product_id: int) -> Product:
    """The seller's own product, with its shop; NOT_FOUND (productId) for anyone else's."""
    seller = require_role(user, Role.SELLER)
    product = await Product.get_or_none(id=product_id).select_related("shop")
    if product is None or product.shop.owner_id != seller.id:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.NOT_FOUND, "No product of yours has this id", "productId")
    return product


async def _owned_variant(user: User | None, variant_id: int) -> ProductVariant:
    seller = require_role(user, Role.SELLER)
    variant = await ProductVariant.get_or_none(id=variant_id).select_related("product__shop")
    if variant is None or variant.product.shop.owner_id != seller.id:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.NOT_FOUND, "No variant of yours has this id", "id")
    return variant


async def add_variant(user: User | None, product_id: int, draft: VariantDraft) -> Product:
    """A new variant of the seller's product, active, after the others."""
    product = await get_owned_product(user, product_id)
    values = await _clean(draft, product.shop_id, None, creating=True)  # type: ignore[attr-defined]
    existing = await ProductVariant.filter(product_id=product.id).order_by("-position").first()
    if await ProductVariant.filter(product_id=product.id).count() >= MAX_VARIANTS:
        raise DomainError(ErrorCode.LIMIT_REACHED, f"A product has at most {MAX_VARIANTS} variants", "productId")
    variant = ProductVariant(product=product, shop_id=product.shop_id,  # type: ignore[attr-defined]
                             position=existing.position + 1 if existing else 0,
                             **{"pack_size": product.pack_size, "net_weight_grams": product.net_weight_grams, **values})
    await _write(variant, product, user, price_changed=True)
    return product


async def update_variant(user: User | None, variant_id: int, draft: VariantDraft) -> Product:
    variant = await _owned_variant(user, variant_id)
    product = variant.product
    values = await _clean(draft, product.shop_id, variant.id, creating=False)  # type: ignore[attr-defined]
    if values:
        before = (variant.price, variant.unit_price)
        variant.update_from_dict(values)
        await _write(variant, product, user, price_changed=before != (variant.price, _unit(variant, product)[0]))
    return product


async def _write(variant: ProductVariant, product: Product, user: User | None, *, price_changed: bool) -> None:
    async with in_transaction():
        await lock_product(product.id)
        await save_variant(variant, product, user, price_changed=price_changed)
        await summarise(product)
    await changes.changed(Entity.PRODUCT)


async def set_variant_active(user: User | None, variant_id: int, active: bool) -> Product:
    """Deactivate (buyers can no longer pick it; its orders keep it) or reactivate a variant; a product keeps one."""
    variant = await _owned_variant(user, variant_id)
    product = variant.product
    if not active and variant.is_active and not await ProductVariant.filter(
            product_id=product.id, is_active=True).exclude(id=variant.id).exists():
        raise DomainError(ErrorCode.INVALID, "A product keeps at least one active variant; deactivate the product "
                          "instead (updateProduct isActive)", "id")
    async with in_transaction():
        await lock_product(product.id)
        await ProductVariant.filter(id=variant.id).update(is_active=active)
        await summarise(product)
    await changes.changed(Entity.PRODUCT)
    return product


async def lock_product(product_id: int) -> None:
    """Lock the product's row first in a transaction that changes its variants, as checkout does (product, then
    variants), so the two cannot deadlock and the stock total is summed from settled rows (a no-op on SQLite)."""
    await Product.filter(id=product_id).select_for_update().values_list("id", flat=True)


async def save_variant(variant: ProductVariant, product: Product, user: User | None, *, price_changed: bool) -> None:
    """Save with its unit price worked out, and record its price when it changed; in the caller's transaction."""
    per = _unit(variant, product)
    variant.unit_price, variant.unit_price_per = per
    await variant.save()
    if price_changed:
        await PriceChange.create(product_id=product.id, variant_id=variant.id, price=variant.price,
                                 unit_price=per[0], per=per[1], changed_by_id=user.id if user else None)


async def summarise(product: Product) -> None:
    """Rewrite the product's summary of its active variants (Product's docstring), and set it on `product` too."""
    active = await ProductVariant.filter(product_id=product.id, is_active=True).order_by("price", "position", "id")
    if not active:
        return
    cheapest = active[0]
    priced = [v for v in active if v.unit_price is not None]
    best = min(priced, key=lambda v: (v.unit_price, v.position)) if priced else None
    product.update_from_dict({
        "price": cheapest.price, "price_max": max(v.price for v in active), "pack_size": cheapest.pack_size,
        "net_weight_grams": cheapest.net_weight_grams,
        "unit_price": best.unit_price if best else None, "unit_price_per": best.unit_price_per if best else None,
    })
    await Product.filter(id=product.id).update(
        price=product.price, price_max=product.price_max, pack_size=product.pack_size,
        net_weight_grams=product.net_weight_grams, unit_price=product.unit_price, unit_price_per=product.unit_price_per)
    await refresh_stock(product)


async def refresh_stock(product: Product) -> None:
    """The product's stock as the sum of its active variants', in one statement (a checkout may be taking some)."""
    total = sum(v.stock for v in await ProductVariant.filter(product_id=product.id, is_active=True))
    await Product.filter(id=product.id).update(stock=total)
    product.stock = total


async def only_variant(product: Product, field: str) -> ProductVariant:
    """The product's one variant, for the fields a product with one variant still takes directly (price, stock, ...);
    INVALID naming `field` when it has several."""
    found = await ProductVariant.filter(product_id=product.id).order_by("position", "id").limit(2)
    if len(found) != 1:
        raise DomainError(ErrorCode.INVALID, "This product has variants: set each variant's own (updateVariant)", field)
    return found[0]


def _unit(variant: ProductVariant, product: Product) -> tuple[int | None, PriceUnit | None]:
    per = unit_price_of(variant.price, product.unit, variant.pack_size, variant.net_weight_grams)
    return (per[0], PriceUnit(per[1])) if per else (None, None)


def unit_price_of(price: int, unit: str, pack_size: Decimal | str | float, net_weight_grams: int | None
                  ) -> tuple[int, str] | None:
    """Price per kg or per litre in whole rupiah, rounded half up (as the analytics SQL does), so packs of different
    sizes compare; None when unknowable."""
    if unit == ProductUnit.LITRE:
        return _half_up(Decimal(price) / Decimal(str(pack_size))), "LITRE"
    if unit == ProductUnit.KG:
        return _half_up(Decimal(price) / Decimal(str(pack_size))), "KG"
    if net_weight_grams:
        return _half_up(Decimal(price) * 1000 / net_weight_grams), "KG"
    return None


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


async def return_stock(variant_id: int | None, product_id: int, quantity: int) -> None:
    """Stock an order gave back: to its variant (lines from before variants name none: the product's first), and to
    the product's total."""
    if variant_id is None:
        first = await ProductVariant.filter(product_id=product_id).order_by("position", "id").first()
        variant_id = first.id if first else None
    if variant_id is None:
        return
    if await ProductVariant.filter(id=variant_id, is_active=True).update(stock=F("stock") + quantity):
        await Product.filter(id=product_id).update(stock=F("stock") + quantity)
    else:  # a deactivated variant's stock is not the product's to sell
        await ProductVariant.filter(id=variant_id).update(stock=F("stock") + quantity)


DRAFT_FIELDS = tuple(f.name for f in fields(VariantDraft))
