"""Review texts and replies: invisible characters stripped, direction overrides refused, a reply made only of
invisible characters refused (hardening II, item 19). No text at all is still a rating without words."""

from __future__ import annotations

from tests.helpers.api import Api
from tests.helpers.catalog import add_product
from tests.helpers.people import city_person, sign_up
from tests.helpers.reviews import CREATE_REVIEW, purchased_line
from tests.helpers.shops import verified_shop

REPLY = """
mutation($id: ID!, $text: String!) {
  replyToReview(reviewId: $id, text: $text) { review { id reply } errors { code field message } }
}
"""


async def test_review_text_is_cleaned_and_a_reply_of_invisible_characters_is_refused(api: Api) -> None:
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    shop = await verified_shop(api, seller, officer)
    product = await add_product(api, seller, shop["id"])
    buyer = await sign_up(api)
    line = await purchased_line(api, buyer, seller, product["id"])
    errors = await api.fails(CREATE_REVIEW, {"line": line, "rating": 5, "text": "Mantap \u202ekcurt"}, buyer.token)
    assert errors[0]["field"] == ["text"]
    review = (await api.ok(CREATE_REVIEW, {"line": line, "rating": 5, "text": "Pulen\u200b sekali\u200b\n\nMantap"},
                           buyer.token))["review"]
    assert review["text"] == "Pulen sekali\n\nMantap"
    for text in ("\u200b\u2060", "Terima kasih\u202e"):
        errors = await api.fails(REPLY, {"id": review["id"], "text": text}, seller.token)
        assert errors[0]["field"] == ["text"]
    assert (await api.ok(REPLY, {"id": review["id"], "text": "Terima\u200b kasih"}, seller.token))["review"]["reply"] \
        == "Terima kasih"


async def test_a_review_text_of_only_invisible_characters_is_refused_while_no_text_is_fine(api: Api) -> None:
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    shop = await verified_shop(api, seller, officer)
    product = await add_product(api, seller, shop["id"])
    buyer = await sign_up(api)
    line = await purchased_line(api, buyer, seller, product["id"])
    errors = await api.fails(CREATE_REVIEW, {"line": line, "rating": 4, "text": "\u200b\u200b"}, buyer.token)
    assert errors[0]["field"] == ["text"] and "invisible" in errors[0]["message"]
    review = (await api.ok(CREATE_REVIEW, {"line": line, "rating": 4, "text": "  "}, buyer.token))["review"]
    assert review["text"] == ""
