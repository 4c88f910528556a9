"""The sembako price watch through GraphQL: reference prices, the price history every product change writes, the spread
of prices per kecamatan, the listings above their ceiling, and a commodity's series.

Shops, products and prices are made through GraphQL; for the series, the recorded moments of the price changes are then
set with a model update (GraphQL cannot back-date them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.helpers.api import Api
from tests.helpers.catalog import add_product
from tests.helpers.city import wib
from tests.helpers.people import Person, city_person, sign_up
from tests.helpers.shops import verified_shop
from umkm_graph.catalog.models import PriceChange
from umkm_graph.city.analytics import WIB
from umkm_graph.people.models import Role

SET_REFERENCE = """
mutation($input: ReferencePriceInput!) {
  setReferencePrice(input: $input) {
    referencePrice { id commodity unit variant price effectiveFrom note } errors { code field message }
  }
}
"""
REFERENCES = """
query($commodity: String, $on: Date) {
  referencePrices(commodity: $commodity, inEffectOn: $on) { commodity unit variant price effectiveFrom }
}
"""
UPDATE_PRODUCT = """
mutation($id: ID!, $input: ProductInput!) { updateProduct(id: $id, input: $input) { errors { code field } } }
"""
SET_STOCK = "mutation($id: ID!) { setStock(id: $id, stock: 3) { errors { code field } } }"
HISTORY = """
query($id: ID!) {
  priceHistory(productId: $id) { totalCount edges { node { price unitPrice per changedAt } } }
  product(id: $id) { unitPrice { price per } }
}
"""
PRICES = """
query($commodity: String, $kecamatan: String) {
  sembakoPrices(commodity: $commodity, kecamatan: $kecamatan) {
    asOf
    city { commodity per kecamatan listings minPrice medianPrice maxPrice ceiling aboveCeiling }
    byKecamatan { commodity per kecamatan listings minPrice medianPrice maxPrice ceiling aboveCeiling }
  }
}
"""
FLAGS = """
query($first: Int, $after: String, $commodity: String) {
  priceFlags(first: $first, after: $after, commodity: $commodity) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { commodity kecamatan unitPrice per ceiling ceilingVariant excess excessPercent product { name } } }
  }
}
"""
SERIES = """
query($period: PeriodInput!, $interval: Interval!, $kecamatan: String) {
  commodityPriceSeries(commodity: "beras", period: $period, interval: $interval, kecamatan: $kecamatan) {
    start commodity per kecamatan listings minPrice medianPrice maxPrice
  }
}
"""


def reference(**overrides: Any) -> dict[str, Any]:
    values = {"commodity": "beras", "unit": "KG", "price": 13_500, "effectiveFrom": "2025-08-01",
              "note": "HET beras medium"}
    values.update(overrides)
    return values


async def test_an_officer_sets_reference_prices_and_setting_one_again_replaces_it(api: Api) -> None:
    officer, analyst = await city_person(api), await city_person(api, Role.ANALYST)
    first = (await api.ok(SET_REFERENCE, {"input": reference()}, officer.token))["referencePrice"]
    assert {k: first[k] for k in ("commodity", "unit", "variant", "price", "effectiveFrom")} == {
        "commodity": "beras", "unit": "KG", "variant": "", "price": 13_500, "effectiveFrom": "2025-08-01"}
    again = (await api.ok(SET_REFERENCE, {"input": reference(price=13_600)}, officer.token))["referencePrice"]
    assert (again["id"], again["price"]) == (first["id"], 13_600)
    await api.ok(SET_REFERENCE, {"input": reference(variant=" premium ", price=14_900)}, officer.token)
    await api.ok(SET_REFERENCE, {"input": reference(price=14_000, effectiveFrom="2027-01-01")}, officer.token)
    everything = (await api.gql(REFERENCES, {"commodity": "beras"}, analyst.token))["referencePrices"]
    assert [(r["variant"], r["price"], r["effectiveFrom"]) for r in everything] == [
        ("", 14_000, "2027-01-01"), ("", 13_600, "2025-08-01"), ("premium", 14_900, "2025-08-01")]
    in_effect = (await api.gql(REFERENCES, {"on": "2026-10-31"}, analyst.token))["referencePrices"]
    assert [(r["variant"], r["price"]) for r in in_effect] == [("", 13_600), ("premium", 14_900)]


async def test_a_wrong_reference_price_names_every_field_at_fault(api: Api) -> None:
    officer = await city_person(api)
    wrong = reference(commodity="kuliner", price=0, variant="50% off!", effectiveFrom="1999-12-31")
    errors = await api.fails(SET_REFERENCE, {"input": wrong}, officer.token)
    assert [(e["code"], e["field"]) for e in errors] == [
        ("INVALID", ["input", "commodity"]), ("INVALID", ["input", "price"]), ("INVALID", ["input", "variant"]),
        ("INVALID", ["input", "effectiveFrom"]),
    ]


async def _shop(api: Api, officer: Person, kecamatan: str = "Klojen", kelurahan: str = "Kauman"
                ) -> tuple[Person, dict[str, Any]]:
    seller = await sign_up(api, "SELLER")
    return seller, await verified_shop(api, seller, officer, kecamatan=kecamatan, kelurahan=kelurahan)


async def test_every_price_a_product_had_is_recorded_and_only_then(api: Api) -> None:
    officer = await city_person(api)
    seller, shop = await _shop(api, officer)
    oil = await add_product(api, seller, shop["id"], category="minyak-goreng", name="Minyak Sawit 2 L", unit="LITRE",
                            packSize=2, price=33_000)
    for change in ({"name": "Minyak Sawit Pouch 2 L"}, {"stock": 9}, {"price": 33_001}, {"packSize": 1.8}):
        await api.ok(UPDATE_PRODUCT, {"id": oil["id"], "input": change}, seller.token)
    await api.ok(SET_STOCK, {"id": oil["id"]}, seller.token)
    analyst = await city_person(api, Role.ANALYST)
    found = await api.gql(HISTORY, {"id": oil["id"]}, analyst.token)
    # Listed at 33,000 (16,500 a litre), repriced to 33,001 (16,500.5: half up, 16,501), then sold in 1.8 L packs
    # (18,334 a litre). The new name and the stock counts changed no price.
    assert [(e["node"]["price"], e["node"]["unitPrice"], e["node"]["per"]) for e in found["priceHistory"]["edges"]] == [
        (33_001, 18_334, "LITRE"), (33_001, 16_501, "LITRE"), (33_000, 16_500, "LITRE")]
    assert found["product"]["unitPrice"] == {"price": 18_334, "per": "LITRE"}, "the same number as the history"
    missing = await api.post(HISTORY, {"id": "999999"}, analyst.token)
    assert missing["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": ["productId"]}


async def _listings(api: Api) -> dict[str, Any]:
    """Klojen: beras medium 5 kg at 13,700/kg, gula at 17,000. Sukun: beras medium 25 kg at 13,200/kg, beras premium
    at 15,200/kg, MinyaKita at 16,000/L. Ceilings: beras 13,500 and premium 14,900, gula 17,500, MinyaKita 15,700."""
    officer = await city_person(api)
    klojen_seller, klojen = await _shop(api, officer)
    sukun_seller, sukun = await _shop(api, officer, "Sukun", "Gadang")
    products = {
        "medium": await add_product(api, klojen_seller, klojen["id"], price=68_500),
        "gula": await add_product(api, klojen_seller, klojen["id"], category="gula", name="Gula Pasir 1 kg", unit="KG",
                                  packSize=1, price=17_000),
        "karung": await add_product(api, sukun_seller, sukun["id"], name="Beras Medium Karung 25 kg", packSize=25,
                                    price=330_000),
        "premium": await add_product(api, sukun_seller, sukun["id"], name="Beras Premium Pulen 5 kg", price=76_000),
        "minyakita": await add_product(api, sukun_seller, sukun["id"], category="minyak-goreng", name="MinyaKita 1 L",
                                       unit="LITRE", packSize=1, price=16_000),
        "keripik": await add_product(api, sukun_seller, sukun["id"], category="kuliner", name="Keripik 250 g",
                                     unit="PACK", packSize=1, netWeightGrams=250, price=15_000),
    }
    for values in (reference(), reference(variant="premium", price=14_900),
                   reference(commodity="gula", price=17_500),
                   reference(commodity="minyak-goreng", unit="LITRE", variant="MinyaKita", price=15_700)):
        await api.ok(SET_REFERENCE, {"input": values}, officer.token)
    return {"analyst": await city_person(api, Role.ANALYST), "products": products, "seller": klojen_seller}


async def test_price_spread_per_commodity_in_the_city_and_per_kecamatan(api: Api) -> None:
    fixture = await _listings(api)
    prices = (await api.gql(PRICES, {}, fixture["analyst"].token))["sembakoPrices"]
    assert prices["asOf"] == dt.datetime.now(WIB).date().isoformat()
    assert prices["city"] == [
        {"commodity": "beras", "per": "KG", "kecamatan": None, "listings": 3, "minPrice": 13_200,
         "medianPrice": 13_700, "maxPrice": 15_200, "ceiling": 13_500, "aboveCeiling": 2},
        {"commodity": "gula", "per": "KG", "kecamatan": None, "listings": 1, "minPrice": 17_000,
         "medianPrice": 17_000, "maxPrice": 17_000, "ceiling": 17_500, "aboveCeiling": 0},
        {"commodity": "minyak-goreng", "per": "LITRE", "kecamatan": None, "listings": 1, "minPrice": 16_000,
         "medianPrice": 16_000, "maxPrice": 16_000, "ceiling": None, "aboveCeiling": 1},
    ]
    sukun = (await api.gql(PRICES, {"commodity": "beras", "kecamatan": "sukun"}, fixture["analyst"].token))
    assert [(r["kecamatan"], r["listings"], r["minPrice"], r["medianPrice"], r["maxPrice"], r["aboveCeiling"])
            for r in sukun["sembakoPrices"]["byKecamatan"]] == [("Sukun", 2, 13_200, 14_200, 15_200, 1)]
    wrong = await api.post(PRICES, {"commodity": "kuliner"}, fixture["analyst"].token)
    assert wrong["errors"][0]["extensions"] == {"code": "INVALID", "field": ["commodity"]}


async def test_listings_above_their_ceiling_are_flagged_most_excessive_first(api: Api) -> None:
    fixture = await _listings(api)
    flags = (await api.gql(FLAGS, {}, fixture["analyst"].token))["priceFlags"]
    assert flags["totalCount"] == 3
    # 13,700 over 13,500 is 1.5%; premium 15,200 over 14,900 is 2.0%; MinyaKita 16,000 over 15,700 is 1.9%.
    assert [(e["node"]["product"]["name"], e["node"]["ceilingVariant"], e["node"]["excess"], e["node"]["excessPercent"])
            for e in flags["edges"]] == [
        ("Beras Premium Pulen 5 kg", "premium", 300, 2.0), ("MinyaKita 1 L", "MinyaKita", 300, 1.9),
        ("Beras Medium 5 kg", "", 200, 1.5),
    ]
    page = (await api.gql(FLAGS, {"first": 2, "commodity": "beras"}, fixture["analyst"].token))["priceFlags"]
    assert (page["totalCount"], len(page["edges"]), page["pageInfo"]["hasNextPage"]) == (2, 2, False)
    # The seller lowers the price to the ceiling: no longer flagged.
    medium = fixture["products"]["medium"]
    await api.ok(UPDATE_PRODUCT, {"id": medium["id"], "input": {"price": 67_500}}, fixture["seller"].token)
    assert (await api.gql(FLAGS, {}, fixture["analyst"].token))["priceFlags"]["totalCount"] == 2


async def test_a_commodity_series_reads_the_price_each_listing_had_at_each_days_end(api: Api) -> None:
    fixture = await _listings(api)
    medium = fixture["products"]["medium"]
    await api.ok(UPDATE_PRODUCT, {"id": medium["id"], "input": {"price": 66_000}}, fixture["seller"].token)
    # Back-date the history: every listing from 1 October; the medium beras repriced at 13:00 WIB on 3 October.
    await PriceChange.all().update(changed_at=wib(2026, 10, 1, 8, 0))
    latest = await PriceChange.filter(price=66_000).get()
    await PriceChange.filter(id=latest.id).update(changed_at=wib(2026, 10, 3, 13, 0))
    period = {"from": "2026-09-30", "to": "2026-10-03"}
    series = (await api.gql(SERIES, {"period": period, "interval": "DAY"}, fixture["analyst"].token))
    assert [(p["start"], p["listings"], p["minPrice"], p["medianPrice"], p["maxPrice"])
            for p in series["commodityPriceSeries"]] == [
        ("2026-10-01", 3, 13_200, 13_700, 15_200), ("2026-10-02", 3, 13_200, 13_700, 15_200),
        ("2026-10-03", 3, 13_200, 13_200, 15_200),  # 66,000 for 5 kg: 13,200 a kg
    ]
    weekly = (await api.gql(SERIES, {"period": period, "interval": "WEEK", "kecamatan": "Klojen"},
                            fixture["analyst"].token))["commodityPriceSeries"]
    assert [(p["start"], p["kecamatan"], p["listings"], p["medianPrice"]) for p in weekly] == [
        ("2026-09-28", None, 1, 13_200)]
