"""Reviews: the buyer of a delivered order line rates it once, the shop replies once, and ratings follow the reviews."""

from __future__ import annotations

import datetime as dt

from pypika_tortoise.functions import Cast
from tortoise.exceptions import IntegrityError
from tortoise.expressions import CombinedExpression, Connector, Expression, F, ResolveContext, ResolveResult
from tortoise.models import Model
from tortoise.transactions import in_transaction

from umkm_graph import changes
from umkm_graph.catalog.models import Product
from umkm_graph.changes import Entity
from umkm_graph.core.errors import DomainError, ErrorCode, Validator
from umkm_graph.core.paging import Page, Window, page_of
from umkm_graph.core.text import clean_text
from umkm_graph.orders.models import OrderLine, OrderStatus
from umkm_graph.people.access import require_user
from umkm_graph.people.models import User
from umkm_graph.reviews.models import Review
from umkm_graph.shops.models import Shop

MAX_TEXT = 2000
MIN_RATING, MAX_RATING = 1, 5
# Goods in hand: a review before delivery would rate a promise, not a purchase.
REVIEWABLE = (OrderStatus.DELIVERED, OrderStatus.COMPLETED)


def _clean_review(rating: int, text: str) -> str:
    check = Validator()
    check.check(MIN_RATING <= rating <= MAX_RATING, "rating",
                f"Rating must be a whole number from {MIN_RATING} to {MAX_RATING}")
    text = clean_text(check, "text", text, label="Review text", max_length=MAX_TEXT, required=False, multiline=True)
    check.raise_if_any()
    return text


async def _add_rating(model: type[Model], row_id: int, rating: int) -> None:
    """Fold one rating into a product's or shop's sum, count and average in a single atomic UPDATE.

    Every SET expression sees the row as it was before the update, so the average uses the new sum and count."""
    await model.filter(id=row_id).update(
        rating_sum=F("rating_sum") + rating,
        review_count=F("review_count") + 1,
        rating=_average_after(rating),
    )


class _Real(Expression):
    """An expression cast to a floating-point number, so that SQL divides without truncating."""

    def __init__(self, inner: Expression) -> None:
        self.inner = inner

    def resolve(self, resolve_context: ResolveContext) -> ResolveResult:
        inner = self.inner.resolve(resolve_context)
        return ResolveResult(term=Cast(inner.term, "DOUBLE PRECISION"), joins=inner.joins)


def _average_after(rating: int) -> CombinedExpression:
    """(rating_sum + rating) / (review_count + 1) in floating point.

    A cast, not "* 1.0": PostgreSQL would type a 1.0 parameter after the integer beside it and divide integers."""
    return CombinedExpression(_Real(F("rating_sum") + rating), Connector.div, F("review_count") + 1)


async def create_review(user: User | None, order_line_id: int, rating: int, text: str) -> Review:
    """The line's buyer reviews a delivered or completed purchase, once; the product's and shop's ratings move with it."""
    buyer = require_user(user)
    text = _clean_review(rating, text)
    line = await OrderLine.get_or_none(id=order_line_id).select_related("order")
    if line is None or line.order.buyer_id != buyer.id:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.NOT_FOUND, "No order line of yours has this id", "orderLineId")
    order = line.order
    if order.status not in REVIEWABLE:
        raise DomainError(
            ErrorCode.NOT_AVAILABLE,
            f"A purchase can be reviewed once it is delivered; this order is {order.status.value}",
            "orderLineId",
        )
    try:
        async with in_transaction():
            review = await Review.create(
                order_line_id=line.id, product_id=line.product_id, shop_id=order.shop_id,  # type: ignore[attr-defined]
                buyer_id=buyer.id, rating=rating, text=text,
            )
            await _add_rating(Product, line.product_id, rating)  # type: ignore[attr-defined]
            await _add_rating(Shop, order.shop_id, rating)  # type: ignore[attr-defined]
    except IntegrityError:
        # The unique order line decides a race between two submissions; the loser's transaction rolled back whole.
        raise DomainError(ErrorCode.ALREADY_EXISTS, "This purchase already has a review", "orderLineId") from None
    await changes.changed(Entity.REVIEW, Entity.PRODUCT, Entity.SHOP)
    return review


async def reply_to_review(user: User | None, review_id: int, text: str) -> Review:
    """The shop's owner answers a review, once."""
    owner = require_user(user)
    check = Validator()
    text = clean_text(check, "text", text, label="Reply", max_length=MAX_TEXT, multiline=True)
    check.raise_if_any()
    review = await Review.get_or_none(id=review_id).select_related("shop")
    if review is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No review has this id", "reviewId")
    if review.shop.owner_id != owner.id:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.FORBIDDEN, "Only the shop's owner may reply to its reviews", "reviewId")
    now = dt.datetime.now(dt.UTC)
    # Conditional on "no reply yet", so two replies sent at once cannot both land.
    if not await Review.filter(id=review.id, reply__isnull=True).update(reply=text, replied_at=now):
        raise DomainError(ErrorCode.ALREADY_EXISTS, "This review already has a reply", "reviewId")
    await changes.changed(Entity.REVIEW)
    review.reply, review.replied_at = text, now
    return review


async def review_page(window: Window, *, product_id: int | None = None, shop_id: int | None = None) -> Page[Review]:
    """A product's or a shop's reviews, newest first; id breaks ties so pages never overlap."""
    query = Review.all()
    if product_id is not None:
        query = query.filter(product_id=product_id)
    if shop_id is not None:
        query = query.filter(shop_id=shop_id)
    return await page_of(query, window, ("-created_at", "-id"))


def can_see_review(user: User | None, review: Review) -> bool:
    """Reviews are public: anyone, signed in or not, sees every one."""
    return True
