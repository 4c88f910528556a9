"""The storefront's SQL, as the README promises it: one statement reads a page of products with their shops, whatever
the page's size, and the whole storefront document stays within a small, fixed number of statements."""

from __future__ import annotations

import re
from pathlib import Path

from tests.helpers.api import Api, scrape_metrics
from tests.helpers.catalog import add_product
from tests.helpers.people import city_person, sign_up
from tests.helpers.shops import verified_shop
from tests.helpers.statements import counting_statements

STOREFRONT = Path(__file__).resolve().parents[2].joinpath("examples", "storefront.graphql").read_text()
# The category tree (read once, for the menu and every product's category), the page of products with their shops, and
# its total count: what the storefront costs today. A new statement per request must be a decision, not an accident.
STATEMENT_BUDGET = 3
_READS_PRODUCTS = re.compile(r'\bFROM\s+"?products"?', re.I)
_JOINS_SHOPS = re.compile(r'\bJOIN\s+"?shops"?', re.I)
_FROM_SHOPS = re.compile(r'\bFROM\s+"?shops"?', re.I)


async def _storefront(api: Api, first: int) -> tuple[list[str], list[dict[str, object]]]:
    with counting_statements() as statements:
        data = await api.gql(STOREFRONT, {"first": first, "sort": "PRICE_ASC"})
    return list(statements), [edge["node"] for edge in data["products"]["edges"]]


async def test_one_statement_reads_a_page_of_products_with_their_shops_at_any_page_size(api: Api) -> None:
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    shops = [await verified_shop(api, seller, officer, kecamatan=k, kelurahan=kel)
             for k, kel in (("Klojen", "Kauman"), ("Sukun", "Gadang"), ("Blimbing", "Polehan"))]
    for i in range(36):
        await add_product(api, seller, shops[i % 3]["id"], name=f"Gula Pasir 1 kg no. {i}", price=17000 + i)

    for first in (5, 30):
        statements, nodes = await _storefront(api, first)
        assert len(nodes) == first and {node["shop"]["kecamatan"] for node in nodes} == {"Klojen", "Sukun", "Blimbing"}
        pages = [s for s in statements if _READS_PRODUCTS.search(s) and re.search(r"\bLIMIT\b", s, re.I)]
        assert len(pages) == 1, statements
        assert _JOINS_SHOPS.search(pages[0]), pages[0]  # the shops come in the page's own statement...
        assert [s for s in statements if _FROM_SHOPS.search(s)] == []  # ...not in one of their own
        assert len(statements) <= STATEMENT_BUDGET, statements


def _listing_statements(metrics: str) -> dict[str, float]:
    found = re.findall(r'^umkm_listing_statements_total\{outcome="(\w+)"\} (\S+)$', metrics, re.M)
    return {outcome: float(value) for outcome, value in found}


async def test_a_listing_of_a_known_shape_reuses_its_statement_whatever_the_values(api: Api) -> None:
    """The shape (which filters, the sort, the columns) picks the statement; the values are only its parameters."""
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    shop = await verified_shop(api, seller, officer)
    for price in (15000, 16000, 17000):
        await add_product(api, seller, shop["id"], name=f"Minyak Goreng 1 L Rp{price}", price=price)
    query = "query($min: Rupiah!) { products(filter: {minPrice: $min}, sort: PRICE_DESC) { edges { node { name price } } } }"

    before = _listing_statements(await scrape_metrics(api))
    answers = [[node["node"]["price"] for node in (await api.gql(query, {"min": low}))["products"]["edges"]]
               for low in (15500, 16500, 14000)]
    after = _listing_statements(await scrape_metrics(api))

    assert answers == [[17000, 16000], [17000], [17000, 16000, 15000]]
    counted = {outcome: after.get(outcome, 0) - before.get(outcome, 0) for outcome in ("built", "reused")}
    assert counted["built"] + counted["reused"] == 3
    assert counted["reused"] >= 2  # at most the first of the three builds it (another test may have proven the shape)


async def test_the_pages_after_a_cursor_reuse_their_statement_in_every_sort(api: Api) -> None:
    """A keyset page's shape adds only that it starts after a key; the key's values are parameters like the filter's."""
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    shop = await verified_shop(api, seller, officer)
    for price in (15000, 16000, 17000, 18000, 19000):
        await add_product(api, seller, shop["id"], name=f"Telur Ayam Rp{price}", price=price)
    query = """query($sort: ProductSort!, $after: String) {
      products(sort: $sort, first: 1, after: $after) { pageInfo { endCursor } edges { node { name price } } } }"""

    for sort in ("NEWEST", "PRICE_ASC", "PRICE_DESC", "RATING"):
        after = (await api.gql(query, {"sort": sort}))["products"]["pageInfo"]["endCursor"]
        before = _listing_statements(await scrape_metrics(api))
        prices = []
        for _ in range(4):
            page = (await api.gql(query, {"sort": sort, "after": after}))["products"]
            prices += [edge["node"]["price"] for edge in page["edges"]]
            after = page["pageInfo"]["endCursor"]
        counted = _listing_statements(await scrape_metrics(api))
        reused = counted.get("reused", 0) - before.get("reused", 0)
        assert len(prices) == 4 and reused >= 3, (sort, prices, counted, before)
