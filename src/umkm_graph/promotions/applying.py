"""Voucher codes applied to a checkout's orders, before anything is written: which promotion takes what off which line
of which order, or refuses with a coded error. Nothing here is taken yet: promotions/redeem.py takes the uses and the
budget in the transaction that writes the orders, and refuses again if they ran out meanwhile.

The checkout describes its orders as Baskets (promotions knows nothing of checkout), and gets Grants back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from umkm_graph.catalog.models import Category
from umkm_graph.core.wib import WIB
from umkm_graph.people.models import User
from umkm_graph.promotions import errors
from umkm_graph.promotions.grants import grants_held
from umkm_graph.promotions.models import Funder, Promotion, PromotionKind, PromotionProduct, PromotionUse, RewardFor
from umkm_graph.promotions.pricing import delivery_discount, goods_discount
from umkm_graph.shops.models import ShopStatus

MAX_CODES = 3  # one per place: the shop's discount, the city's discount, free delivery


@dataclass(frozen=True)
class BasketLine:
    product_id: int
    category_id: int
    line_total: int


@dataclass
class Basket:
    """One order of the checkout, as promotions sees it."""

    shop_id: int
    shop_status: ShopStatus
    lines: list[BasketLine]
    delivery_fee: int
    grants: list[Grant] = field(default_factory=list)

    def remaining(self, product_id: int, line_total: int) -> int:
        """What is left to pay of a line after the grants so far."""
        return line_total - sum(g.lines.get(product_id, 0) for g in self.grants)


@dataclass
class Grant:
    """What one promotion takes off one order: per product of its lines, and off the delivery fee."""

    promotion: Promotion
    position: int  # of the code in the input, for errors at redemption
    lines: dict[int, int] = field(default_factory=dict)
    delivery: int = 0

    @property
    def amount(self) -> int:
        return sum(self.lines.values()) + self.delivery


def place_of(promotion: Promotion) -> str:
    """The stacking place a promotion takes: at most one code per place per checkout."""
    if promotion.kind == PromotionKind.FREE_DELIVERY:
        return "free delivery"
    return "a discount of the shop" if promotion.funder == Funder.SHOP else "a discount of the city"


async def apply_codes(buyer: User, codes: list[str], baskets: list[Basket], now: dt.datetime) -> list[Grant]:
    """Every code's grants, added to the baskets' grants; the first refusal raised. Shop discounts go first, then the
    city's on what is left of each line, then free delivery."""
    if not codes:
        return []
    if len(codes) > MAX_CODES:
        raise errors.refused(errors.ErrorCode.INVALID, f"A checkout takes at most {MAX_CODES} voucher codes", None)
    wanted = [code.strip().upper() for code in codes]
    found = {p.code: p for p in await Promotion.filter(code__in=wanted)}
    taken: dict[str, str] = {}
    promotions: list[tuple[int, Promotion]] = []
    for position, code in enumerate(wanted):
        promotion = found.get(code)
        if promotion is None or code in (p.code for _, p in promotions):
            raise errors.unknown(code, position) if promotion is None else errors.refused(
                errors.ErrorCode.INVALID, f"Voucher {code} is given twice", position)
        _check_dates(promotion, position, now)
        place = place_of(promotion)
        if place in taken:
            raise errors.not_stackable(code, taken[place], place, position)
        taken[place] = code
        promotions.append((position, promotion))
    promotions.sort(key=lambda pair: (pair[1].kind == PromotionKind.FREE_DELIVERY, pair[1].funder != Funder.SHOP))
    context = await _Context.load(buyer, [p for _, p in promotions], baskets)
    granted: list[Grant] = []
    for position, promotion in promotions:
        if promotion.funder == Funder.CITY:
            _check_buyer(promotion, buyer, position, now)
            if promotion.reward_for != RewardFor.NONE and context.held.get(promotion.id, 0) <= \
                    context.used.get(promotion.id, 0):
                raise errors.not_eligible(f"Programme {promotion.code} is a reward for referrals that bought: you "
                                          "hold no unused voucher of it", position)
        granted += await _grant(promotion, position, baskets, context)
    return granted


def _check_dates(promotion: Promotion, position: int, now: dt.datetime) -> None:
    if promotion.ended_at is not None or now >= promotion.ends_at:
        raise errors.expired(promotion.code, position)
    if now < promotion.starts_at:
        raise errors.not_started(promotion.code, promotion.starts_at.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB"),
                                 position)


def _check_buyer(promotion: Promotion, buyer: User, position: int, now: dt.datetime) -> None:
    """A city programme's rules about the buyer and the day."""
    roles = [r for r in promotion.roles.split(",") if r]
    if roles and buyer.role.value not in roles:
        raise errors.not_eligible(f"Programme {promotion.code} is for {', '.join(roles)} accounts", position)
    if promotion.asn_only and not buyer.is_asn:
        raise errors.not_eligible(f"Programme {promotion.code} is for ASN; register your NIP first", position)
    opds = [o.strip().casefold() for o in promotion.opds.split(",") if o.strip()]
    if opds and (buyer.opd or "").strip().casefold() not in opds:
        raise errors.not_eligible(f"Programme {promotion.code} is for ASN of {promotion.opds}", position)
    if promotion.weekdays and str(now.astimezone(WIB).isoweekday()) not in promotion.weekdays:
        days = ", ".join(DAY_NAMES[int(d) - 1] for d in promotion.weekdays)
        raise errors.not_eligible(f"Programme {promotion.code} runs on {days} (WIB) only", position)


DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


@dataclass
class _Context:
    """What the rules read besides the promotions: their products, the categories' parents, the buyer's uses."""

    products: dict[int, set[int]]  # promotion id -> its products (none: the whole shop)
    parents: dict[int, int | None]  # category id -> its parent's id
    used: dict[int, int]  # promotion id -> this buyer's uses not given back
    held: dict[int, int]  # reward programme id -> the grants this buyer holds

    @classmethod
    async def load(cls, buyer: User, promotions: list[Promotion], baskets: list[Basket]) -> _Context:
        ids = [p.id for p in promotions]
        products: dict[int, set[int]] = {i: set() for i in ids}
        for link in await PromotionProduct.filter(promotion_id__in=ids):
            products[link.promotion_id].add(link.product_id)  # type: ignore[attr-defined]
        used: dict[int, int] = {}
        for use in await PromotionUse.filter(promotion_id__in=ids, buyer_id=buyer.id, returned_at__isnull=True):
            used[use.promotion_id] = used.get(use.promotion_id, 0) + 1  # type: ignore[attr-defined]
        parents: dict[int, int | None] = {}
        if any(p.category_id is not None for p in promotions):  # type: ignore[attr-defined]
            wanted = {line.category_id for basket in baskets for line in basket.lines}
            for category in await Category.filter(id__in=wanted):
                parents[category.id] = category.parent_id  # type: ignore[attr-defined]
        rewards = [p.id for p in promotions if p.reward_for != RewardFor.NONE]
        held = await grants_held(buyer.id, rewards) if rewards else {}
        return cls(products, parents, used, held)

    def in_category(self, category_id: int, wanted: int) -> bool:
        return category_id == wanted or self.parents.get(category_id) == wanted


async def _grant(promotion: Promotion, position: int, baskets: list[Basket], context: _Context) -> list[Grant]:
    grants: list[Grant] = []
    short: tuple[int, int] | None = None  # (needed, spent) of the best basket below the minimum spend
    for basket in baskets:
        lines = _eligible(promotion, basket, context)
        if not lines:
            continue
        spent = sum(line.line_total for line in lines)
        if spent < promotion.min_spend:
            short = max(short or (0, 0), (promotion.min_spend, spent), key=lambda pair: pair[1])
            continue
        grant = Grant(promotion, position)
        if promotion.kind == PromotionKind.FREE_DELIVERY:
            grant.delivery = delivery_discount(basket.delivery_fee, promotion.max_discount)
        else:
            remaining = [basket.remaining(line.product_id, line.line_total) for line in lines]
            shares = goods_discount(promotion.kind, promotion.value, promotion.max_discount, remaining)
            grant.lines = {line.product_id: share for line, share in zip(lines, shares, strict=True) if share}
        if grant.amount:
            basket.grants.append(grant)
            grants.append(grant)
    if not grants:
        if short is not None:
            raise errors.min_spend(promotion.code, short[0], short[1], position)
        what = "no order with a delivery fee" if promotion.kind == PromotionKind.FREE_DELIVERY else "no product"
        raise errors.not_eligible(f"Voucher {promotion.code} applies to {what} of this cart", position)
    _check_counts(promotion, position, grants, context)
    return grants


def _eligible(promotion: Promotion, basket: Basket, context: _Context) -> list[BasketLine]:
    """The basket's lines the promotion covers (for free delivery: the lines that count towards its minimum spend)."""
    if promotion.kind == PromotionKind.FREE_DELIVERY and basket.delivery_fee <= 0:
        return []
    if promotion.funder == Funder.SHOP:
        if basket.shop_id != promotion.shop_id:  # type: ignore[attr-defined]
            return []
        chosen = context.products[promotion.id]
        return [line for line in basket.lines if not chosen or line.product_id in chosen]
    if promotion.verified_shops_only and basket.shop_status != ShopStatus.VERIFIED:
        return []
    category: int | None = promotion.category_id  # type: ignore[attr-defined]
    return [line for line in basket.lines if category is None or context.in_category(line.category_id, category)]


def per_buyer_cap(promotion: Promotion, held: int) -> int:
    """The uses one buyer may have; 0: no cap. A reward programme's buyer has as many as they hold grants."""
    if promotion.reward_for == RewardFor.NONE:
        return promotion.max_uses_per_buyer
    return min(held, promotion.max_uses_per_buyer) if promotion.max_uses_per_buyer else held


def _check_counts(promotion: Promotion, position: int, grants: list[Grant], context: _Context) -> None:
    """The caps and the budget as they stand now; redeem.py checks them again where it counts, in the write."""
    cap = per_buyer_cap(promotion, context.held.get(promotion.id, 0))
    if cap and context.used.get(promotion.id, 0) + len(grants) > cap:
        raise errors.buyer_cap_reached(promotion.code, cap, position)
    if promotion.max_uses and promotion.uses + len(grants) > promotion.max_uses:
        raise errors.cap_reached(promotion.code, position)
    if promotion.budget and promotion.spent + sum(g.amount for g in grants) > promotion.budget:
        raise errors.budget_exhausted(promotion.code, position)
