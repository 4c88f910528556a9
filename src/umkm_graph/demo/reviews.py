"""What demo buyers write about what they bought, and what sellers answer (demo/data/reviews.toml), made through the
reviews service so the shops' and products' ratings follow the reviews."""

from __future__ import annotations

import datetime as dt

from umkm_graph.demo.loading import load
from umkm_graph.demo.run import SeedRun
from umkm_graph.orders.models import Order, OrderLine
from umkm_graph.people.models import User
from umkm_graph.reviews import service as reviews_service
from umkm_graph.reviews.models import Review

_REVIEWS = load("reviews")

# Ratings lean high, as on every marketplace; about a third of reviews are a rating alone.
RATING_WEIGHTS: tuple[tuple[int, int], ...] = tuple(
    (int(rating), weight) for rating, weight in _REVIEWS.table("rating_weights").items()
)
REVIEW_TEXTS: dict[int, tuple[str, ...]] = {
    int(rating): tuple(texts) for rating, texts in _REVIEWS.table("texts").items()
}
# A seller's reply, by whether the rating was good (4 or 5).
REPLIES: dict[bool, tuple[str, ...]] = {
    True: tuple(_REVIEWS.table("replies")["thanks"]),
    False: tuple(_REVIEWS.table("replies")["apology"]),
}


async def review_order(run: SeedRun, order: Order, seller: User, buyer: User, delivered_at: dt.datetime) -> int:
    """Reviews of some of the order's lines, some answered by the seller; answers how many were made."""
    rng, made = run.rng, 0
    for line in await OrderLine.filter(order_id=order.id).order_by("id"):
        if rng.random() >= 0.6:
            continue
        ratings, weights = zip(*RATING_WEIGHTS, strict=True)
        rating = rng.choices(ratings, weights=weights)[0]
        text = rng.choice(REVIEW_TEXTS[rating]) if rng.random() < 0.7 else ""
        review = await reviews_service.create_review(buyer, line.id, rating, text)
        at = run.later(delivered_at, 2, 72)
        reply: dict[str, object] = {}
        if rng.random() < 0.4:
            await reviews_service.reply_to_review(seller, review.id, rng.choice(REPLIES[rating >= 4]))
            reply = {"replied_at": run.later(at, 1, 24)}
        await Review.filter(id=review.id).update(created_at=at, **reply)
        made += 1
    return made
