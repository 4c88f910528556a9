"""Promotions' rules, for sellers and the city: a seller's promotion for their shop, a city officer's programme, each
validated whole; the lists each may see; ending one early. (Applying codes at checkout: applying.py and redeem.py.)"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from tortoise.transactions import in_transaction

from umkm_graph.catalog.models import Category, Product
from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.text import clean_text
from umkm_graph.people.access import require_role
from umkm_graph.people.models import Role, User
from umkm_graph.promotions.applying import DAY_NAMES
from umkm_graph.promotions.models import Funder, Promotion, PromotionKind, PromotionProduct, RewardFor
from umkm_graph.shops.models import Shop
from umkm_graph.shops.service import get_owned_shop

CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{2,31}")
MAX_PRODUCTS = 200
MAX_RUPIAH = 100_000_000_000  # Rp100 billion: far above any real promotion, well inside a bigint


@dataclass
class PromotionDraft:
    """What a seller or an officer asks for; eligibility (roles to verified_shops_only) is for city programmes only."""

    code: str
    name: str
    kind: PromotionKind
    value: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    max_discount: int = 0
    min_spend: int = 0
    max_uses: int = 0
    max_uses_per_buyer: int = 0
    product_ids: list[int] = field(default_factory=list)  # a shop's; none: the whole shop
    budget: int = 0
    roles: list[Role] = field(default_factory=list)
    asn_only: bool = False
    opds: list[str] = field(default_factory=list)
    category: str | None = None  # a category slug; its children count too
    weekdays: list[int] = field(default_factory=list)  # ISO: 1 Monday ... 7 Sunday, in Asia/Jakarta
    verified_shops_only: bool = False
    reward_for: RewardFor = RewardFor.NONE  # a reward programme: usable by its grants' holders only (grants.py)


async def create_shop_promotion(user: User | None, shop_id: int, draft: PromotionDraft) -> Promotion:
    """A seller's promotion for their own shop, funded by the shop."""
    shop = await get_owned_shop(user, shop_id)
    check = _checked(draft)
    if draft.budget or draft.roles or draft.asn_only or draft.opds or draft.category or draft.weekdays:
        check.add("budget", "Budgets and eligibility rules are for city programmes; a shop's promotion is for every "
                  "buyer", ErrorCode.INVALID)
    products = list(dict.fromkeys(draft.product_ids))
    check.check(len(products) <= MAX_PRODUCTS, "productIds", f"At most {MAX_PRODUCTS} products")
    own = set(await Product.filter(id__in=products, shop_id=shop.id).values_list("id", flat=True))
    for i, product_id in enumerate(draft.product_ids):
        check.check(product_id in own, f"productIds.{i}", "No product of this shop has this id", ErrorCode.NOT_FOUND)
    check.raise_if_any()
    assert user is not None
    return await _save(draft, Funder.SHOP, user, shop=shop, products=products)


async def create_city_programme(user: User | None, draft: PromotionDraft) -> Promotion:
    """A city officer's programme, funded by the city up to its budget, for the buyers, days and lines it names."""
    officer = require_role(user, Role.CITY_OFFICER)
    check = _checked(draft)
    check.check(0 < draft.budget <= MAX_RUPIAH, "budget", "A programme needs a budget in rupiah, above 0",
                ErrorCode.REQUIRED if draft.budget == 0 else ErrorCode.INVALID)
    check.check(not draft.product_ids, "productIds", "A city programme names a category, not a shop's products")
    for i, day in enumerate(draft.weekdays):
        check.check(1 <= day <= 7, f"weekdays.{i}", "A weekday is 1 (Senin, Monday) to 7 (Minggu, Sunday)")
    opds = [clean_text(check, f"opds.{i}", opd, label="An OPD", max_length=120) for i, opd in enumerate(draft.opds)]
    check.check(len(",".join(opds)) <= 500, "opds", "The OPDs' names take at most 500 characters together")
    for i, opd in enumerate(opds):
        check.check("," not in opd, f"opds.{i}", "An OPD's name has no comma")
    category = None
    if draft.category is not None:
        category = await Category.get_or_none(slug=draft.category)
        check.check(category is not None, "category", f"No category has the slug {draft.category!r}",
                    ErrorCode.NOT_FOUND)
    check.raise_if_any()
    draft.opds = opds
    return await _save(draft, Funder.CITY, officer, category=category)


