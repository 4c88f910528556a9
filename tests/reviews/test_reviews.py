"""Reviews: only the buyer of a delivered purchase rates it, once; the owner replies once; ratings follow the reviews."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import pytest

from tests.helpers.api import Api
from tests.helpers.catalog import add_product
from tests.helpers.people import Person, city_person, sign_up
from tests.helpers.reviews import CREATE_REVIEW, purchased_line
from tests.helpers.shops import verified_shop
from umkm_graph.orders.models import OrderStatus

REPLY = """
mutation($id: ID!, $text: String!) {
  replyToReview(reviewId: $id, text: $text) { review { id reply repliedAt } errors { code field message } }
}
"""
PRODUCT_RATING = "query($id: ID!) { product(id: $id) { rating reviewCount } }"
SHOP_RATING = "query($id: ID!) { shop(id: $id) { rating reviewCount } }"
PRODUCT_REVIEWS = """
query($id: ID!, $first: Int, $after: String) { product(id: $id) {
  reviews(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id rating } } }
} }
"""


@dataclass
class Market:
    seller: Person
    shop: dict[str, Any]
    product: dict[str, Any]
    buyer: Person


async def _market(api: Api) -> Market:
    seller, officer = await sign_up(api, "SELLER", name="Bu Endang"), await city_person(api)
    shop = await verified_shop(api, seller, officer)
    product = await add_product(api, seller, shop["id"])
    return Market(seller, shop, product, await sign_up(api, name="Siti Aminah Rahayu"))


async def review(api: Api, m: Market, buyer: Person, product_id: str, rating: int, text: str = "") -> dict[str, Any]:
    line = await purchased_line(api, buyer, m.seller, product_id)
    return (await api.ok(CREATE_REVIEW, {"line": line, "rating": rating, "text": text}, buyer.token))["review"]


@pytest.mark.parametrize("status", [OrderStatus.DELIVERED, OrderStatus.COMPLETED])
async def test_buyer_reviews_a_delivered_purchase_as_a_verified_purchase(api: Api, status: OrderStatus) -> None:
    m = await _market(api)
    line = await purchased_line(api, m.buyer, m.seller, m.product["id"], status)
    text = "  Berasnya pulen, kirim cepat.  "
    result = await api.ok(CREATE_REVIEW, {"line": line, "rating": 4, "text": text}, m.buyer.token)
    assert result["review"] == {
        "id": result["review"]["id"], "rating": 4, "text": "Berasnya pulen, kirim cepat.", "reply": None,
        "buyerName": "Siti", "verifiedPurchase": True, "product": {"id": m.product["id"]}, "shop": {"id": m.shop["id"]},
    }
    assert (await api.gql(PRODUCT_RATING, {"id": m.product["id"]}))["product"] == {"rating": 4.0, "reviewCount": 1}


@pytest.mark.parametrize(
    "status",
    [OrderStatus.PLACED, OrderStatus.ACCEPTED, OrderStatus.OUT_FOR_DELIVERY,
     OrderStatus.READY_FOR_PICKUP, OrderStatus.CANCELLED],
)
async def test_purchase_not_yet_delivered_cannot_be_reviewed(api: Api, status: OrderStatus) -> None:
    m = await _market(api)
    line = await purchased_line(api, m.buyer, m.seller, m.product["id"], status)
    errors = await api.fails(CREATE_REVIEW, {"line": line, "rating": 5}, m.buyer.token)
    assert errors[0]["code"] == "NOT_AVAILABLE" and errors[0]["field"] == ["orderLineId"]
    assert status.value in errors[0]["message"]


async def test_only_the_buyer_of_the_line_can_review_it(api: Api) -> None:
    m = await _market(api)
    line = await purchased_line(api, m.buyer, m.seller, m.product["id"])
    stranger = await sign_up(api)
    for person in (stranger, m.seller):
        errors = await api.fails(CREATE_REVIEW, {"line": line, "rating": 1}, person.token)
        assert errors[0]["code"] == "NOT_FOUND" and errors[0]["field"] == ["orderLineId"]
    assert (await api.fails(CREATE_REVIEW, {"line": line, "rating": 1}))[0]["code"] == "UNAUTHENTICATED"
    assert (await api.gql(PRODUCT_RATING, {"id": m.product["id"]}))["product"] == {"rating": None, "reviewCount": 0}


async def test_a_purchase_is_reviewed_only_once(api: Api) -> None:
    m = await _market(api)
    line = await purchased_line(api, m.buyer, m.seller, m.product["id"])
    await api.ok(CREATE_REVIEW, {"line": line, "rating": 5}, m.buyer.token)
    errors = await api.fails(CREATE_REVIEW, {"line": line, "rating": 1}, m.buyer.token)
    assert errors[0]["code"] == "ALREADY_EXISTS" and errors[0]["field"] == ["orderLineId"]
    assert (await api.gql(PRODUCT_RATING, {"id": m.product["id"]}))["product"] == {"rating": 5.0, "reviewCount": 1}


async def test_two_reviews_of_one_line_sent_at_once_make_one_review(api: Api) -> None:
    m = await _market(api)
    line = await purchased_line(api, m.buyer, m.seller, m.product["id"])
    results = await asyncio.gather(
        *(api.gql(CREATE_REVIEW, {"line": line, "rating": rating}, m.buyer.token) for rating in (5, 1))
    )
    errors = sorted(e["code"] for r in results for e in r["createReview"]["errors"])
    assert errors == ["ALREADY_EXISTS"]
    assert (await api.gql(PRODUCT_RATING, {"id": m.product["id"]}))["product"]["reviewCount"] == 1
    assert (await api.gql(SHOP_RATING, {"id": m.shop["id"]}))["shop"]["reviewCount"] == 1


@pytest.mark.parametrize("rating", [0, 6, -1, 100])
async def test_rating_must_be_1_to_5(api: Api, rating: int) -> None:
    m = await _market(api)
    line = await purchased_line(api, m.buyer, m.seller, m.product["id"])
    errors = await api.fails(CREATE_REVIEW, {"line": line, "rating": rating}, m.buyer.token)
    assert errors[0]["code"] == "INVALID" and errors[0]["field"] == ["rating"] and "1 to 5" in errors[0]["message"]


async def test_bad_rating_and_overlong_text_are_reported_together(api: Api) -> None:
    m = await _market(api)
    line = await purchased_line(api, m.buyer, m.seller, m.product["id"])
    errors = await api.fails(CREATE_REVIEW, {"line": line, "rating": 9, "text": "x" * 2001}, m.buyer.token)
    assert {e["field"][0] for e in errors} == {"rating", "text"}
    assert (await api.gql(PRODUCT_RATING, {"id": m.product["id"]}))["product"]["reviewCount"] == 0


async def test_a_malformed_order_line_id_is_a_field_error(api: Api) -> None:
    m = await _market(api)
    errors = await api.fails(CREATE_REVIEW, {"line": "baris-1", "rating": 5}, m.buyer.token)
    assert errors[0]["code"] == "INVALID" and errors[0]["field"] == ["orderLineId"]


async def test_shop_owner_replies_once(api: Api) -> None:
    m = await _market(api)
    posted = await review(api, m, m.buyer, m.product["id"], 3, "Kemasan agak sobek.")
    reply = await api.ok(REPLY, {"id": posted["id"], "text": "  Mohon maaf, akan kami perbaiki.  "}, m.seller.token)
    assert reply["review"]["reply"] == "Mohon maaf, akan kami perbaiki." and reply["review"]["repliedAt"]
    again = await api.fails(REPLY, {"id": posted["id"], "text": "Terima kasih!"}, m.seller.token)
    assert again[0]["code"] == "ALREADY_EXISTS" and again[0]["field"] == ["reviewId"]
    public = await api.gql("query($id: ID!) { review(id: $id) { reply } }", {"id": posted["id"]})
    assert public["review"]["reply"] == "Mohon maaf, akan kami perbaiki."


async def test_only_the_shop_owner_may_reply(api: Api) -> None:
    m = await _market(api)
    posted = await review(api, m, m.buyer, m.product["id"], 2)
    other_seller = await sign_up(api, "SELLER")
    for person in (other_seller, m.buyer):
        errors = await api.fails(REPLY, {"id": posted["id"], "text": "Halo"}, person.token)
        assert errors[0]["code"] == "FORBIDDEN" and errors[0]["field"] == ["reviewId"]
    assert (await api.fails(REPLY, {"id": posted["id"], "text": "Halo"}))[0]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(("text", "reason"), [("   ", "1 to 2000"), ("y" * 2001, "1 to 2000")])
async def test_reply_must_have_text_within_the_cap(api: Api, text: str, reason: str) -> None:
    m = await _market(api)
    posted = await review(api, m, m.buyer, m.product["id"], 4)
    errors = await api.fails(REPLY, {"id": posted["id"], "text": text}, m.seller.token)
    assert errors[0]["field"] == ["text"] and reason in errors[0]["message"]


async def test_reply_to_a_missing_review_is_not_found(api: Api) -> None:
    m = await _market(api)
    errors = await api.fails(REPLY, {"id": "424242", "text": "Halo"}, m.seller.token)
    assert errors[0]["code"] == "NOT_FOUND" and errors[0]["field"] == ["reviewId"]


async def test_product_and_shop_ratings_equal_the_reviews(api: Api) -> None:
    m = await _market(api)
    other = await add_product(api, m.seller, m.shop["id"], name="Beras Premium 5 kg", price=74500)
    unrated = await add_product(api, m.seller, m.shop["id"], name="Beras Pandan Wangi 5 kg", price=80000)
    buyers = [m.buyer, await sign_up(api, name="Agus"), await sign_up(api, name="Dewi")]
    for buyer, rating in zip(buyers, (5, 4), strict=False):
        await review(api, m, buyer, m.product["id"], rating)
    for buyer in buyers:
        await review(api, m, buyer, other["id"], 4)

    assert (await api.gql(PRODUCT_RATING, {"id": m.product["id"]}))["product"] == {"rating": 4.5, "reviewCount": 2}
    assert (await api.gql(PRODUCT_RATING, {"id": other["id"]}))["product"] == {"rating": 4.0, "reviewCount": 3}
    assert (await api.gql(PRODUCT_RATING, {"id": unrated["id"]}))["product"] == {"rating": None, "reviewCount": 0}
    # (5 + 4 + 4 + 4 + 4) / 5
    assert (await api.gql(SHOP_RATING, {"id": m.shop["id"]}))["shop"] == {"rating": 4.2, "reviewCount": 5}
    # The stored average drives this sort: 4.5 must beat 4.0 even with fewer reviews, so it was not truncated.
    by_rating = await api.gql("{ products(sort: RATING) { edges { node { id } } } }")
    assert [e["node"]["id"] for e in by_rating["products"]["edges"]] == [m.product["id"], other["id"], unrated["id"]]


async def test_reviews_are_public_newest_first_in_stable_pages(api: Api) -> None:
    m = await _market(api)
    posted = [await review(api, m, m.buyer, m.product["id"], rating) for rating in (1, 2, 3, 4, 5)]
    newest_first = [p["id"] for p in reversed(posted)]
    first = (await api.gql(PRODUCT_REVIEWS, {"id": m.product["id"], "first": 2}))["product"]["reviews"]
    rest = (await api.gql(PRODUCT_REVIEWS, {"id": m.product["id"], "first": 10,
                                            "after": first["pageInfo"]["endCursor"]}))["product"]["reviews"]
    assert first["totalCount"] == 5 and first["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["id"] for e in first["edges"] + rest["edges"]] == newest_first
    shop = await api.gql("query($id: ID!) { shop(id: $id) { reviews { edges { node { id buyerName } } } } }",
                         {"id": m.shop["id"]})
    assert [e["node"]["id"] for e in shop["shop"]["reviews"]["edges"]] == newest_first


async def test_entities_resolve_a_review(api: Api) -> None:
    m = await _market(api)
    posted = await review(api, m, m.buyer, m.product["id"], 5, "Mantap")
    query = """
    query($r: [_Any!]!) { _entities(representations: $r) {
      __typename ... on Review { id rating text buyerName product { id } } } }
    """
    representations = [{"__typename": "Review", "id": posted["id"]}, {"__typename": "Review", "id": "424242"}]
    data = await api.gql(query, {"r": representations})
    assert data["_entities"] == [
        {"__typename": "Review", "id": posted["id"], "rating": 5, "text": "Mantap", "buyerName": "Siti",
         "product": {"id": m.product["id"]}},
        None,
    ]
