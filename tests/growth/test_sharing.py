"""Share links and referrals (issue 17, section 2), through GraphQL and the /s/<token> route, with the city's figures
computed by hand. A visit's moment is moved with a model update where a test needs an old one (HTTP cannot back-date)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from tests.helpers.api import Api, serve_to
from tests.helpers.checkout import CHECKOUT, Market, cart, market
from tests.helpers.city import asn
from tests.helpers.people import REGISTER, Person, city_person, serial, sign_up
from umkm_graph.growth.models import ShareVisit
from umkm_graph.people.models import Role
from umkm_graph.settings import Settings

SHARE = """
mutation($product: ID, $shop: ID) {
  createShareLink(productId: $product, shopId: $shop) { shareLink { token path url } errors { code field message } }
}
"""
CHECKOUT_SHARED = """
mutation($input: CheckoutInput!, $share: String) {
  checkout(input: $input, shareToken: $share) { checkout { orders { id shop { id } } } errors { code field message } }
}
"""
SPREAD = """
{ citySpread { minGroupSize
  byKecamatan { key shares visits attributedOrders attributedRupiah referredBuyers }
  byOpd { key shares visits attributedOrders attributedRupiah referredBuyers } } }
"""
CODE = "{ myReferralCode }"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, min_group_size=2)


async def _share(api: Api, person: Person, product: dict[str, Any] | None = None,
                 shop: dict[str, Any] | None = None) -> str:
    variables = {"product": product["id"] if product else None, "shop": shop["id"] if shop else None}
    return (await api.ok(SHARE, variables, person.token))["shareLink"]["token"]


async def _open(api: Api, token: str) -> tuple[int, str | None]:
    response = await api.client.get(f"/s/{token}")
    return response.status_code, response.headers.get("location")


async def _buy(api: Api, buyer: Person, lines: list[tuple[dict[str, Any], int]], shops: list[dict[str, Any]],
               token: str | None) -> dict[str, Any]:
    variables = {**cart(lines, [(shop, "pickup") for shop in shops]), "share": token}
    return await api.ok(CHECKOUT_SHARED, variables, buyer.token)


def _row(rows: list[dict[str, Any]], key: str) -> dict[str, Any]:
    (row,) = [row for row in rows if row["key"] == key]
    return {name: value for name, value in row.items() if name != "key"}


async def test_a_visited_link_leads_to_its_page_and_the_orders_it_brought_are_attributed(
        api: Api, settings: Settings) -> None:
    m = await market(api)
    sharer, friend = await sign_up(api, name="Dewi"), await sign_up(api, name="Rina")
    product_token = await _share(api, sharer, product=m.beras)
    again = await api.ok(SHARE, {"product": m.beras["id"]}, sharer.token)
    assert again["shareLink"]["token"] == product_token, "asked again, the same link"
    assert again["shareLink"]["path"] == f"/s/{product_token}"
    assert again["shareLink"]["url"] == f"http://testserver/s/{product_token}"
    share_id, signature = product_token.split(".")
    assert len(share_id) == 16 and len(signature) == 22  # random bytes and a signature: no person, product or date
    shop_token = await _share(api, friend, shop=m.other_shop)

    assert await _open(api, product_token) == (302, f"/products/{m.beras['id']}?share={product_token}")
    status, location = await _open(api, shop_token)
    assert status == 302 and location is not None and location.startswith("/shops/warung-pak-harto")

    # Rina buys beras (the link's product) and telur (another shop's): only the beras order is the link's.
    both = await _buy(api, friend, [(m.beras, 1), (m.telur, 1)], [m.shop, m.other_shop], product_token)
    assert len(both["checkout"]["orders"]) == 2
    # Dewi buys through her own link: not attributed. A buyer without a token: not attributed.
    await _buy(api, sharer, [(m.beras, 1)], [m.shop], product_token)
    await _buy(api, m.buyer, [(m.minyak, 1)], [m.shop], None)

    analyst = await city_person(api, Role.ANALYST)
    spread = (await api.gql(SPREAD, token=analyst.token))["citySpread"]
    assert spread["minGroupSize"] == 2
    # Both shops are in Klojen: two links of two sharers, two visits; one attributed order, of one buyer: withheld.
    assert _row(spread["byKecamatan"], "Klojen") == {
        "shares": 2, "visits": 2, "attributedOrders": None, "attributedRupiah": None, "referredBuyers": 0}
    assert spread["byOpd"] == []


async def test_a_second_buyer_makes_the_attributed_orders_shown(api: Api, settings: Settings) -> None:
    m = await market(api)
    sharer, first, second = await sign_up(api), await sign_up(api), await sign_up(api)
    token = await _share(api, sharer, product=m.beras)
    await _open(api, token)
    await _buy(api, first, [(m.beras, 2)], [m.shop], token)
    await _buy(api, second, [(m.beras, 1), (m.minyak, 1)], [m.shop], token)
    await _buy(api, second, [(m.minyak, 1)], [m.shop], token)  # the shop's, without the link's product: not its

    analyst = await city_person(api, Role.ANALYST)
    spread = (await api.gql(SPREAD, token=analyst.token))["citySpread"]
    klojen = _row(spread["byKecamatan"], "Klojen")
    # One sharer behind the share and the visit: withheld. Two buyers behind 2 orders: 135,000 + 83,200.
    assert klojen == {"shares": None, "visits": None, "attributedOrders": 2, "attributedRupiah": 135_000 + 83_200,
                      "referredBuyers": 0}


async def test_checkout_from_the_cart_attributes_too(api: Api, settings: Settings) -> None:
    m = await market(api)
    sharer, friend = await sign_up(api), await sign_up(api)
    token = await _share(api, sharer, shop=m.shop)
    await _open(api, token)
    add = "mutation($p: ID!) { addToCart(productId: $p, quantity: 2) { errors { code field message } } }"
    for buyer in (friend, m.buyer):
        await api.ok(add, {"p": m.beras["id"]}, buyer.token)
        await api.ok("""mutation($input: CartCheckoutInput!, $share: String) {
          checkoutCart(input: $input, shareToken: $share) { checkout { id } errors { code field message } } }""",
                     {"input": {"shops": [{"shopId": m.shop["id"], "deliveryProvider": "pickup"}],
                                "paymentMethod": "COD"}, "share": token}, buyer.token)
    analyst = await city_person(api, Role.ANALYST)
    klojen = _row((await api.gql(SPREAD, token=analyst.token))["citySpread"]["byKecamatan"], "Klojen")
    assert (klojen["attributedOrders"], klojen["attributedRupiah"]) == (2, 2 * 135_000)


async def test_a_bad_or_changed_token_is_404_and_checkout_refuses_it_before_writing(
        api: Api, settings: Settings) -> None:
    m = await market(api)
    token = await _share(api, m.buyer, shop=m.shop)
    share_id, signature = token.split(".")
    changed = f"{share_id}.{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}"
    for bad in (changed, share_id, "nothing", f"{share_id[:-1]}x.{signature}", f"{share_id}.{signature[:-1]}%C3%A9",
                "x" * 200):
        assert (await _open(api, bad))[0] == 404, bad
    buyer = await sign_up(api)
    errors = await api.fails(CHECKOUT_SHARED, {**cart([(m.beras, 1)], [(m.shop, "pickup")]), "share": changed},
                             buyer.token)
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID", ["shareToken"])]
    assert (await api.gql("{ myOrders { totalCount } }", token=buyer.token))["myOrders"]["totalCount"] == 0


async def test_share_links_name_only_what_buyers_can_see(api: Api, settings: Settings) -> None:
    m = await market(api)
    for variables, field in (({"product": "999999"}, "productId"), ({"shop": "999999"}, "shopId"),
                             ({}, "productId"), ({"product": m.beras["id"], "shop": m.shop["id"]}, "productId")):
        errors = await api.fails(SHARE, variables, m.buyer.token)
        assert errors[0]["field"] == [field], (variables, errors)
    anonymous = await api.gql(SHARE, {"shop": m.shop["id"]})
    assert [e["code"] for e in anonymous["createShareLink"]["errors"]] == ["UNAUTHENTICATED"]


async def test_a_visit_counts_once_a_day_per_address_and_attributes_only_within_the_window(settings: Settings) -> None:
    async with serve_to(settings, "203.0.113.10", "198.51.100.7") as (api, elsewhere):
        m = await market(api)
        sharer, second_sharer = await sign_up(api), await sign_up(api)
        token, other_token = await _share(api, sharer, shop=m.shop), await _share(api, second_sharer, shop=m.shop)
        for _ in range(3):
            await _open(api, token)
        await _open(elsewhere, token)
        await _open(api, other_token)
        analyst = await city_person(api, Role.ANALYST)
        klojen = _row((await api.gql(SPREAD, token=analyst.token))["citySpread"]["byKecamatan"], "Klojen")
        assert (klojen["shares"], klojen["visits"]) == (2, 3)

        # Every visit of the first link older than the window: its token no longer attributes.
        await ShareVisit.all().update(visited_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=8))
        late, on_time = await sign_up(api), await sign_up(api)
        await _buy(api, late, [(m.beras, 1)], [m.shop], token)
        await _open(api, other_token)  # a fresh visit of the second link
        await _buy(api, on_time, [(m.beras, 1)], [m.shop], other_token)
        await _buy(api, late, [(m.minyak, 1)], [m.shop], other_token)
        klojen = _row((await api.gql(SPREAD, token=analyst.token))["citySpread"]["byKecamatan"], "Klojen")
        assert (klojen["attributedOrders"], klojen["attributedRupiah"]) == (2, 67_500 + 15_700)


async def test_opening_share_links_is_rate_limited_per_address(settings: Settings) -> None:
    limited = dataclasses.replace(settings, rate_limit_per_ip=3)
    async with serve_to(limited, "203.0.113.10", "198.51.100.7") as (api, elsewhere):
        statuses = [(await _open(api, "not-a-token"))[0] for _ in range(4)]
        assert statuses == [404, 404, 404, 429]
        assert (await _open(elsewhere, "not-a-token"))[0] == 404


async def _register(api: Api, **extra: Any) -> dict[str, Any]:
    email = f"referred{next(serial)}@example.id"
    token = extra.pop("token", None)
    data = await api.gql(REGISTER, {"input": {"email": email, "password": "rahasia-123", "name": "Teman", **extra}},
                         token)
    return data["register"]


async def test_a_new_account_registers_with_a_referral_code_and_counts_once_it_buys(
        api: Api, settings: Settings) -> None:
    m = await market(api)
    inviter = await asn(api, "Diskominfo", name="Bu Ani")
    other_inviter = await asn(api, "Diskominfo", name="Pak Budi")
    code = (await api.gql(CODE, token=inviter.token))["myReferralCode"]
    assert len(code) == 8 and (await api.gql(CODE, token=inviter.token))["myReferralCode"] == code
    other_code = (await api.gql(CODE, token=other_inviter.token))["myReferralCode"]

    for wrong in ("ZZZZ2222", '";DROP TABLE ORDERS;' * 3):  # unknown, and longer than any code
        unknown = await _register(api, referralCode=wrong)
        assert [(e["code"], e["field"]) for e in unknown["errors"]] == [("NOT_FOUND", ["input", "referralCode"])]
    assert unknown["token"] is None
    await api.ok("mutation { updateProfile(input: {phone: \"081234567890\"}) { errors { code field message } } }",
                 token=inviter.token)
    own = await _register(api, referralCode=code.lower(), phone="0812-3456-7890")
    assert [(e["code"], e["field"]) for e in own["errors"]] == [("INVALID", ["input", "referralCode"])]

    first = await _register(api, referralCode=code)
    second = await _register(api, referralCode=f" {other_code[:4]}-{other_code[4:]} ")
    assert first["errors"] == [] and second["errors"] == []
    for referred in (first, second):
        buyer = Person(id=referred["user"]["id"], email="", token=referred["token"])
        await api.ok(CHECKOUT, cart([(m.beras, 1)], [(m.shop, "pickup")]), buyer.token)
    never_buys = await _register(api, referralCode=code)
    assert never_buys["errors"] == []

    analyst = await city_person(api, Role.ANALYST)
    spread = (await api.gql(SPREAD, token=analyst.token))["citySpread"]
    assert _row(spread["byKecamatan"], "Klojen")["referredBuyers"] == 2
    assert _row(spread["byOpd"], "Diskominfo")["referredBuyers"] == 2


async def test_the_spread_is_the_citys_to_read(api: Api, settings: Settings) -> None:
    buyer = await sign_up(api)
    denied = await api.post(SPREAD, token=buyer.token)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    officer = await city_person(api)
    assert (await api.gql(SPREAD, token=officer.token))["citySpread"]["byKecamatan"] == []
    assert (await api.post(CODE, token=officer.token))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
