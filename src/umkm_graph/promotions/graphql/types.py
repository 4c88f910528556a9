"""Promotions as sellers, the city and buyers see them: a promotion's rules, a discount on an order, a programme's
figures."""

from __future__ import annotations

import datetime as dt

import strawberry

from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.promotions.models import Funder, OrderDiscount, Promotion, PromotionKind, RewardFor
from umkm_graph.promotions.service import weekday_names

PromotionKindEnum = strawberry.enum(PromotionKind, name="PromotionKind", description=(
    "PERCENT_OFF: value percent off each eligible line (floored per line). AMOUNT_OFF: value rupiah off an order's "
    "eligible lines, split over them. FREE_DELIVERY: the order's delivery fee, up to maxDiscount when set."))
FunderEnum = strawberry.enum(Funder, name="Funder", description="Who pays a discount: the SHOP or the CITY.")
RewardForEnum = strawberry.enum(RewardFor, name="RewardFor", description=(
    "Whom a city programme rewards for a referral: NONE (an ordinary programme, for every eligible buyer), or a reward "
    "programme usable only by those granted its voucher when a referred new buyer completes a first order: the "
    "REFERRER, the REFERRED buyer, or BOTH."))


@strawberry.type(name="Promotion", description=(
    "A voucher code and its rules: a shop's promotion (funded by the SHOP) or a city programme (funded by the CITY, "
    "with a budget and eligibility rules)."))
class PromotionType:
    id: strawberry.ID
    code: str = strawberry.field(description="What the buyer enters at checkout (voucherCodes).")
    name: str
    kind: PromotionKindEnum  # type: ignore[valid-type]
    value: int = strawberry.field(description="Percent for PERCENT_OFF, rupiah for AMOUNT_OFF, 0 for FREE_DELIVERY.")
    max_discount: Rupiah = strawberry.field(description="Most rupiah off one order; 0: no cap.")
    funder: FunderEnum  # type: ignore[valid-type]
    shop_id: strawberry.ID | None = strawberry.field(description="The shop of a shop's promotion; null for the city's.")
    product_ids: list[strawberry.ID] = strawberry.field(description="The products it covers; empty: the whole shop.")
    min_spend: Rupiah = strawberry.field(description="Of the eligible lines of one order, before any discount.")
    starts_at: dt.datetime
    ends_at: dt.datetime
    ended_at: dt.datetime | None = strawberry.field(description="When its owner ended it early.")
    max_uses: int = strawberry.field(description="Orders it may discount in all; 0: no cap.")
    max_uses_per_buyer: int = strawberry.field(description="Orders of one buyer; 0: no cap.")
    uses: int | None = strawberry.field(description=(
        "Orders it discounts now (cancelled ones give their use back); null for a city programme, whose figures "
        "cityProgrammeFigures shows under k-anonymity."))
    budget: Rupiah = strawberry.field(description="A programme's budget; 0 for a shop's promotion.")
    roles: list[str] = strawberry.field(description="The buyer roles a programme is for; empty: any.")
    asn_only: bool
    opds: list[str] = strawberry.field(description="The OPDs whose ASN a programme is for; empty: any.")
    category: str | None = strawberry.field(description="The category slug a programme covers (with its children).")
    weekdays: list[str] = strawberry.field(description="The days (Asia/Jakarta) a programme runs; empty: every day.")
    verified_shops_only: bool
    reward_for: RewardForEnum = strawberry.field(description=(  # type: ignore[valid-type]
        "NONE, or whom this reward programme's vouchers are granted to (see myRewardVouchers)."))

    @classmethod
    def from_model(cls, p: Promotion, product_ids: list[int], category: str | None) -> PromotionType:
        return cls(
            id=strawberry.ID(str(p.id)), code=p.code, name=p.name, kind=p.kind, value=p.value,
            max_discount=Rupiah(p.max_discount), funder=p.funder,
            shop_id=None if p.shop_id is None else strawberry.ID(str(p.shop_id)),  # type: ignore[attr-defined]
            product_ids=[strawberry.ID(str(i)) for i in product_ids], min_spend=Rupiah(p.min_spend),
            starts_at=p.starts_at, ends_at=p.ends_at, ended_at=p.ended_at, max_uses=p.max_uses,
            max_uses_per_buyer=p.max_uses_per_buyer, uses=p.uses if p.funder == Funder.SHOP else None,
            budget=Rupiah(p.budget), roles=[r for r in p.roles.split(",") if r], asn_only=p.asn_only,
            opds=[o for o in p.opds.split(",") if o], category=category, weekdays=weekday_names(p.weekdays),
            verified_shops_only=p.verified_shops_only, reward_for=p.reward_for,
        )


@strawberry.type(name="OrderDiscount", description="What one voucher took off one line of an order, or off its "
                                                   "delivery fee, and who funds it.")
class OrderDiscountType:
    code: str
    kind: PromotionKindEnum  # type: ignore[valid-type]
    funder: FunderEnum  # type: ignore[valid-type]
    product_id: strawberry.ID | None = strawberry.field(description="The line's product; null: the delivery fee.")
    amount: Rupiah

    @classmethod
    def from_model(cls, row: OrderDiscount) -> OrderDiscountType:
        promotion = row.use.promotion
        product_id = row.product_id  # type: ignore[attr-defined]
        return cls(code=promotion.code, kind=promotion.kind, funder=row.funder, amount=Rupiah(row.amount),
                   product_id=None if product_id is None else strawberry.ID(str(product_id)))