def _checked(draft: PromotionDraft) -> Validator:
    check = Validator(["input"])
    draft.code = draft.code.strip().upper()
    check.check(bool(CODE.fullmatch(draft.code)), "code",
                "A code is 3 to 32 letters, digits or dashes, starting with a letter or digit")
    draft.name = clean_text(check, "name", draft.name, label="A name", max_length=120)
    if draft.kind == PromotionKind.PERCENT_OFF:
        check.check(1 <= draft.value <= 100, "value", "A percentage is 1 to 100")
    elif draft.kind == PromotionKind.AMOUNT_OFF:
        check.check(0 < draft.value <= MAX_RUPIAH, "value", "An amount off is rupiah, above 0")
    else:
        check.check(draft.value == 0, "value", "Free delivery takes no value; maxDiscount caps it")
    for name in ("max_discount", "min_spend", "max_uses", "max_uses_per_buyer"):
        value = getattr(draft, name)
        check.check(0 <= value <= MAX_RUPIAH, _camel(name), "Give 0 (none) or more")
    if draft.max_uses and draft.max_uses_per_buyer > draft.max_uses:
        check.add("maxUsesPerBuyer", "One buyer cannot have more uses than the promotion has in all")
    for name in ("starts_at", "ends_at"):
        check.check(getattr(draft, name).tzinfo is not None, _camel(name), "Give the time with its zone, e.g. +07:00")
    if draft.starts_at.tzinfo is not None and draft.ends_at.tzinfo is not None:
        check.check(draft.ends_at > draft.starts_at, "endsAt", "The end comes after the start")
        check.check(draft.ends_at > dt.datetime.now(dt.UTC), "endsAt", "The end is already past")
    return check


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


async def _save(draft: PromotionDraft, funder: Funder, creator: User, *, shop: Shop | None = None,
                products: list[int] | None = None, category: Category | None = None) -> Promotion:
    if await Promotion.exists(code=draft.code):
        raise DomainError(ErrorCode.ALREADY_EXISTS, f"A voucher with the code {draft.code} exists already",
                          ["input", "code"])
    async with in_transaction():
        promotion = await Promotion.create(
            code=draft.code, name=draft.name, kind=draft.kind, value=draft.value, max_discount=draft.max_discount,
            funder=funder, shop=shop, min_spend=draft.min_spend, starts_at=draft.starts_at, ends_at=draft.ends_at,
            max_uses=draft.max_uses, max_uses_per_buyer=draft.max_uses_per_buyer, budget=draft.budget,
            roles=",".join(role.value for role in dict.fromkeys(draft.roles)), asn_only=draft.asn_only,
            opds=",".join(draft.opds), category=category,
            weekdays="".join(str(d) for d in sorted(set(draft.weekdays))),
            verified_shops_only=draft.verified_shops_only, reward_for=draft.reward_for, created_by=creator,
        )
        await PromotionProduct.bulk_create([PromotionProduct(promotion=promotion, product_id=p) for p in products or []])
    return promotion


async def shop_promotions(user: User | None, shop_id: int) -> list[Promotion]:
    """A shop's promotions, newest first, for its seller."""
    await get_owned_shop(user, shop_id)
    return await Promotion.filter(shop_id=shop_id).order_by("-created_at", "-id")


async def city_programmes(user: User | None) -> list[Promotion]:
    """The city's programmes, newest first, for city officers and analysts."""
    require_role(user, Role.CITY_OFFICER, Role.ANALYST)
    return await Promotion.filter(funder=Funder.CITY).order_by("-created_at", "-id")


async def end_promotion(user: User | None, promotion_id: int) -> Promotion:
    """Its owner (the shop's seller, or any city officer for a programme) ends it now; uses already made stand."""
    promotion = await Promotion.get_or_none(id=promotion_id).select_related("shop")
    actor = require_role(user, Role.SELLER, Role.CITY_OFFICER)
    owns = (promotion is not None and (
        (promotion.funder == Funder.SHOP and promotion.shop.owner_id == actor.id)  # type: ignore[union-attr, attr-defined]
        or (promotion.funder == Funder.CITY and actor.role == Role.CITY_OFFICER)))
    if promotion is None or not owns:
        raise DomainError(ErrorCode.NOT_FOUND, "No promotion of yours has this id", "id")
    if promotion.ended_at is None:
        promotion.ended_at = dt.datetime.now(dt.UTC)
        await Promotion.filter(id=promotion.id, ended_at__isnull=True).update(ended_at=promotion.ended_at)
    return promotion


def weekday_names(weekdays: str) -> list[str]:
    return [DAY_NAMES[int(d) - 1] for d in weekdays]


@dataclass(frozen=True)
class Shown:
    """A promotion with what its type shows besides its row: its products and its category's slug."""

    promotion: Promotion
    product_ids: list[int]
    category: str | None


async def shown(promotions: list[Promotion]) -> list[Shown]:
    """The promotions with their products and categories, in two statements whatever their number."""
    ids = [p.id for p in promotions]
    products: dict[int, list[int]] = {i: [] for i in ids}
    for link in await PromotionProduct.filter(promotion_id__in=ids).order_by("id"):
        products[link.promotion_id].append(link.product_id)  # type: ignore[attr-defined]
    wanted = {p.category_id for p in promotions if p.category_id is not None}  # type: ignore[attr-defined]
    slugs = dict(await Category.filter(id__in=wanted).values_list("id", "slug")) if wanted else {}
    return [Shown(p, products[p.id], slugs.get(p.category_id)) for p in promotions]  # type: ignore[attr-defined]
