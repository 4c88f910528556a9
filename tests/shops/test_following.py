"""Following shops (langganan) through GraphQL: followers are counted on the shop, and hear by email (a real SMTP
server on 127.0.0.1) when a followed shop lists a new sembako product or restocks one that was out, at most once per
shop within follower_message_hours."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from tests.helpers.catalog import add_product
from tests.helpers.checkout import ERRORS, Market, market
from tests.helpers.mail import MailServed, mail_served
from tests.helpers.people import sign_up
from umkm_graph.shops.models import ShopFollow
from umkm_graph.settings import Settings

FOLLOW = f"mutation($shop: ID!) {{ followShop(shopId: $shop) {{ shop {{ id followerCount }} {ERRORS} }} }}"
UNFOLLOW = f"mutation($shop: ID!) {{ unfollowShop(shopId: $shop) {{ shop {{ id followerCount }} {ERRORS} }} }}"
FOLLOWED = "{ myFollowedShops { totalCount edges { node { name followerCount } } } }"
SHOP = "query($id: ID!) { shop(id: $id) { followerCount } }"
SET_STOCK = f"mutation($id: ID!, $stock: Int!) {{ setStock(id: $id, stock: $stock) {{ {ERRORS} }} }}"
UPDATE = f"mutation($id: ID!, $input: ProductInput!) {{ updateProduct(id: $id, input: $input) {{ {ERRORS} }} }}"


@pytest.fixture
async def served(settings: Settings) -> AsyncIterator[MailServed]:
    async with mail_served(settings) as served:
        yield served


async def test_a_buyer_follows_and_unfollows_a_shop_and_it_counts_its_followers(served: MailServed) -> None:
    api = served.api
    m = await market(api)
    other = await sign_up(api)
    for person in (m.buyer, m.buyer, other):  # following again changes nothing
        assert (await api.ok(FOLLOW, {"shop": m.shop["id"]}, person.token))["shop"]["id"] == m.shop["id"]
    await api.ok(FOLLOW, {"shop": m.other_shop["id"]}, m.buyer.token)
    assert (await api.gql(SHOP, {"id": m.shop["id"]}))["shop"]["followerCount"] == 2
    followed = (await api.gql(FOLLOWED, token=m.buyer.token))["myFollowedShops"]
    assert [e["node"]["name"] for e in followed["edges"]] == ["Warung Pak Harto", "Toko Bu Endang"]
    assert (await api.ok(UNFOLLOW, {"shop": m.shop["id"]}, m.buyer.token))["shop"]["followerCount"] == 1
    assert (await api.ok(UNFOLLOW, {"shop": m.shop["id"]}, m.buyer.token))["shop"]["followerCount"] == 1
    assert (await api.gql(FOLLOWED, token=m.buyer.token))["myFollowedShops"]["totalCount"] == 1


async def test_one_s_own_shop_or_an_unknown_one_cannot_be_followed_nor_by_nobody(served: MailServed) -> None:
    api = served.api
    m = await market(api)
    own = await api.fails(FOLLOW, {"shop": m.shop["id"]}, m.seller.token)
    assert [(e["code"], e["field"]) for e in own] == [("FORBIDDEN", ["shopId"])]
    unknown = await api.fails(FOLLOW, {"shop": "999999"}, m.buyer.token)
    assert [(e["code"], e["field"]) for e in unknown] == [("NOT_FOUND", ["shopId"])]
    anonymous = await api.fails(FOLLOW, {"shop": m.shop["id"]})
    assert anonymous[0]["code"] == "UNAUTHENTICATED"


async def follower(served: MailServed) -> tuple[Market, str]:
    m = await market(served.api)
    await served.api.ok(FOLLOW, {"shop": m.shop["id"]}, m.buyer.token)
    return m, m.buyer.email


async def test_followers_hear_of_a_new_sembako_product_but_not_of_other_goods(served: MailServed) -> None:
    m, email = await follower(served)
    await add_product(served.api, m.seller, m.shop["id"], category="kerajinan", name="Tas Anyaman", unit="PIECE",
                      packSize=1, price=85000, stock=3)
    await add_product(served.api, m.seller, m.shop["id"], category="gula", name="Gula Pasir 1 kg", unit="KG",
                      packSize=1, price=17500, stock=5)
    await served.send()
    (mail,) = served.mailbox.to(email)
    assert mail["Subject"] == "Toko Bu Endang punya produk baru: Gula Pasir 1 kg"
    assert "seharga Rp17.500" in mail.get_content()
    assert served.mailbox.to(m.seller.email) == []


async def test_a_restock_is_heard_once_and_more_changes_wait_for_the_quiet_hours(served: MailServed) -> None:
    api = served.api
    m, email = await follower(served)
    await api.ok(SET_STOCK, {"id": m.beras["id"], "stock": 0}, m.seller.token)
    await api.ok(SET_STOCK, {"id": m.beras["id"], "stock": 12}, m.seller.token)
    await api.ok(SET_STOCK, {"id": m.beras["id"], "stock": 15}, m.seller.token)  # was not out: nothing to tell
    await api.ok(UPDATE, {"id": m.minyak["id"], "input": {"stock": 0}}, m.seller.token)
    await api.ok(UPDATE, {"id": m.minyak["id"], "input": {"stock": 4}}, m.seller.token)  # a restock, but too soon
    await served.send()
    assert served.mailbox.subjects(email) == ["Beras Medium 5 kg tersedia lagi di Toko Bu Endang"]

    # Thirteen hours later (UMKM_FOLLOWER_MESSAGE_HOURS is 12), the next restock is told.
    await ShopFollow.filter(user_id=int(m.buyer.id)).update(
        last_notified_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=13))
    await api.ok(SET_STOCK, {"id": m.minyak["id"], "stock": 0}, m.seller.token)
    await api.ok(SET_STOCK, {"id": m.minyak["id"], "stock": 9}, m.seller.token)
    await served.send()
    assert served.mailbox.subjects(email)[1:] == ["MinyaKita 1 L tersedia lagi di Toko Bu Endang"]
