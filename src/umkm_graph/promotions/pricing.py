"""The arithmetic of discounts, in integer rupiah and nothing else: how much a promotion takes off each line of an order,
or off its delivery fee.

Rounding, written down: a PERCENT_OFF discount is floored per line (floor(line total x percent / 100)), so no line ever
gives more than its percent. Where one amount must be split over lines (an AMOUNT_OFF, or a percent capped by the
promotion's max_discount), each line gets its pro rata share floored, and the rupiah left over go one each to the lines
with the largest remainders (the earlier line on a tie): the shares sum to the amount exactly, and no line gets more
than it costs.
"""

from __future__ import annotations

from umkm_graph.promotions.models import PromotionKind


def allocate(total: int, weights: list[int]) -> list[int]:
    """`total` split over `weights` pro rata (floors, then the largest remainders); sums to `total` when it is at most
    sum(weights)."""
    whole = sum(weights)
    if whole <= 0 or total <= 0:
        return [0] * len(weights)
    shares = [total * weight // whole for weight in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def goods_discount(kind: PromotionKind, value: int, max_discount: int, remaining: list[int]) -> list[int]:
    """Each eligible line's discount, given what is left to pay of each line (after discounts applied before)."""
    if kind == PromotionKind.PERCENT_OFF:
        shares = [amount * value // 100 for amount in remaining]
        if max_discount and sum(shares) > max_discount:
            shares = allocate(max_discount, remaining)
        return shares
    off = min(value, sum(remaining), max_discount or value)
    return allocate(off, remaining)


def delivery_discount(fee: int, max_discount: int) -> int:
    """A free-delivery voucher's part of the fee: all of it, or up to max_discount when set."""
    return min(fee, max_discount) if max_discount else fee
