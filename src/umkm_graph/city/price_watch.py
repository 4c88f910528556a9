"""Sembako price watch: the city's reference prices (ceilings), how listings' prices per kg or litre spread in each
kecamatan, which listings are above their ceiling, and how prices moved.

A commodity is a sembako category (beras, minyak-goreng, telur, gula). A ceiling is set per commodity and unit (KG or
LITRE) from a date on; a variant word (premium, MinyaKita) makes it apply only to listings with that word in their name,
before the commodity's general ceiling. Prices compare per kg or litre, rounded half up (catalog.price_per_base_unit).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from tortoise.exceptions import IntegrityError

from umkm_graph.catalog.models import Category, PriceChange, PriceUnit, Product
from umkm_graph.city import analytics_sql as sql
from umkm_graph.city.analytics import Interval, Period, today_wib, wib_midnight
from umkm_graph.city.models import ReferencePrice
from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.paging import Page, Window, page_of
from umkm_graph.core.regions import canonical_kecamatan
from umkm_graph.people.models import User

SEMBAKO = "sembako"
MAX_REFERENCE_PRICE = 10_000_000
_VARIANT = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]{0,39}")


async def commodities() -> list[str]:
    """The sembako categories, by slug."""
    parent = await Category.get_or_none(slug=SEMBAKO)
    if parent is None:
        return []
    return sorted(await Category.filter(parent_id=parent.id).values_list("slug", flat=True))


async def check_commodity(slug: str, field: str) -> str:
    if slug not in await commodities():
        raise DomainError(ErrorCode.INVALID, f"{slug!r} is not a sembako commodity: use a category slug under sembako",
                          field)
    return slug


def check_kecamatan(name: str, field: str) -> str:
    kecamatan = canonical_kecamatan(name)
    if kecamatan is None:
        raise DomainError(ErrorCode.INVALID, f"{name!r} is not a kecamatan of Kota Malang", field)
    return kecamatan


# --- reference prices ------------------------------------------------------------------------------------------------


@dataclass
class ReferencePriceDraft:
    commodity: str
    unit: PriceUnit
    price: int
    effective_from: dt.date
    variant: str = ""
    note: str = ""


async def set_reference_price(officer: User, draft: ReferencePriceDraft) -> ReferencePrice:
    """Set a ceiling from a date on; setting the same commodity, unit, variant and date again replaces its price."""
    check = Validator(["input"])
    if draft.commodity not in await commodities():
        check.add("commodity", f"{draft.commodity!r} is not a sembako commodity: use a category slug under sembako")
    check.check(1 <= draft.price <= MAX_REFERENCE_PRICE, "price",
                f"A reference price is 1 to {MAX_REFERENCE_PRICE} rupiah per kg or litre")
    variant = " ".join(draft.variant.split())
    check.check(variant == "" or bool(_VARIANT.fullmatch(variant)), "variant",
                "A variant is one word or a few (letters, digits, spaces, hyphens; at most 40 characters)")
    note = draft.note.strip()
    check.check(len(note) <= 200, "note", "A note has at most 200 characters")
    check.check(2000 <= draft.effective_from.year <= 2100, "effectiveFrom", "The date must lie between 2000 and 2100")
    check.raise_if_any()
    key = {"commodity": draft.commodity, "unit": draft.unit, "variant": variant, "effective_from": draft.effective_from}
    values = {"price": draft.price, "note": note, "set_by_id": officer.id}
    if not await ReferencePrice.filter(**key).update(**values):
        try:
            await ReferencePrice.create(**key, **values)
        except IntegrityError:  # set at the same moment by another officer: the last word wins
            await ReferencePrice.filter(**key).update(**values)
    return await ReferencePrice.get(**key)


async def reference_prices(commodity: str | None = None, in_effect_on: dt.date | None = None) -> list[ReferencePrice]:
    """Every reference price, or only those in effect on a day (the latest per commodity, unit and variant)."""
    query = ReferencePrice.all()
    if commodity is not None:
        query = query.filter(commodity=commodity)
    if in_effect_on is not None:
        rows = await sql.fetch(sql.references_in_effect(commodity is not None), day=in_effect_on, commodity=commodity)
        query = query.filter(id__in=[int(row["id"]) for row in rows])
    found = await query
    return sorted(found, key=lambda r: (r.commodity, r.unit.value, r.variant, -r.effective_from.toordinal()))


# --- the distribution and the flags ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceDistribution:
    commodity: str
    per: PriceUnit
    kecamatan: str | None  # None: the whole city
    listings: int
    min_price: int
    median_price: int
    max_price: int
    above_ceiling: int
    ceiling: int | None  # the commodity's general ceiling in effect (a variant's may differ)


@dataclass(frozen=True)
class SembakoPrices:
    as_of: dt.date
    city: list[PriceDistribution]
    by_kecamatan: list[PriceDistribution]


@dataclass(frozen=True)
class PriceFilter:
    commodity: str | None = None
    kecamatan: str | None = None


async def _checked(flt: PriceFilter) -> dict[str, object]:
    params: dict[str, object] = {"today": today_wib()}
    if flt.commodity is not None:
        params["commodity"] = await check_commodity(flt.commodity, "commodity")
    if flt.kecamatan is not None:
        params["kecamatan"] = check_kecamatan(flt.kecamatan, "kecamatan")
    return params


async def sembako_prices(flt: PriceFilter) -> SembakoPrices:
    """Minimum, median and maximum price per kg or litre of active listings, per commodity, in the city and in each
    kecamatan, with how many are above their ceiling."""
    params = await _checked(flt)
    statement = sql.price_distribution(sql.dialect(), "commodity" in params, "kecamatan" in params)
    rows = sorted(
        (PriceDistribution(
            commodity=row["commodity"], per=PriceUnit(row["per"]), kecamatan=row["kecamatan"] or None,
            listings=int(row["listings"]), min_price=int(row["min_price"]), median_price=int(row["median_price"]),
            max_price=int(row["max_price"]), above_ceiling=int(row["above_ceiling"]),
            ceiling=None if row["general_ceiling"] is None else int(row["general_ceiling"]),
        ) for row in await sql.fetch(statement, **params)),
        key=lambda r: (r.commodity, r.per.value, r.kecamatan or ""),
    )
    city = [row for row in rows if row.kecamatan is None]
    return SembakoPrices(params["today"], city, [row for row in rows if row.kecamatan is not None])  # type: ignore[arg-type]


@dataclass(frozen=True)
class PriceFlag:
    product_id: int
    commodity: str
    kecamatan: str
    unit_price: int
    per: PriceUnit
    ceiling: int
    ceiling_variant: str

    @property
    def excess(self) -> int:
        return self.unit_price - self.ceiling

    @property
    def excess_percent(self) -> float:
        return round(100 * self.excess / self.ceiling, 1)


@dataclass(frozen=True)
class PriceFlags:
    params: dict[str, object]
    counted: list[int] = field(default_factory=list, compare=False, repr=False)  # the total, once a page has told it

    async def page(self, offset: int, limit: int) -> list[PriceFlag]:
        statement = sql.price_flags(sql.dialect(), "commodity" in self.params, "kecamatan" in self.params)
        rows = await sql.fetch(statement, **self.params, limit=limit, offset=offset)
        if rows:
            self.counted[:] = [int(rows[0]["total"])]
        return [
            PriceFlag(int(row["product_id"]), row["commodity"], row["kecamatan"], int(row["unit_price"]),
                      PriceUnit(row["per"]), int(row["ceiling"]), row["ceiling_variant"])
            for row in rows
        ]

    async def count(self) -> int:
        if self.counted:
            return self.counted[0]
        statement = sql.price_flag_count(sql.dialect(), "commodity" in self.params, "kecamatan" in self.params)
        (row,) = await sql.fetch(statement, **self.params)
        return int(row["n"])


async def price_flags(flt: PriceFilter) -> PriceFlags:
    """Active listings priced above the ceiling that applies to them, the most excessive first."""
    return PriceFlags(await _checked(flt))


# --- history -----------------------------------------------------------------------------------------------------------


async def product_history(product_id: int, window: Window) -> Page[PriceChange]:
    """A window of every price the product had, newest first."""
    if not await Product.exists(id=product_id):
        raise DomainError(ErrorCode.NOT_FOUND, "No product has this id", "productId")
    return await page_of(PriceChange.filter(product_id=product_id), window, ("-changed_at", "-id"))


@dataclass(frozen=True)
class PricePoint:
    start: dt.date  # the bucket's first day
    commodity: str
    per: PriceUnit
    kecamatan: str | None
    listings: int
    min_price: int
    median_price: int
    max_price: int


def buckets(period: Period, interval: Interval) -> list[tuple[dt.date, dt.date]]:
    """The days, weeks (from Monday) or months the period touches, each as (its first day, as sales label it; the day
    after its last, or after the period's, whichever comes first)."""
    spans: list[tuple[dt.date, dt.date]] = []
    day, stop = period.first, period.last + dt.timedelta(days=1)
    while day < stop:
        if interval is Interval.DAY:
            start, following = day, day + dt.timedelta(days=1)
        elif interval is Interval.WEEK:
            start = day - dt.timedelta(days=day.weekday())
            following = start + dt.timedelta(days=7)
        else:
            start = day.replace(day=1)
            following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        spans.append((start, min(following, stop)))
        day = following
    return spans


async def price_series(
    period: Period, interval: Interval, flt: PriceFilter, *, by_kecamatan: bool = False
) -> list[PricePoint]:
    """For each day, week or month of the period: the prices per kg or litre that listings had at its end (or at the
    period's end, for the last), from the price history."""
    params = await _checked(flt)
    spans = buckets(period, interval)  # at most 366 + 1, as a period spans at most 366 days
    params.pop("today")
    for i, (first, following) in enumerate(spans):
        params[f"b{i}"] = first.isoformat()
        params[f"e{i}"] = wib_midnight(following)  # the bucket's end
    statement = sql.price_series(sql.dialect(), len(spans), "commodity" in params, "kecamatan" in params, by_kecamatan)
    points = [
        PricePoint(
            start=dt.date.fromisoformat(str(row["start_day"])), commodity=row["commodity"], per=PriceUnit(row["per"]),
            kecamatan=row["kecamatan"] or None, listings=int(row["listings"]), min_price=int(row["min_price"]),
            median_price=int(row["median_price"]), max_price=int(row["max_price"]),
        )
        for row in await sql.fetch(statement, **params)
    ]
    return sorted(points, key=lambda p: (p.commodity, p.per.value, p.kecamatan or "", p.start))
