"""What is trending: products whose recent buyers stand out against their usual level, per kecamatan and category, and
among the ASN of one OPD. The jobs compute it in SQL every UMKM_TRENDING_REFRESH_SECONDS into a run of rows; requests
only read the latest run.

The rule, so that nobody can buy a product into the list alone:
- a buyer counts once per product, however many orders or units: a product's heat is the sum, over its distinct buyers
  of the last UMKM_TRENDING_WINDOW_DAYS, of a weight that halves every HALF_LIFE_DAYS since their latest purchase;
- the shop's owner buying from their own shop never counts;
- orders count once placed (cashless ones once paid) unless cancelled;
- a product needs UMKM_TRENDING_MIN_BUYERS distinct recent buyers to trend at all, and an OPD's list needs also
  k (UMKM_MIN_GROUP_SIZE) ASN of that OPD behind each product (city/disclosure.py's rule);
- score = heat / (1 + usual), where usual is the product's distinct buyers in the BASELINE_DAYS before the window,
  scaled to the window's length: a product that always sells well needs more to trend than one that is new.
What it cannot tell apart: several accounts of one person. The minimum of distinct buyers is what raises that cost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from umkm_graph import changes
from umkm_graph.catalog.service import CATEGORY_SLUGS
from umkm_graph.changes import Entity
from umkm_graph.city import disclosure
from umkm_graph.city.analytics_sql.base import fetch
from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.paging import Page, Window, page_of
from umkm_graph.core.regions import canonical_kecamatan
from umkm_graph.growth.models import TrendingProduct, TrendingRun
from umkm_graph.orders.models import OrderStatus
from umkm_graph.people.access import require_user
from umkm_graph.people.models import User
from umkm_graph.settings import Settings
from umkm_graph.shops.models import ShopStatus

HALF_LIFE_DAYS = 3.0
BASELINE_DAYS = 28
RUNS_KEPT = 2  # the latest, and the one before for a reader that began on it
COUNTED = tuple(status.value for status in OrderStatus if status not in (OrderStatus.AWAITING_PAYMENT,
                                                                         OrderStatus.CANCELLED))


@dataclass(frozen=True)
class TrendingRules:
    window_days: int = 7
    min_buyers: int = 3
    k: int = 5  # UMKM_MIN_GROUP_SIZE, for the OPDs' lists
    refresh_seconds: float = 900.0


def rules_of(settings: Settings) -> TrendingRules:
    return TrendingRules(window_days=settings.trending_window_days, min_buyers=settings.trending_min_buyers,
                         k=settings.min_group_size, refresh_seconds=settings.trending_refresh_seconds)


def _weight(days_ago: int) -> float:
    return round(0.5 ** (days_ago / HALF_LIFE_DAYS), 6)


def _heat(window_days: int) -> str:
    """The weight of a buyer by the whole days since their latest purchase, as CASE steps on :day_N boundaries."""
    steps = " ".join(f"WHEN b.last_at >= :day_{n + 1} THEN {_weight(n)}" for n in range(window_days))
    return f"CASE {steps} ELSE 0 END"


def _statement(window_days: int, by_opd: bool) -> str:
    opd_column, opd_join, asn_only = ("u.opd", "JOIN users u ON u.id = o.buyer_id",
                                      "AND u.nip IS NOT NULL AND u.opd IS NOT NULL") if by_opd else ("NULL", "", "")
    group_opd = ", b.opd" if by_opd else ""
    return f"""
SELECT b.product_id AS product_id, {'b.opd' if by_opd else 'NULL'} AS opd, s.kecamatan AS kecamatan,
       c.slug AS category, COALESCE(parent.slug, '') AS parent_category,
       SUM({_heat(window_days)}) AS heat,
       COUNT(CASE WHEN b.last_at >= :recent_start THEN 1 END) AS buyers,
       COUNT(CASE WHEN b.first_at < :recent_start THEN 1 END) AS usual_buyers
