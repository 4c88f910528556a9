"""Reviews as everyone sees them: public, with the buyer's first name only."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info
from tortoise.queryset import QuerySet

from umkm_graph.catalog.graphql.types import ProductType, ShopType, load_product, load_shop
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.pagination import Connection, paginate
from umkm_graph.reviews.models import Review


@strawberry.federation.type(keys=["id"], name="Review", description="A buyer's rating of one delivered purchase.")
class ReviewType:
    id: strawberry.ID
    rating: int = strawberry.field(description="1 to 5.")
    text: str
    reply: str | None = strawberry.field(description="The shop owner's answer, if any; there is at most one.")
    replied_at: dt.datetime | None
    created_at: dt.datetime
    verified_purchase: bool = strawberry.field(
        description="Always true: only the buyer of a delivered or completed order line can write a review, "
        "so every review is of a real purchase. Present so clients can show the badge without knowing the rule."
    )
    model: strawberry.Private[Review]

    @classmethod
    def from_model(cls, review: Review) -> ReviewType:
        return cls(
            id=strawberry.ID(str(review.id)), rating=review.rating, text=review.text, reply=review.reply,
            replied_at=review.replied_at, created_at=review.created_at, verified_purchase=True, model=review,
        )

    @strawberry.field(description="The reviewed product; null when it is no longer visible to you.")
    async def product(self, info: Info[Context, None]) -> ProductType | None:
        return await load_product(info, self.model.product_id)  # type: ignore[attr-defined]

    @strawberry.field(description="The reviewed shop; null when it is not visible to you.")
    async def shop(self, info: Info[Context, None]) -> ShopType | None:
        return await load_shop(info, self.model.shop_id)  # type: ignore[attr-defined]

    @strawberry.field(description="The reviewer's first name only, for privacy.")
    async def buyer_name(self, info: Info[Context, None]) -> str:
        buyer = await info.context.loaders.user.load(self.model.buyer_id)  # type: ignore[attr-defined]
        names = buyer.name.split() if buyer else []
        return names[0] if names else "Pembeli"

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], id: strawberry.ID) -> ReviewType | None:
        return await load_review(info, id)


async def load_review(info: Info[Context, None], review_id: int | str) -> ReviewType | None:
    """A review by id through the loader (reviews are public); None when there is none."""
    try:
        key = int(review_id)
    except ValueError:
        return None
    review = await info.context.loaders.review.load(key)
    return ReviewType.from_model(review) if review else None


async def review_page(
    info: Info[Context, None], query: QuerySet[Review], first: int | None, after: str | None
) -> Connection[ReviewType]:
    settings = info.context.settings
    return await paginate(query, first, after, ReviewType.from_model,
                          default=settings.default_page_size, cap=settings.max_page_size)
