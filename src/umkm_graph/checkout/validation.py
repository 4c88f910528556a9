"""A buyer's cart checked against the catalog: every line's quantity, product, shop and stock, all errors at once.

Duplicate lines of one product are rejected, not merged, so every error points at the one line to fix.
"""

from __future__ import annotations

from dataclasses import dataclass

from umkm_graph.catalog.models import Product
from umkm_graph.checkout.sql import cart_products
from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.delivery.parcels import MAX_LINES, MAX_QUANTITY, CartLine
from umkm_graph.people.models import User
from umkm_graph.shops.models import ShopStatus


@dataclass
class CheckedLine:
    """A cart line that can be bought: its product, loaded with its shop."""

    index: int  # position in the input, for error paths
    product: Product
    quantity: int


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
        product = products.get(line.product_id)
        if product is None or product.shop.status != ShopStatus.VERIFIED:
            check.add(f"lines.{i}.productId", "No product on sale has this id", ErrorCode.NOT_FOUND)
        elif product.shop.owner_id == buyer.id:  # type: ignore[attr-defined]
            check.add(f"lines.{i}.productId", "You cannot buy from your own shop", ErrorCode.FORBIDDEN)
        elif not product.is_active:
            check.add(f"lines.{i}.productId", f"{product.name} is no longer on sale", ErrorCode.NOT_AVAILABLE)
        elif 1 <= line.quantity <= MAX_QUANTITY and product.stock < line.quantity:
            left = f"only {product.stock} left" if product.stock else "out of stock"
            check.add(f"lines.{i}.quantity", f"{product.name} is {left}", ErrorCode.OUT_OF_STOCK)
        else:
            lines.append(CheckedLine(i, product, line.quantity))
    check.raise_if_any()
    return lines
