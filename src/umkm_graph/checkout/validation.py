"""A buyer's cart checked against the catalog: every line's quantity, product, variant, shop and stock, all errors at
once.

Duplicate lines of one product are rejected, not merged, so every error points at the one line to fix (so a checkout
buys one variant of a product). A line names its variant, or its product has only one on sale.
"""

from __future__ import annotations

from dataclasses import dataclass

from umkm_graph.catalog.models import Product, ProductVariant
from umkm_graph.checkout.sql import cart_products
from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.delivery.parcels import MAX_LINES, MAX_QUANTITY, CartLine
from umkm_graph.people.models import User
from umkm_graph.shops.models import ShopStatus


@dataclass
class CheckedLine:
    """A cart line that can be bought: its product, loaded with its shop and priced, packed and stocked as the
    variant (so parcels, plans and holds read a line's product alone), and the variant."""

    index: int  # position in the input, for error paths
    product: Product
    quantity: int
    variant: ProductVariant

    @property
    def name(self) -> str:
        """What the order line calls it: the product's name, and the variant's label when it has one."""
        return f"{self.product.name} ({self.variant.label})"[:160] if self.variant.label else self.product.name


def as_variant(product: Product, variant: ProductVariant) -> Product:
    """The product priced, packed and stocked as this variant (an instance for this request, never saved)."""
    product.price, product.stock = variant.price, variant.stock
    product.pack_size, product.net_weight_grams = variant.pack_size, variant.net_weight_grams
    return product


def pick_variant(product: Product, variants: list[ProductVariant], variant_id: int | None
                 ) -> tuple[ProductVariant | None, str]:
    """The variant a line names (or the product's only one on sale), else None and why."""
    on_sale = [v for v in variants if v.is_active]
    if variant_id is None:
        if len(on_sale) == 1:
            return on_sale[0], ""
        labels = ", ".join(v.label or str(v.id) for v in on_sale)
        return None, f"{product.name} comes in variants ({labels}): choose one"
    found = next((v for v in variants if v.id == variant_id), None)
    if found is None:
        return None, f"{product.name} has no variant of this id"
    return (found, "") if found.is_active else (None, f"{product.name} {found.label} is no longer on sale")


async def check_lines(buyer: User, cart: list[CartLine]) -> list[CheckedLine]:
    """The lines, each with its product; a DomainError naming every line that cannot be bought, and why."""
    check = Validator(["input"])
    if not cart:
        raise DomainError(ErrorCode.REQUIRED, "The cart is empty", ["input", "lines"])
    if len(cart) > MAX_LINES:
        raise DomainError(ErrorCode.INVALID, f"A checkout takes at most {MAX_LINES} lines", ["input", "lines"])
    first_line: dict[int, int] = {}
    for i, line in enumerate(cart):
        check.check(1 <= line.quantity <= MAX_QUANTITY, f"lines.{i}.quantity", f"Quantity must be 1 to {MAX_QUANTITY}")
        if line.product_id in first_line:
            check.add(f"lines.{i}.productId",
                      f"This product is already on line {first_line[line.product_id] + 1}; put the whole quantity there")
        else:
            first_line[line.product_id] = i
    products = await cart_products(list(first_line))
    lines: list[CheckedLine] = []
    for i, line in enumerate(cart):
        if first_line[line.product_id] != i:
            continue
        product, variants = products.get(line.product_id, (None, []))
        variant, why = (None, "") if product is None else pick_variant(product, variants, line.variant_id)
        if product is None or product.shop.status != ShopStatus.VERIFIED:
            check.add(f"lines.{i}.productId", "No product on sale has this id", ErrorCode.NOT_FOUND)
        elif product.shop.owner_id == buyer.id:  # type: ignore[attr-defined]
            check.add(f"lines.{i}.productId", "You cannot buy from your own shop", ErrorCode.FORBIDDEN)
        elif not product.is_active:
            check.add(f"lines.{i}.productId", f"{product.name} is no longer on sale", ErrorCode.NOT_AVAILABLE)
        elif variant is None:
            check.add(f"lines.{i}.variantId", why,
                      ErrorCode.REQUIRED if line.variant_id is None else ErrorCode.NOT_AVAILABLE)
        elif 1 <= line.quantity <= MAX_QUANTITY and variant.stock < line.quantity:
            left = f"only {variant.stock} left" if variant.stock else "out of stock"
            check.add(f"lines.{i}.quantity", f"{product.name} is {left}", ErrorCode.OUT_OF_STOCK)
        else:
            lines.append(CheckedLine(i, as_variant(product, variant), line.quantity, variant))
    check.raise_if_any()
    return lines
