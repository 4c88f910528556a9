"""Reviews: a public lookup by id, and the buyer's review and the owner's reply as mutations."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.graphql_engine.response_cache import public_data
from umkm_graph.reviews import service as reviews
from umkm_graph.reviews.graphql.types import ReviewType, load_review
from umkm_graph.reviews.models import Review


@strawberry.type
class ReviewPayload:
    review: ReviewType | None = None
    errors: list[UserError]


def _review(review: Review) -> dict[str, object]:
    return {"review": ReviewType.from_model(review)}


@strawberry.type
class ReviewsQuery:
    @strawberry.field(description="A review by id, or null; reviews are public.", metadata=public_data())
    async def review(self, info: Info[Context, None], id: strawberry.ID) -> ReviewType | None:
        return await load_review(info, parse_id(id, "id"))


@strawberry.type
class ReviewsMutation:
    @strawberry.mutation(
        description="The buyer reviews one line of a DELIVERED or COMPLETED order, once: a rating of 1 to 5 and "
        f"optional text of up to {reviews.MAX_TEXT} characters."
    )
    async def create_review(
        self, info: Info[Context, None], order_line_id: strawberry.ID, rating: int, text: str = ""
    ) -> ReviewPayload:
        return await mutate(
            info, ReviewPayload,
            lambda user: reviews.create_review(user, parse_id(order_line_id, "orderLineId"), rating, text), _review,
        )

    @strawberry.mutation(description=f"The shop's owner replies to a review, once, in up to {reviews.MAX_TEXT} characters.")
    async def reply_to_review(self, info: Info[Context, None], review_id: strawberry.ID, text: str) -> ReviewPayload:
        return await mutate(
            info, ReviewPayload, lambda user: reviews.reply_to_review(user, parse_id(review_id, "reviewId"), text), _review
        )
