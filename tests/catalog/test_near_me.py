"""Near me and best value through GraphQL: listings of shops within a radius of a point, nearest first, with the
distance and the shop's own delivery fee to the buyer's kecamatan; sort and filter by price per kg or litre."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.api import Api
from tests.helpers.catalog import add_product
from tests.helpers.people import city_person, saved_address, sign_up
from tests.helpers.shops import verified_shop

NEAR = """
query($filter: ProductFilterInput, $sort: ProductSort) {
  products(filter: $filter, sort: $sort, first: 10) { edges { node { name distanceKm deliveryFee shop { name } } } }
}
"""
ALUN_ALUN = {"latitude": -7.9826, "longitude": 112.6308}  # Alun-Alun Merdeka, Klojen


@pytest.fixture
async def shops(api: Api) -> dict[str, Any]:
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    places = {  # about 0.3 km, 2.5 km and 8 km from the Alun-Alun
        "Dekat": (-7.9800, 112.6310, "Klojen", "Kauman", [{"kecamatan": "Klojen", "fee": 5000}]),
        "Sedang": (-7.9600, 112.6300, "Lowokwaru", "Sumbersari", [{"kecamatan": "Klojen", "fee": 8000}]),
        "Jauh": (-8.0500, 112.6600, "Kedungkandang", "Buring", []),
    }
    for name, (lat, lng, kecamatan, kelurahan, fees) in places.items():
        shop = await verified_shop(api, seller, officer, name=f"Toko {name}", latitude=lat, longitude=lng,
                                   kecamatan=kecamatan, kelurahan=kelurahan, deliveryFees=fees)
        await add_product(api, seller, shop["id"], name=f"Beras {name} 5 kg", price=65000, stock=5)
    return {"seller": seller}


def _rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in data["products"]["edges"]]


async def test_near_me_lists_the_nearest_shop_first_with_its_distance(api: Api, shops: dict[str, Any]) -> None:
    rows = _rows(await api.gql(NEAR, {"filter": {"near": {**ALUN_ALUN, "withinKm": 10}}, "sort": "DISTANCE"}))
    assert [r["shop"]["name"] for r in rows] == ["Toko Dekat", "Toko Sedang", "Toko Jauh"]
    distances = [r["distanceKm"] for r in rows]
    assert distances == sorted(distances)
    assert 0.1 < distances[0] < 0.6 and 2.0 < distances[1] < 3.0 and 7.0 < distances[2] < 9.0
    assert all(r["deliveryFee"] is None for r in rows)  # no kecamatan to deliver to was given


async def test_the_radius_and_the_shops_delivery_area_still_apply(api: Api, shops: dict[str, Any]) -> None:
    within = _rows(await api.gql(NEAR, {"filter": {"near": {**ALUN_ALUN, "withinKm": 3}}, "sort": "DISTANCE"}))
    assert [r["shop"]["name"] for r in within] == ["Toko Dekat", "Toko Sedang"]
    delivering = _rows(await api.gql(NEAR, {"filter": {"near": {**ALUN_ALUN, "withinKm": 10, "deliverTo": "klojen"}},
                                            "sort": "DISTANCE"}))
    assert [(r["shop"]["name"], r["deliveryFee"]) for r in delivering] == [("Toko Dekat", 5000), ("Toko Sedang", 8000)]
    searched = _rows(await api.gql(NEAR, {"filter": {"text": "beras sedang", "near": {**ALUN_ALUN, "withinKm": 10}},
                                          "sort": "DISTANCE"}))
    assert [r["name"] for r in searched] == ["Beras Sedang 5 kg"]


@pytest.mark.parametrize(("near", "sort", "field"), [
    ({**ALUN_ALUN, "withinKm": 0}, "DISTANCE", "filter.near.withinKm"),
    ({**ALUN_ALUN, "withinKm": 500}, "DISTANCE", "filter.near.withinKm"),
    ({"latitude": -97.0, "longitude": 112.6}, "DISTANCE", "filter.near.latitude"),
    ({**ALUN_ALUN, "deliverTo": "Surabaya"}, "DISTANCE", "filter.near.deliverTo"),
    (None, "DISTANCE", "filter.near"),
])
async def test_a_wrong_point_is_refused_naming_the_field(api: Api, shops: dict[str, Any], near: Any, sort: str,
                                                       field: str) -> None:
    body = await api.post(NEAR, {"filter": {"near": near} if near else {}, "sort": sort})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["field"] == field.split(".")


async def test_near_a_saved_address_is_near_its_point_delivering_to_its_kecamatan(api: Api, shops: dict[str, Any]) -> None:
    buyer = await sign_up(api)
    home = await saved_address(api, buyer)  # at the Alun-Alun, in Klojen
    near = {"filter": {"near": {"addressId": home, "withinKm": 10}}, "sort": "DISTANCE"}
    rows = _rows(await api.gql(NEAR, near, buyer.token))  # Toko Jauh does not deliver to Klojen
    assert [(r["shop"]["name"], r["deliveryFee"]) for r in rows] == [("Toko Dekat", 5000), ("Toko Sedang", 8000)]
    assert 0.1 < rows[0]["distanceKm"] < 0.6
    elsewhere = {"near": {"addressId": home, "withinKm": 10, "deliverTo": "Kedungkandang"}}
    assert _rows(await api.gql(NEAR, {"filter": elsewhere, "sort": "DISTANCE"}, buyer.token)) == []
    searched = await api.gql(SEARCH_NEAR, {"filter": {"near": {"addressId": home, "withinKm": 3}}}, buyer.token)
    assert [e["node"]["shop"]["name"] for e in searched["productSearch"]["products"]["edges"]] == ["Toko Dekat",
                                                                                                   "Toko Sedang"]


SEARCH_NEAR = """
query($filter: ProductFilterInput) {
  productSearch(text: "beras", filter: $filter, sort: DISTANCE) { products { edges { node { shop { name } } } } }
}
"""


async def test_only_the_buyers_own_address_with_coordinates_is_a_point(api: Api, shops: dict[str, Any]) -> None:
    buyer, other = await sign_up(api), await sign_up(api)
    home = await saved_address(api, buyer)
    unplaced = await saved_address(api, buyer, latitude=None, longitude=None, label="Kos")
    cases = [(other.token, {"addressId": home}, "NOT_FOUND", "addressId"),  # another's looks the same as none
             (None, {"addressId": home}, "UNAUTHENTICATED", None),
             (buyer.token, {"addressId": "999999"}, "NOT_FOUND", "addressId"),
             (buyer.token, {"addressId": unplaced}, "INVALID", "addressId"),
             (buyer.token, {"addressId": home, **ALUN_ALUN}, "INVALID", "addressId"),
             (buyer.token, {"longitude": 112.6308}, "INVALID", "latitude")]
    for token, near, code, field in cases:
        body = await api.post(NEAR, {"filter": {"near": near}, "sort": "DISTANCE"}, token)
        assert body["data"] is None, near
        error = body["errors"][0]["extensions"]
        assert error["code"] == code, (near, error)
        if field:
            assert error["field"] == ["filter", "near", field]


async def test_best_value_sorts_and_filters_by_price_per_kg(api: Api) -> None:
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    shop = await verified_shop(api, seller, officer)
    for name, pack, price in (("Beras 5 kg", 5, 70000), ("Beras 25 kg", 25, 325000), ("Beras 10 kg", 10, 135000)):
        await add_product(api, seller, shop["id"], name=name, packSize=pack, price=price, stock=5)
    await add_product(api, seller, shop["id"], name="Tas Anyaman", category="kerajinan", unit="PIECE", packSize=1,
                      price=50000, stock=5)
    query = "query($f: ProductFilterInput, $s: ProductSort) { products(filter: $f, sort: $s) { edges { node { name unitPrice { price } } } } }"
    by_price = await api.gql(query, {"s": "PRICE_ASC"})
    assert [e["node"]["name"] for e in by_price["products"]["edges"]][-1] == "Beras 25 kg"
    best = await api.gql(query, {"s": "UNIT_PRICE_ASC"})
    assert [e["node"]["name"] for e in best["products"]["edges"]] == ["Beras 25 kg", "Beras 10 kg", "Beras 5 kg"]
    cheap = await api.gql(query, {"s": "UNIT_PRICE_ASC", "f": {"maxUnitPrice": 13500, "unitPricePer": "KG"}})
    assert [e["node"]["name"] for e in cheap["products"]["edges"]] == ["Beras 25 kg", "Beras 10 kg"]
    refused = await api.post(query, {"f": {"minUnitPrice": 20000, "maxUnitPrice": 10000}})
    assert "minUnitPrice" in str(refused["errors"])
