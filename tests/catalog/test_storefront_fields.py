"""The storefront's field contract: every Product and Shop field is declared once (the columns it reads, how a row
answers it, whether the public cache may serve it), and what lists read and map follows from those declarations."""

from __future__ import annotations

import strawberry
from graphql import GraphQLObjectType

from tests.helpers.api import Api
from tests.helpers.catalog import add_product
from tests.helpers.people import city_person, sign_up
from tests.helpers.shops import verified_shop
from umkm_graph.catalog.graphql.types import PRODUCT_COLUMNS, PRODUCT_FIELDS, ProductType
from umkm_graph.catalog.models import Product
from umkm_graph.catalog.listing import ListingRow
from umkm_graph.graphql_common.stored import StoredFields, reads, stored
from umkm_graph.graphql_schema import build_schema
from umkm_graph.shops.graphql.types import SHOP_COLUMNS, SHOP_FIELDS, ShopType
from umkm_graph.shops.models import Shop


def _schema_fields(name: str) -> set[str]:
    graphql_type = build_schema()._schema.type_map[name]
    assert isinstance(graphql_type, GraphQLObjectType)
    return set(graphql_type.fields)


def test_every_product_and_shop_field_is_declared() -> None:
    assert PRODUCT_FIELDS.undeclared == [] and SHOP_FIELDS.undeclared == []
    assert PRODUCT_COLUMNS.keys() - {"__typename"} == _schema_fields("Product")
    assert SHOP_COLUMNS.keys() - {"__typename"} == _schema_fields("Shop")


def test_a_field_added_without_a_declaration_is_named() -> None:
    @strawberry.type
    class Listing:
        title: str = stored("title", public=True)
        seller_note: str = strawberry.field(resolver=lambda: "", metadata=reads("note", public=False))
        forgotten_field: str
        model: strawberry.Private[object]

    fields = StoredFields(Listing)
    assert fields.undeclared == ["forgottenField"]
    assert fields.columns_for(["title", "sellerNote"], ("id",)) == ["id", "title", "note"]
    assert fields.columns_for(["title", "forgottenField"], ("id",)) is None  # read whole models: always right


def _without_model(answer: object) -> dict[str, object]:
    return {k: v for k, v in vars(answer).items() if k != "model"}


async def test_a_row_of_every_column_answers_as_the_model_does(api: Api) -> None:
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    shop = await verified_shop(api, seller, officer, latitude=-7.98, longitude=112.63, npwp="1234567890123456")
    product = await add_product(api, seller, shop["id"], netWeightGrams=5000, imageUrls=["https://example.id/b.jpg"])
    await Product.filter(id=int(product["id"])).update(rating_sum=9, review_count=2)

    for model_type, graphql_type, fields in ((Product, ProductType, PRODUCT_FIELDS), (Shop, ShopType, SHOP_FIELDS)):
        model = await model_type.get(id=int(product["id"] if model_type is Product else shop["id"]))
        columns = sorted({c for cs in fields.columns.values() for c in cs})
        row = ListingRow({column: getattr(model, column) for column in columns})
        assert _without_model(graphql_type.from_row(row)) == _without_model(graphql_type.from_model(model))

    partial = ProductType.from_row(ListingRow({"id": 7, "price": 1500}))
    assert (partial.id, partial.price, partial.name, partial.rating) == ("7", 1500, None, None)

