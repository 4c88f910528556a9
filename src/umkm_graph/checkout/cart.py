"""A cart on the server: a person's lines survive devices, each says what changed since it was added (price, stock,
product gone, shop suspended), and checking out from it empties it in the transaction that writes the orders."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from umkm_graph.catalog.models import Product, ProductVariant
from umkm_graph.checkout.models import CartItem
from umkm_graph.checkout.validation import as_variant, pick_variant
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.delivery.parcels import MAX_LINES, MAX_QUANTITY, CartLine
from umkm_graph.people.access import require_role
from umkm_graph.people.models import Role, User
from umkm_graph.shops.models import ShopStatus


class CartChange(str, enum.Enum):
    PRICE_CHANGED = "PRICE_CHANGED"  # the price now differs from the price when added
    NOT_ENOUGH_STOCK = "NOT_ENOUGH_STOCK"  # fewer left than the line's quantity
    OUT_OF_STOCK = "OUT_OF_STOCK"
    PRODUCT_GONE = "PRODUCT_GONE"  # no longer on sale
    SHOP_SUSPENDED = "SHOP_SUSPENDED"  # the shop is not selling (suspended by the city)


@dataclass(frozen=True)
class CartEntry:
    item: CartItem
    product: Product  # priced and stocked as the line's variant
    changes: list[CartChange]
    variant: ProductVariant | None = None

    @property
    def buyable(self) -> bool:
        return not ({CartChange.PRODUCT_GONE, CartChange.SHOP_SUSPENDED, CartChange.OUT_OF_STOCK} & set(self.changes))


def changes_of(item: CartItem, product: Product) -> list[CartChange]:
    found: list[CartChange] = []
    if product.shop.status != ShopStatus.VERIFIED:
        found.append(CartChange.SHOP_SUSPENDED)
    if not product.is_active:
        found.append(CartChange.PRODUCT_GONE)
    if product.price != item.price_when_added:
        found.append(CartChange.PRICE_CHANGED)
    if product.stock == 0:
        found.append(CartChange.OUT_OF_STOCK)
    elif product.stock < item.quantity:
        found.append(CartChange.NOT_ENOUGH_STOCK)
    return found


def _shopper(user: User | None) -> User:
    return require_role(user, Role.BUYER, Role.SELLER)


async def my_cart(user: User | None) -> list[CartEntry]:
    """The cart's lines, oldest first, each with its product as it is now and what changed."""
    owner = _shopper(user)
    items = await CartItem.filter(user_id=owner.id).order_by("added_at", "id").select_related("product__shop", "variant")
    entries = []
    for item in items:
        variant = item.variant
        product = item.product if variant is None else as_variant(item.product, variant)
        gone = variant is not None and not variant.is_active
        found = changes_of(item, product)
        entries.append(CartEntry(item, product, [CartChange.PRODUCT_GONE, *found] if gone else found, variant))
    return entries


async def _on_sale(owner: User, product_id: int, variant_id: int | None) -> tuple[Product, ProductVariant]:
    """The product, priced and stocked as the variant asked for (or its only one on sale), and the variant."""
    product = await _product_on_sale(owner, product_id)
    variant, why = pick_variant(product, await ProductVariant.filter(product_id=product.id), variant_id)
    if variant is None:
        raise DomainError(ErrorCode.REQUIRED if variant_id is None else ErrorCode.NOT_AVAILABLE, why, "variantId")
    return as_variant(product, variant), variant


async def _product_on_sale(owner: User, product_id: int) -> Product:
    product = await Product.get_or_none(id=product_id).select_related("shop")
    if product is None or (product.shop.status == ShopStatus.PENDING):
        raise DomainError(ErrorCode.NOT_FOUND, "No product on sale has this id", "productId")
    if product.shop.status != ShopStatus.VERIFIED:
        raise DomainError(ErrorCode.NOT_AVAILABLE, f"{product.shop.name} is not selling now", "productId")
    if not product.is_active:
        raise DomainError(ErrorCode.NOT_AVAILABLE, f"{product.name} is no longer on sale", "productId")
    if product.shop.owner_id == owner.id:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.FORBIDDEN, "You cannot buy from your own shop", "productId")
    return product