FROM (
    SELECT l.product_id AS product_id, o.buyer_id AS buyer_id, {opd_column} AS opd,
           MAX(o.created_at) AS last_at, MIN(o.created_at) AS first_at
    FROM order_lines l
    JOIN orders o ON o.id = l.order_id
    JOIN shops seller ON seller.id = o.shop_id
    {opd_join}
    WHERE o.created_at >= :baseline_start AND o.created_at < :now AND o.status IN :counted
      AND o.buyer_id <> seller.owner_id {asn_only}
    GROUP BY l.product_id, o.buyer_id{', u.opd' if by_opd else ''}
) b
JOIN products p ON p.id = b.product_id
JOIN shops s ON s.id = p.shop_id
JOIN categories c ON c.id = p.category_id
LEFT JOIN categories parent ON parent.id = c.parent_id
WHERE p.is_active AND s.status = :verified
GROUP BY b.product_id{group_opd}, s.kecamatan, c.slug, parent.slug
HAVING COUNT(CASE WHEN b.last_at >= :recent_start THEN 1 END) >= :min_buyers
"""


async def _rows(rules: TrendingRules, now: dt.datetime, by_opd: bool) -> list[TrendingProduct]:
    recent_start = now - dt.timedelta(days=rules.window_days)
    days = {f"day_{n}": now - dt.timedelta(days=n) for n in range(1, rules.window_days + 1)}
    found = await fetch(_statement(rules.window_days, by_opd), now=now, recent_start=recent_start,
                        baseline_start=recent_start - dt.timedelta(days=BASELINE_DAYS), counted=COUNTED,
                        verified=ShopStatus.VERIFIED.value, min_buyers=rules.min_buyers, **days)
    usual_scale = rules.window_days / BASELINE_DAYS
    rows = []
    for row in found:
        if by_opd and not disclosure.shown(int(row["buyers"]), rules.k):
            continue
        score = float(row["heat"]) / (1 + int(row["usual_buyers"]) * usual_scale)
        rows.append(TrendingProduct(product_id=row["product_id"], kecamatan=row["kecamatan"],
                                    category=_category_key(row["category"], row["parent_category"]), opd=row["opd"],
                                    buyers=int(row["buyers"]), score=round(score, 6)))
    return rows


def _category_key(category: str, parent: str) -> str:
    """The product's category and its parent, as '/parent/category/' (or '/category/'), so one LIKE finds either."""
    return f"/{parent}/{category}/" if parent else f"/{category}/"


async def refresh(rules: TrendingRules, now: dt.datetime | None = None) -> TrendingRun:
    """Compute what is trending now into a new run; runs older than the last RUNS_KEPT go."""
    now = now or dt.datetime.now(dt.UTC)
    rows = await _rows(rules, now, by_opd=False) + await _rows(rules, now, by_opd=True)
    async with in_transaction():
        run = await TrendingRun.create(computed_at=now, window_days=rules.window_days, min_buyers=rules.min_buyers)
        for row in rows:
            row.run_id = run.id  # type: ignore[attr-defined]
        await TrendingProduct.bulk_create(rows, batch_size=500)
    kept = await TrendingRun.all().order_by("-id").limit(RUNS_KEPT).values_list("id", flat=True)
    await TrendingProduct.filter(run_id__lt=min(kept)).delete()
    await TrendingRun.filter(id__lt=min(kept)).delete()
    await changes.changed(Entity.PRODUCT)  # the public lists are cached: they answer the new run at once
    return run


async def refresh_when_due(rules: TrendingRules, now: dt.datetime | None = None) -> TrendingRun | None:
    """Refresh unless the latest run is younger than rules.refresh_seconds; the run made, or None."""
    now = now or dt.datetime.now(dt.UTC)
    latest = await TrendingRun.all().order_by("-id").first()
    if latest is not None and latest.computed_at > now - dt.timedelta(seconds=rules.refresh_seconds):
        return None
    return await refresh(rules, now)


async def _latest_run_id() -> int | None:
    return await TrendingRun.all().order_by("-id").first().values_list("id", flat=True)  # type: ignore[return-value]


async def trending_page(window: Window, kecamatan: str | None = None, category: str | None = None,
                        opd: str | None = None) -> Page[TrendingProduct]:
    """The latest run's trending products that buyers can still see, hottest first; of one OPD's ASN when opd."""
    check = Validator()
    run_id = await _latest_run_id()
    query = TrendingProduct.filter(run_id=run_id if run_id is not None else 0, product__is_active=True,
                                   product__shop__status=ShopStatus.VERIFIED)
    query = query.filter(opd=opd) if opd is not None else query.filter(opd__isnull=True)
    if kecamatan is not None:
        canonical = canonical_kecamatan(kecamatan)
        check.check(canonical is not None, "kecamatan", f"{kecamatan!r} is not a kecamatan of Kota Malang")
        query = query.filter(kecamatan=canonical)
    if category is not None:
        check.check(category in CATEGORY_SLUGS, "category", f"{category!r} is not a category slug")
        query = query.filter(category__contains=f"/{category}/")
    check.raise_if_any()
    return await page_of(query, window, ("-score", "product_id"))


def opd_of(user: User | None) -> str:
    """The OPD whose list this person may read: their own, as an ASN."""
    person = require_user(user)
    if person.nip is None or not person.opd:
        raise DomainError(ErrorCode.FORBIDDEN, "Only an ASN with an OPD sees what is popular in their OPD")
    return person.opd
