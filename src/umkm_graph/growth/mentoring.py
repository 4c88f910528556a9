"""Mentoring (pendampingan, issue 17 section 5): a city officer records who mentored a shop, on which day and what
about; the city compares the shop's GMV, rating and complaints in the days before the mentoring day with as many days
from it on, and its class then and now (naik_kelas.py).

The figures of a window, all of the shop's, days in WIB: GMV and orders are COMPLETED orders placed in it (their
goods, no delivery fee), as the city's sales count them; the rating is the mean of the reviews written in it (None
without any); complaints are those opened in it. An after-window that has not ended yet counts up to now, and says so.
Shops, not people: nothing is withheld (a shop's own figures, as the scorecards show them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tortoise.functions import Count, Sum

from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.text import clean_text
from umkm_graph.core.wib import today_wib
from umkm_graph.growth.models import Mentoring
from umkm_graph.growth.naik_kelas import ShopClass, classes_at, wib_start
from umkm_graph.orders.models import Complaint, Order, OrderStatus
from umkm_graph.people.access import is_city, require_role, require_user
from umkm_graph.people.models import Role, User
from umkm_graph.reviews.models import Review
from umkm_graph.shops.models import Shop

OLDEST_YEARS = 10  # a mentoring recorded further back than this is a typo
MOST_DAYS = 365


@dataclass(frozen=True)
class MentoringDraft:
    mentor: str  # who: a person or an organisation, e.g. "Diskopindag, Klinik UMKM"
    mentored_on: dt.date
    topic: str  # what about


async def record_mentoring(user: User | None, shop_id: int, draft: MentoringDraft) -> Mentoring:
    officer = require_role(user, Role.CITY_OFFICER)
    check = Validator(["input"])
    mentor = clean_text(check, "mentor", draft.mentor, label="Mentor", max_length=120)
    topic = clean_text(check, "topic", draft.topic, label="Topic", max_length=1000, multiline=True)
    today = today_wib()
    if draft.mentored_on > today:
        check.add("mentoredOn", "Record mentoring once it has happened: mentoredOn is after today")
    elif draft.mentored_on.year < today.year - OLDEST_YEARS:
        check.add("mentoredOn", f"Mentoring more than {OLDEST_YEARS} years ago is not plausible")
    check.raise_if_any()
    if not await Shop.exists(id=shop_id):
        raise DomainError(ErrorCode.NOT_FOUND, "No shop has this id", "shopId")
    return await Mentoring.create(shop_id=shop_id, mentor=mentor, mentored_on=draft.mentored_on, topic=topic,
                                  recorded_by_id=officer.id)


async def shop_mentorings(user: User | None, shop_id: int) -> list[Mentoring]:
    """The mentoring of a shop, latest first: for the city, and for the shop's owner."""
    person = require_user(user)
    shop = await Shop.get_or_none(id=shop_id)
    if shop is None or not (is_city(person) or shop.owner_id == person.id):  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.NOT_FOUND, "No shop of yours has this id", "shopId")
    return await Mentoring.filter(shop_id=shop.id).order_by("-mentored_on", "-id")


@dataclass(frozen=True)
class WindowFigures:
    start: dt.date
    end: dt.date  # the last day counted
    complete: bool  # False while the window has not ended
    gmv: int
    orders: int
    reviews: int
    rating: float | None
    complaints: int


async def _figures(shop_id: int, start: dt.date, days: int, now: dt.datetime) -> WindowFigures:
    since, until = wib_start(start), min(wib_start(start + dt.timedelta(days=days)), now)
    sold = await Order.filter(shop_id=shop_id, status=OrderStatus.COMPLETED, created_at__gte=since,
                              created_at__lt=until).annotate(gmv=Sum("subtotal"), n=Count("id")) \
        .group_by("shop_id").values("gmv", "n")
    rated = await Review.filter(shop_id=shop_id, created_at__gte=since, created_at__lt=until) \
        .annotate(total=Sum("rating"), n=Count("id")).group_by("shop_id").values("total", "n")
    complaints = await Complaint.filter(order__shop_id=shop_id, created_at__gte=since, created_at__lt=until).count()
    reviews = int(rated[0]["n"]) if rated else 0
    last = min(start + dt.timedelta(days=days - 1), today_wib(now))
    return WindowFigures(
        start=start, end=last, complete=wib_start(start + dt.timedelta(days=days)) <= now,
        gmv=int(sold[0]["gmv"] or 0) if sold else 0, orders=int(sold[0]["n"]) if sold else 0, reviews=reviews,
        rating=round(int(rated[0]["total"]) / reviews, 2) if reviews else None, complaints=complaints)


@dataclass(frozen=True)
class MentoringEffect:
    mentoring: Mentoring
    days: int
    before: WindowFigures  # the `days` days up to the day before the mentoring
    after: WindowFigures  # `days` days from the mentoring day on
    class_before: ShopClass  # at the start of the mentoring day
    class_now: ShopClass


async def mentoring_effect(user: User | None, mentoring_id: int, days: int,
                           now: dt.datetime | None = None) -> MentoringEffect:
    require_role(user, Role.CITY_OFFICER, Role.ANALYST)
    if not 1 <= days <= MOST_DAYS:
        raise DomainError(ErrorCode.INVALID, f"days must be 1 to {MOST_DAYS}", "days")
    mentoring = await Mentoring.get_or_none(id=mentoring_id)
    if mentoring is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No mentoring has this id", "mentoringId")
    now = now or dt.datetime.now(dt.UTC)
    shop_id, day = mentoring.shop_id, mentoring.mentored_on  # type: ignore[attr-defined]
    before = await _figures(shop_id, day - dt.timedelta(days=days), days, now)
    after = await _figures(shop_id, day, days, now)
    then, current = await classes_at([shop_id], wib_start(day)), await classes_at([shop_id], now)
    return MentoringEffect(mentoring=mentoring, days=days, before=before, after=after, class_before=then[shop_id],
                           class_now=current[shop_id])
