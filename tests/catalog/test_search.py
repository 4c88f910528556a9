"""Storefront search through GraphQL: words in any order, prefixes, typos, Indonesian affixes, colloquial words and
category words from the data list, sizes as people write them, relevance with a stable tiebreak, and an index that
follows every product change. On SQLite in memory, and on PostgreSQL when UMKM_TEST_DATABASE_URL is set."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.helpers.api import Api
from tests.helpers.catalog import add_product
from tests.helpers.people import city_person, sign_up
from tests.helpers.shops import verified_shop
from umkm_graph.settings import Settings

SEARCH = """
query($text: String!, $sort: ProductSort, $first: Int, $after: String) {
  products(filter: {text: $text}, sort: $sort, first: $first, after: $after) {
    edges { cursor node { id name shop { name } } } pageInfo { hasNextPage } totalCount
  }
}
"""
UPDATE = """
mutation($id: ID!, $input: ProductInput!) { updateProduct(id: $id, input: $input) { product { id } errors { code field } } }
"""

CATALOG: list[dict[str, Any]] = [
    {"category": "beras", "name": "Beras Premium Pulen 5 kg", "unit": "KG", "packSize": 5, "price": 72000},
    {"category": "beras", "name": "Beras Medium Karung 25 kg", "unit": "KG", "packSize": 25, "price": 330000},
    {"category": "beras", "name": "Beras Medium 5 kg", "unit": "KG", "packSize": 5, "price": 66000},
    {"category": "minyak-goreng", "name": "Minyak Goreng Sawit Pouch 2 L", "unit": "LITRE", "packSize": 2,
     "price": 33000, "description": "Minyak untuk penggorengan sehari-hari."},
    {"category": "minyak-goreng", "name": "MinyaKita 1 L", "unit": "LITRE", "packSize": 1, "price": 15700},
    {"category": "telur", "name": "Telur Ayam Ras per kg", "unit": "KG", "packSize": 1, "price": 27000},
    {"category": "gula", "name": "Gula Pasir 1 kg", "unit": "KG", "packSize": 1, "price": 17500},
    {"category": "kuliner", "name": "Keripik Tempe Sanan 250 g", "unit": "PACK", "packSize": 1, "price": 12000,
     "netWeightGrams": 250},
    {"category": "kerajinan", "name": "Tas Anyaman Bambu", "unit": "PIECE", "packSize": 1, "price": 85000},
]


@pytest.fixture
async def catalog(api: Api) -> dict[str, Any]:
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    shop = await verified_shop(api, seller, officer)
    ids = {}
    for item in CATALOG:
        ids[item["name"]] = (await add_product(api, seller, shop["id"], stock=10, **item))["id"]
    return {"seller": seller, "shop": shop, "ids": ids}


async def _names(api: Api, text: str, **variables: Any) -> list[str]:
    data = await api.gql(SEARCH, {"text": text, "sort": "RELEVANCE", **variables})
    return [edge["node"]["name"] for edge in data["products"]["edges"]]


@pytest.mark.parametrize(("text", "expected"), [
    ("premium beras", ["Beras Premium Pulen 5 kg"]),
    ("beras premium", ["Beras Premium Pulen 5 kg"]),
    ("bras premium", ["Beras Premium Pulen 5 kg"]),        # a letter left out
    ("berass premum", ["Beras Premium Pulen 5 kg"]),       # one too many, one too few
    ("minyk goreng 2l", ["Minyak Goreng Sawit Pouch 2 L"]),
    ("migor 2 liter", ["Minyak Goreng Sawit Pouch 2 L"]),  # colloquial, from the data list
    ("telor", ["Telur Ayam Ras per kg"]),
    ("gulpas", ["Gula Pasir 1 kg"]),
    ("keripik 250 gram", ["Keripik Tempe Sanan 250 g"]),
    ("anyam", ["Tas Anyaman Bambu"]),                      # the affix -an stemmed away
    ("menggoreng", ["Minyak Goreng Sawit Pouch 2 L"]),      # me- prefix: goreng, in the name
    ("kerip", ["Keripik Tempe Sanan 250 g"]),              # a prefix, as typed so far
])
async def test_a_search_finds_what_people_type(api: Api, catalog: dict[str, Any], text: str, expected: list[str]) -> None:
    assert (await _names(api, text))[:len(expected)] == expected


async def test_sizes_as_people_write_them_match_the_pack(api: Api, catalog: dict[str, Any]) -> None:
    for text in ("beras 5kg", "beras 5 kg", "beras 5 kilo", "5kg beras"):
        assert set(await _names(api, text)) == {"Beras Premium Pulen 5 kg", "Beras Medium 5 kg"}, text
    for text in ("1L", "1 liter", "1 ltr"):
        assert await _names(api, text) == ["MinyaKita 1 L"], text
    assert await _names(api, "beras 10kg") == []


async def test_a_category_word_lists_the_category_and_its_children(api: Api, catalog: dict[str, Any]) -> None:
    found = await _names(api, "sembako")
    assert set(found) == {item["name"] for item in CATALOG if item["category"] not in ("kuliner", "kerajinan")}
    assert set(await _names(api, "sembako telor")) == {"Telur Ayam Ras per kg"}


async def test_relevance_puts_name_matches_first_and_breaks_ties_by_listing_order(api: Api, catalog: dict[str, Any]) -> None:
    # "goreng" is in one name and one description: the name first; the two "beras medium" tie and keep their ids' order
    assert (await _names(api, "goreng"))[0] == "Minyak Goreng Sawit Pouch 2 L"
    medium = await _names(api, "beras medium")
    ids = catalog["ids"]
    assert medium == sorted(["Beras Medium Karung 25 kg", "Beras Medium 5 kg"], key=lambda name: int(ids[name]))
    assert await _names(api, "beras medium") == medium


async def test_words_that_match_nothing_find_nothing(api: Api, catalog: dict[str, Any]) -> None:
    for text in ("sepeda motor", "xqzv", "beras sepatu"):
        assert await _names(api, text) == [], text


async def test_search_pages_by_offset_without_repeats(api: Api, catalog: dict[str, Any]) -> None:
    first = await api.gql(SEARCH, {"text": "sembako", "sort": "RELEVANCE", "first": 3})
    edges = first["products"]["edges"]
    assert first["products"]["pageInfo"]["hasNextPage"] is True
    assert first["products"]["totalCount"] == 7
    rest = await api.gql(SEARCH, {"text": "sembako", "sort": "RELEVANCE", "first": 10, "after": edges[-1]["cursor"]})
    names = [e["node"]["name"] for e in edges] + [e["node"]["name"] for e in rest["products"]["edges"]]
    assert len(names) == len(set(names)) == 7


async def test_other_sorts_order_the_matches(api: Api, catalog: dict[str, Any]) -> None:
    cheapest_first = await _names(api, "beras", sort="PRICE_ASC")
    assert cheapest_first == ["Beras Medium 5 kg", "Beras Premium Pulen 5 kg", "Beras Medium Karung 25 kg"]
    best_value = await _names(api, "beras", sort="UNIT_PRICE_ASC")
    assert best_value[0] == "Beras Medium Karung 25 kg"  # 13,200 a kg beats 13,200.. 14,400 in 5 kg sacks


async def test_the_index_follows_a_renamed_product_at_once(api: Api, catalog: dict[str, Any]) -> None:
    bag = catalog["ids"]["Tas Anyaman Bambu"]
    data = await api.gql(UPDATE, {"id": bag, "input": {"name": "Tas Rotan Anyam"}}, catalog["seller"].token)
    assert data["updateProduct"]["errors"] == []
    assert await _names(api, "rotan") == ["Tas Rotan Anyam"]
    assert await _names(api, "bambu") == []


async def test_search_text_is_checked(api: Api, catalog: dict[str, Any]) -> None:
    result = await api.post(SEARCH, {"text": "beras " * 30})
    assert result["data"] is None or result["errors"]


PRODUCT_SEARCH = """
query($text: String!, $filter: ProductFilterInput) {
  productSearch(text: $text, filter: $filter, first: 2) {
    products { edges { node { name } } totalCount }
    facets { categories { value count } kecamatan { value count } priceBands { value count } }
    didYouMean capped
  }
}
"""


async def test_facets_count_every_match_by_category_kecamatan_and_price_band(api: Api, catalog: dict[str, Any]) -> None:
    officer = await city_person(api)
    other = await verified_shop(api, catalog["seller"], officer, kecamatan="Sukun", kelurahan="Gadang")
    await add_product(api, catalog["seller"], other["id"], category="telur", name="Telur Bebek isi 10", unit="PACK",
                      packSize=1, price=30000, stock=5)
    found = (await api.gql(PRODUCT_SEARCH, {"text": "sembako"}))["productSearch"]
    assert len(found["products"]["edges"]) == 2 and found["products"]["totalCount"] == 8
    facets = found["facets"]
    assert facets["categories"] == [{"value": "beras", "count": 3}, {"value": "minyak-goreng", "count": 2},
                                    {"value": "telur", "count": 2}, {"value": "gula", "count": 1}]
    assert facets["kecamatan"] == [{"value": "Klojen", "count": 7}, {"value": "Sukun", "count": 1}]
    assert facets["priceBands"] == [{"value": "10000", "count": 2}, {"value": "25000", "count": 3},
                                    {"value": "50000", "count": 2}, {"value": "250000", "count": 1}]
    assert found["didYouMean"] is None and found["capped"] is False
    narrowed = (await api.gql(PRODUCT_SEARCH, {"text": "telur", "filter": {"kecamatan": "Sukun"}}))["productSearch"]
    assert narrowed["facets"]["kecamatan"] == [{"value": "Sukun", "count": 1}]


async def test_a_search_that_finds_nothing_suggests_the_words_listings_use(api: Api, catalog: dict[str, Any]) -> None:
    # "pasri" is too far from "pasir" to be corrected unasked (pg_trgm similarity 0.33), near enough to suggest
    nothing = (await api.gql(PRODUCT_SEARCH, {"text": "gula pasri"}))["productSearch"]
    assert nothing["products"]["edges"] == []
    assert nothing["didYouMean"] == "gula pasir"
    assert (await api.gql(PRODUCT_SEARCH, {"text": nothing["didYouMean"]}))["productSearch"]["products"]["edges"] == [
        {"node": {"name": "Gula Pasir 1 kg"}}]
    assert (await api.gql(PRODUCT_SEARCH, {"text": "qwxz"}))["productSearch"]["didYouMean"] is None


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """The test settings; a test parametrized indirectly on `settings` ranks at most that many listings per search."""
    cap = getattr(request, "param", None)
    return settings if cap is None else dataclasses.replace(settings, search_candidates=cap)


@pytest.mark.parametrize("settings", [3], indirect=True)
async def test_a_search_matching_more_than_it_ranks_says_so_and_counts_the_newest_matches(
        api: Api, catalog: dict[str, Any]) -> None:
    found = (await api.gql(PRODUCT_SEARCH, {"text": "sembako"}))["productSearch"]  # 7 listings match
    assert found["capped"] is True and found["products"]["totalCount"] == 3
    assert [e["node"]["name"] for e in found["products"]["edges"]] == ["MinyaKita 1 L", "Telur Ayam Ras per kg"]
    assert found["facets"]["categories"] == [{"value": "gula", "count": 1}, {"value": "minyak-goreng", "count": 1},
                                             {"value": "telur", "count": 1}]
    exactly = (await api.gql(PRODUCT_SEARCH, {"text": "beras"}))["productSearch"]  # 3 match: all ranked
    assert exactly["capped"] is False and exactly["products"]["totalCount"] == 3
