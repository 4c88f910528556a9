"""Sellers' promotions and the city's programmes: making them, listing them, ending them."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.people.graphql.types import Role as RoleEnum
from umkm_graph.people.models import User
from umkm_graph.promotions import grants, service
from umkm_graph.promotions.graphql.types import PromotionKindEnum, PromotionType, RewardForEnum
from umkm_graph.promotions.models import RewardFor
from umkm_graph.promotions.models import Promotion


@strawberry.input(description="A shop's promotion: funded by the shop, for every buyer.")
class ShopPromotionInput:
    code: str = strawberry.field(description="3 to 32 letters, digits or dashes; stored in upper case, unique.")
    name: str
    kind: PromotionKindEnum  # type: ignore[valid-type]
    value: int = strawberry.field(description="Percent (1 to 100), rupiah off, or 0 for FREE_DELIVERY.")
    starts_at: dt.datetime = strawberry.field(description="With its zone, e.g. 2026-12-03T00:00:00+07:00.")
    ends_at: dt.datetime
    max_discount: Rupiah = strawberry.field(default=Rupiah(0), description="Most rupiah off one order; 0: no cap.")
    min_spend: Rupiah = strawberry.field(default=Rupiah(0), description="Of the eligible lines of one order.")
    max_uses: int = strawberry.field(default=0, description="Orders in all; 0: no cap.")
    max_uses_per_buyer: int = strawberry.field(default=0, description="Orders per buyer; 0: no cap.")
    product_ids: list[strawberry.ID] = strawberry.field(default_factory=list,
                                                        description="Products of the shop; empty: the whole shop.")

    def draft(self) -> service.PromotionDraft:
        return service.PromotionDraft(
            code=self.code, name=self.name, kind=self.kind, value=self.value, starts_at=self.starts_at,
            ends_at=self.ends_at, max_discount=int(self.max_discount), min_spend=int(self.min_spend),
            max_uses=self.max_uses, max_uses_per_buyer=self.max_uses_per_buyer,
            product_ids=[parse_id(p, f"input.productIds.{i}") for i, p in enumerate(self.product_ids)])


@strawberry.input(description="A city programme, e.g. Kamis Mbois: funded by the city up to its budget, for the "
                              "buyers, days, category and shops it names.")
class CityProgrammeInput:
    code: str = strawberry.field(description="3 to 32 letters, digits or dashes; stored in upper case, unique.")
    name: str
    kind: PromotionKindEnum  # type: ignore[valid-type]
    value: int = strawberry.field(description="Percent (1 to 100), rupiah off, or 0 for FREE_DELIVERY.")
    starts_at: dt.datetime
    ends_at: dt.datetime
    budget: Rupiah = strawberry.field(description="Rupiah the city puts in; never overspent.")
    max_discount: Rupiah = Rupiah(0)
    min_spend: Rupiah = Rupiah(0)
    max_uses: int = 0
    max_uses_per_buyer: int = 0
    roles: list[RoleEnum] = strawberry.field(default_factory=list,  # type: ignore[valid-type]
                                             description="The buyer roles it is for; empty: any.")
    asn_only: bool = False
    opds: list[str] = strawberry.field(default_factory=list, description="OPDs whose ASN it is for; empty: any.")
    category: str | None = strawberry.field(default=None, description="A category slug, e.g. sembako; its "
                                                                     "children count too. Null: every line.")
    weekdays: list[int] = strawberry.field(default_factory=list, description=(
        "ISO weekdays in Asia/Jakarta: 1 Senin (Monday) ... 4 Kamis (Thursday) ... 7 Minggu; empty: every day."))
    verified_shops_only: bool = False
    reward_for: RewardForEnum = strawberry.field(default=RewardFor.NONE, description=(  # type: ignore[valid-type]
        "NONE: for every eligible buyer. Otherwise a reward programme: when an account registered with a referral "
        "code completes its first order while the programme runs, the order jobs grant one voucher of it to the "
        "REFERRER, the REFERRED buyer, or BOTH; only they may use it, once per grant, within its other rules."))

    def draft(self) -> service.PromotionDraft:
        return service.PromotionDraft(
            code=self.code, name=self.name, kind=self.kind, value=self.value, starts_at=self.starts_at,
            ends_at=self.ends_at, budget=int(self.budget), reward_for=self.reward_for, max_discount=int(self.max_discount),
            min_spend=int(self.min_spend), max_uses=self.max_uses, max_uses_per_buyer=self.max_uses_per_buyer,
            roles=list(self.roles), asn_only=self.asn_only, opds=list(self.opds), category=self.category,
            weekdays=list(self.weekdays), verified_shops_only=self.verified_shops_only)


@strawberry.type(name="RewardVoucher", description="A reward programme's voucher granted to you for a referral.")
class RewardVoucherType:
    programme: PromotionType = strawberry.field(description="Enter its code at checkout (voucherCodes).")
    reason: str = strawberry.field(description="REFERRER: someone you invited bought; REFERRED: you came by an "
                                               "invitation and bought.")
    granted_at: dt.datetime
    usable: bool = strawberry.field(description="Not used yet (an order cancelled gives its use back).")


@strawberry.type
class PromotionPayload:
    promotion: PromotionType | None = None
    errors: list[UserError]


async def promotion_types(promotions: list[Promotion]) -> list[PromotionType]:
    return [PromotionType.from_model(s.promotion, s.product_ids, s.category) for s in await service.shown(promotions)]


async def _answer(promotion: Promotion) -> dict[str, object]:
    return {"promotion": (await promotion_types([promotion]))[0]}


@strawberry.type
class PromotionsQuery:
    @strawberry.field(description="A shop's promotions, newest first: for its seller.")
    async def shop_promotions(self, info: Info[Context, None], shop_id: strawberry.ID) -> list[PromotionType]:
        return await promotion_types(await service.shop_promotions(await info.context.user(), parse_id(shop_id, "shopId")))

    @strawberry.field(description="Your reward vouchers (buyers and sellers), newest first.")
    async def my_reward_vouchers(self, info: Info[Context, None]) -> list[RewardVoucherType]:
        held = await grants.my_reward_vouchers(await info.context.user())
        shown = await promotion_types([h.programme for h in held])
        return [RewardVoucherType(programme=p, reason=h.reason, granted_at=h.granted_at, usable=h.usable)
                for h, p in zip(held, shown, strict=True)]

    @strawberry.field(description="The city's programmes, newest first: for city officers and analysts.")
    async def city_programmes(self, info: Info[Context, None]) -> list[PromotionType]:
        return await promotion_types(await service.city_programmes(await info.context.user()))


@strawberry.type
class PromotionsMutation:
    @strawberry.mutation(description="A seller makes a promotion for their shop.")
    async def create_shop_promotion(self, info: Info[Context, None], shop_id: strawberry.ID,
                                    input: ShopPromotionInput) -> PromotionPayload:
        async def run(user: User | None) -> dict[str, object]:
            return await _answer(await service.create_shop_promotion(user, parse_id(shop_id, "shopId"), input.draft()))
        return await mutate(info, PromotionPayload, run, lambda answer: answer)

    @strawberry.mutation(description="A city officer makes a programme funded by the city.")
    async def create_city_programme(self, info: Info[Context, None], input: CityProgrammeInput) -> PromotionPayload:
        async def run(user: User | None) -> dict[str, object]:
            return await _answer(await service.create_city_programme(user, input.draft()))
        return await mutate(info, PromotionPayload, run, lambda answer: answer)

    @strawberry.mutation(description="Its owner ends a promotion now (a shop's: its seller; a programme: a city "
                                     "officer); orders already discounted keep their discount.")
    async def end_promotion(self, info: Info[Context, None], id: strawberry.ID) -> PromotionPayload:
        async def run(user: User | None) -> dict[str, object]:
            return await _answer(await service.end_promotion(user, parse_id(id, "id")))
        return await mutate(info, PromotionPayload, run, lambda answer: answer)
