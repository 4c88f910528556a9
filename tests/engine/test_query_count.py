"""No N+1: the number of SQL statements a list query sends must not grow with its page size.

Statements are counted from tortoise's database client logger, which logs every statement it sends at DEBUG."""

from __future__ import annotations

from typing import Any

from tests.helpers.api import Api
from tests.helpers.catalog import add_product
from tests.helpers.people import city_person, sign_up
from tests.helpers.reviews import CREATE_REVIEW, purchased_line
from tests.helpers.shops import verified_shop
from tests.helpers.statements import counting_statements

PRODUCTS = """
query($first: Int!) { products(first: $first) { edges { node { shop { name kecamatan } rating reviewCount } } } }
"""
SHOP_REVIEWS = """
query($id: ID!, $first: Int!) { shop(id: $id) {
  reviews(first: $first) { edges { node { rating buyerName product { name } shop { name } } } }
} }
"""
KECAMATAN = [("Klojen", "Kauman"), ("Sukun", "Gadang"), ("Blimbing", "Polehan"), ("Lowokwaru", "Dinoyo"),
             ("Kedungkandang", "Buring")]


async def _statements(api: Api, query: str, variables: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    with counting_statements() as statements:
        data = await api.gql(query, variables)
    return len(statements), data


async def test_product_listing_statement_count_does_not_grow_with_page_size(api: Api) -> None:
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    shops = [await verified_shop(api, seller, officer, kecamatan=k, kelurahan=kel) for k, kel in KECAMATAN]
    products = [
        await add_product(api, seller, shops[i % len(shops)]["id"], name=f"Beras Medium 5 kg no. {i}", price=60000 + i)
        for i in range(110)
    ]
    buyer = await sign_up(api)
    for i, product in enumerate(products[::9]):
        line = await purchased_line(api, buyer, seller, product["id"])
        await api.ok(CREATE_REVIEW, {"line": line, "rating": 1 + i % 5}, buyer.token)

    small, small_page = await _statements(api, PRODUCTS, {"first": 10})
    large, large_page = await _statements(api, PRODUCTS, {"first": 100})
    print(f"\nSQL statements for products(first: 10): {small}; products(first: 100): {large}")

    small_nodes = [e["node"] for e in small_page["products"]["edges"]]
    large_nodes = [e["node"] for e in large_page["products"]["edges"]]
    assert len(small_nodes) == 10 and len(large_nodes) == 100
    assert {n["shop"]["kecamatan"] for n in large_nodes} == {k for k, _ in KECAMATAN}
    assert sum(n["reviewCount"] for n in large_nodes) > 0
    assert small == large


async def test_review_listing_statement_count_does_not_grow_with_page_size(api: Api) -> None:
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    shop = await verified_shop(api, seller, officer)
    buyers = [await sign_up(api, name=f"Pembeli {i}") for i in range(3)]
    for i in range(12):
        product = await add_product(api, seller, shop["id"], name=f"Gula Pasir 1 kg no. {i}", category="gula", packSize=1)
        line = await purchased_line(api, buyers[i % 3], seller, product["id"])
        await api.ok(CREATE_REVIEW, {"line": line, "rating": 1 + i % 5}, buyers[i % 3].token)

    small, _ = await _statements(api, SHOP_REVIEWS, {"id": shop["id"], "first": 2})
    large, page = await _statements(api, SHOP_REVIEWS, {"id": shop["id"], "first": 12})
    print(f"\nSQL statements for shop.reviews(first: 2): {small}; shop.reviews(first: 12): {large}")

    assert len(page["shop"]["reviews"]["edges"]) == 12
    assert small == large