def _check_quantity(quantity: int, product: Product) -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise DomainError(ErrorCode.INVALID, f"Quantity must be 1 to {MAX_QUANTITY}", "quantity")
    if product.stock < quantity:
        left = f"only {product.stock} left" if product.stock else "out of stock"
        raise DomainError(ErrorCode.OUT_OF_STOCK, f"{product.name} is {left}", "quantity")


async def add_to_cart(user: User | None, product_id: int, quantity: int, variant_id: int | None = None
                      ) -> list[CartEntry]:
    """Put `quantity` more of a product's variant in the cart (a new line, or more on its line); the line keeps the
    price of when it was first added, so the cart can say when it changed. One line per product, as checkout buys
    one variant of each."""
    owner = _shopper(user)
    existing = await CartItem.get_or_none(user_id=owner.id, product_id=product_id)
    if existing is not None and variant_id is None:
        variant_id = existing.variant_id  # type: ignore[attr-defined]
    product, variant = await _on_sale(owner, product_id, variant_id)
    if existing is not None and existing.variant_id != variant.id:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.INVALID, f"Your cart has another variant of {product.name}: change that line "
                          "(updateCartLine with variantId)", "variantId")
    _check_quantity(quantity + (existing.quantity if existing else 0), product)
    if existing is None:
        if await CartItem.filter(user_id=owner.id).count() >= MAX_LINES:
            raise DomainError(ErrorCode.LIMIT_REACHED, f"A cart holds at most {MAX_LINES} lines", "productId")
        try:
            await CartItem.create(user_id=owner.id, product_id=product.id, variant_id=variant.id, quantity=quantity,
                                  price_when_added=product.price)
        except IntegrityError:  # another device added the same product meanwhile: add to its line
            await CartItem.filter(user_id=owner.id, product_id=product.id).update(quantity=F("quantity") + quantity)
    else:
        await CartItem.filter(id=existing.id).update(quantity=F("quantity") + quantity)
    return await my_cart(owner)


async def set_cart_quantity(user: User | None, product_id: int, quantity: int, variant_id: int | None = None
                            ) -> list[CartEntry]:
    """Change a line's quantity (0 removes it), and its variant when one is given. Changing it also accepts the price
    as it is now."""
    owner = _shopper(user)
    item = await CartItem.get_or_none(user_id=owner.id, product_id=product_id)
    if item is None:
        raise DomainError(ErrorCode.NOT_FOUND, "This product is not in your cart", "productId")
    if quantity == 0:
        await item.delete()
        return await my_cart(owner)
    product, variant = await _on_sale(owner, product_id, variant_id or item.variant_id)  # type: ignore[attr-defined]
    _check_quantity(quantity, product)
    await CartItem.filter(id=item.id).update(quantity=quantity, variant_id=variant.id, price_when_added=product.price)
    return await my_cart(owner)


async def remove_from_cart(user: User | None, product_id: int) -> list[CartEntry]:
    owner = _shopper(user)
    if not await CartItem.filter(user_id=owner.id, product_id=product_id).delete():
        raise DomainError(ErrorCode.NOT_FOUND, "This product is not in your cart", "productId")
    return await my_cart(owner)


async def cart_lines(owner: User) -> tuple[list[CartLine], list[int]]:
    """What checkout buys from the cart, in its order, and the ids of the lines it empties."""
    items = await CartItem.filter(user_id=owner.id).order_by("added_at", "id")
    if not items:
        raise DomainError(ErrorCode.REQUIRED, "Your cart is empty", "cart")
    return ([CartLine(product_id=i.product_id, quantity=i.quantity, variant_id=i.variant_id)  # type: ignore[attr-defined]
             for i in items], [i.id for i in items])
