"""Reviews as everyone sees them: public, with the buyer's first name only."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from umkm_graph.catalog.graphql.types import ProductType, load_product
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.loaders import load_visible
from umkm_graph.graphql_engine.response_cache import public_data
from umkm_graph.reviews import service as reviews
from umkm_graph.reviews.models import Review
from umkm_graph.shops.graphql.types import ShopType, load_shop


@strawberry.federation.type(keys=["id"], name="Review", description="A buyer's rating of one delivered purchase.")
class ReviewType:
    id: strawberry.ID = strawberry.field(metadata=public_data())
    rating: int = strawberry.field(description="1 to 5.", metadata=public_data())
    text: str = strawberry.field(metadata=public_data())
    reply: str | None = strawberry.field(description="The shop owner's answer, if any; there is at most one.",
                                         metadata=public_data())
    replied_at: dt.datetime | None = strawberry.field(metadata=public_data())
    created_at: dt.datetime = strawberry.field(metadata=public_data())
    verified_purchase: bool = strawberry.field(
        description="Always true: only the buyer of a delivered or completed order line can write a review, "
        "so every review is of a real purchase. Present so clients can show the badge without knowing the rule.",
        metadata=public_data(),
    )
    model: strawberry.Private[Review]

    @classmethod
    def from_model(cls, review: Review) -> ReviewType:
        return cls(
            id=strawberry.ID(str(review.id)), rating=review.rating, text=review.text, reply=review.reply,
            replied_at=review.replied_at, created_at=review.created_at, verified_purchase=True, model=review,
        )

    @strawberry.field(description="The reviewed product; null when it is no longer visible to you.",
                      metadata=public_data())
    async def product(self, info: Info[Context, None]) -> ProductType | None:
        return await load_product(info, self.model.product_id)  # type: ignore[attr-defined]

    @strawberry.field(description="The reviewed shop; null when it is not visible to you.", metadata=public_data())
    async def shop(self, info: Info[Context, None]) -> ShopType | None:
        return await load_shop(info, self.model.shop_id)  # type: ignore[attr-defined]

    # Not public data: the name lives in users, which the catalog's version (changes.py) does not cover.
    @strawberry.field(description="The reviewer's first name only, for privacy.")
    async def buyer_name(self, info: Info[Context, None]) -> str:
        buyer = await info.context.loaders.user.load(self.model.buyer_id)  # type: ignore[attr-defined]
        names = buyer.name.split() if buyer else []
        return names[0] if names else "Pembeli"

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], id: strawberry.ID) -> ReviewType | None:
        return await load_review(info, id)


async def load_review(info: Info[Context, None], review_id: int | str) -> ReviewType | None:
    """A review by id through the loader, when the asker may see it (reviews are public); None otherwise."""

    async def visible(review: Review) -> bool:
        return reviews.can_see_review(await info.context.user(), review)

    review = await load_visible(info.context.loaders.review, review_id, visible)
    return None if review is None else ReviewType.from_model(review)
