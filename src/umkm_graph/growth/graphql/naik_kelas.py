"""Naik kelas: a shop's size class (PP 7/2021), the seller's declared annual sales, the city's mentoring records, the
shop's figures before and after a mentoring, and the shops that moved up a class."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.graphql_common.pagination import Connection, build_connection, page_window
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.growth import mentoring, naik_kelas
from umkm_graph.growth.models import Mentoring

SizeClassEnum = strawberry.enum(naik_kelas.SizeClass, name="SizeClass", description=(
    "PP 7/2021 by annual sales: MICRO up to Rp2 billion, SMALL over Rp2 up to Rp15 billion, MEDIUM over Rp15 up to "
    "Rp50 billion; LARGE beyond, no longer UMKM."))


@strawberry.type(name="ShopClass", description=(
    "A shop's size class, from the larger of its declared annual sales and its platform sales of the 12 months "
    "before (COMPLETED orders' goods), a lower bound. For the owner and the city."))
class ShopClassType:
    size_class: SizeClassEnum  # type: ignore[valid-type]
    declared_annual_sales: Rupiah | None = strawberry.field(description="The latest declaration; null if never.")
    declared_at: dt.datetime | None
    platform_sales_12_months: Rupiah
    basis: Rupiah = strawberry.field(description="The sales the class is read from.")

    @classmethod
    def of(cls, found: naik_kelas.ShopClass) -> ShopClassType:
        declared = found.declared_annual_sales
        return cls(size_class=found.size, declared_annual_sales=Rupiah(declared) if declared is not None else None,
                   declared_at=found.declared_at, platform_sales_12_months=Rupiah(found.platform_sales),
                   basis=Rupiah(found.basis))


@strawberry.type
class ShopClassPayload:
    shop_class: ShopClassType | None = None
    errors: list[UserError]


@strawberry.type(name="Mentoring", description="Mentoring (pendampingan) the city recorded for a shop.")
class MentoringType:
    id: strawberry.ID
    shop_id: strawberry.ID
    mentor: str = strawberry.field(description="Who mentored: a person or an organisation.")
    mentored_on: dt.date
    topic: str = strawberry.field(description="What about.")

    @classmethod
    def of(cls, row: Mentoring) -> MentoringType:
        return cls(id=strawberry.ID(str(row.id)), shop_id=strawberry.ID(str(row.shop_id)),  # type: ignore[attr-defined]
                   mentor=row.mentor, mentored_on=row.mentored_on, topic=row.topic)


@strawberry.type
class MentoringPayload:
    mentoring: MentoringType | None = None
    errors: list[UserError]


@strawberry.input
class MentoringInput:
    mentor: str = strawberry.field(description="Who mentored, 1 to 120 characters.")
    mentored_on: dt.date = strawberry.field(description="The day (WIB), not after today.")
    topic: str = strawberry.field(description="What about, 1 to 1000 characters.")


@strawberry.type(name="ShopWindowFigures", description=(
    "A shop's figures over days (WIB): COMPLETED orders placed then and their goods (GMV), the reviews written then "
    "and their mean rating, the complaints opened then."))
class WindowFiguresType:
    start: dt.date
    end: dt.date = strawberry.field(description="The last day counted (today, while the window runs).")
    complete: bool
    gmv: Rupiah
    orders: int
    reviews: int
    rating: float | None
    complaints: int

    @classmethod
    def of(cls, found: mentoring.WindowFigures) -> WindowFiguresType:
        return cls(start=found.start, end=found.end, complete=found.complete, gmv=Rupiah(found.gmv),
                   orders=found.orders, reviews=found.reviews, rating=found.rating, complaints=found.complaints)


@strawberry.type(name="MentoringEffect")
class MentoringEffectType:
    mentoring: MentoringType
    days: int
    before: WindowFiguresType = strawberry.field(description="The days up to the day before the mentoring.")
    after: WindowFiguresType = strawberry.field(description="As many days from the mentoring day on.")
    class_before: ShopClassType = strawberry.field(description="At the start of the mentoring day.")
    class_now: ShopClassType


@strawberry.type(name="ShopClassMove")
class ShopClassMoveType:
    shop_id: strawberry.ID
    shop_name: str
    kecamatan: str
    before: ShopClassType
    now: ShopClassType
    mentored: bool = strawberry.field(description="The city recorded mentoring for it since.")

    @classmethod
    def of(cls, move: naik_kelas.ClassMove) -> ShopClassMoveType:
        return cls(shop_id=strawberry.ID(str(move.shop_id)), shop_name=move.shop_name, kecamatan=move.kecamatan,
                   before=ShopClassType.of(move.before), now=ShopClassType.of(move.now), mentored=move.mentored)


@strawberry.type
class NaikKelasQuery:
    @strawberry.field(description="A shop's size class: for its owner and the city.")
    async def shop_class(self, info: Info[Context, None], shop_id: strawberry.ID) -> ShopClassType:
        return ShopClassType.of(await naik_kelas.shop_class(await info.context.user(), parse_id(shop_id, "shopId")))

    @strawberry.field(description="The mentoring recorded for a shop, latest first: for its owner and the city.")
    async def shop_mentorings(self, info: Info[Context, None], shop_id: strawberry.ID) -> list[MentoringType]:
        rows = await mentoring.shop_mentorings(await info.context.user(), parse_id(shop_id, "shopId"))
        return [MentoringType.of(row) for row in rows]

    @strawberry.field(description="A shop's figures the given days before a mentoring and as many after, and its "
                      "class then and now: for the city.")
    async def mentoring_effect(self, info: Info[Context, None], mentoring_id: strawberry.ID,
                               days: int = 90) -> MentoringEffectType:
        found = await mentoring.mentoring_effect(await info.context.user(), parse_id(mentoring_id, "mentoringId"), days)
        return MentoringEffectType(mentoring=MentoringType.of(found.mentoring), days=found.days,
                                   before=WindowFiguresType.of(found.before), after=WindowFiguresType.of(found.after),
                                   class_before=ShopClassType.of(found.class_before),
                                   class_now=ShopClassType.of(found.class_now))

    @strawberry.field(description="The shops whose class now is above their class at the start of `since` (WIB), "
                      "biggest move first: for the city.")
    async def shops_moved_up(self, info: Info[Context, None], since: dt.date, first: int | None = None,
                             after: str | None = None) -> Connection[ShopClassMoveType]:
        settings = info.context.settings
        offset, size = page_window(first, after, default=settings.default_page_size, cap=settings.max_page_size)
        moves = await naik_kelas.moved_up(await info.context.user(), since)

        async def total() -> int:
            return len(moves)

        return build_connection(moves[offset:offset + size + 1], offset, size, ShopClassMoveType.of, total)


@strawberry.type
class NaikKelasMutation:
    @strawberry.mutation(description="The owner declares a shop's annual sales in rupiah; its class follows.")
    async def declare_annual_sales(self, info: Info[Context, None], shop_id: strawberry.ID,
                                   annual_sales: Rupiah) -> ShopClassPayload:
        return await mutate(
            info, ShopClassPayload,
            lambda user: naik_kelas.declare_annual_sales(user, parse_id(shop_id, "shopId"), int(annual_sales)),
            lambda found: {"shop_class": ShopClassType.of(found)},
        )

    @strawberry.mutation(description="A city officer records mentoring (pendampingan) for a shop.")
    async def record_mentoring(self, info: Info[Context, None], shop_id: strawberry.ID,
                               input: MentoringInput) -> MentoringPayload:
        draft = mentoring.MentoringDraft(mentor=input.mentor, mentored_on=input.mentored_on, topic=input.topic)
        return await mutate(
            info, MentoringPayload,
            lambda user: mentoring.record_mentoring(user, parse_id(shop_id, "shopId"), draft),
            lambda row: {"mentoring": MentoringType.of(row)},
        )
