"""The API is an Apollo Federation v2 subgraph: entities keyed by id, resolvable through _entities with the same rules."""

from __future__ import annotations

from tests.helpers.api import Api
from tests.helpers.catalog import add_product
from tests.helpers.people import city_person, sign_up
from tests.helpers.shops import CREATE_SHOP, shop_input, verified_shop

ENTITIES = """
query($r: [_Any!]!) { _entities(representations: $r) {
  __typename ... on Product { id name shop { name } } ... on Shop { id name status } } }
"""


async def test_subgraph_sdl_declares_federation_v2_and_the_entity_keys(api: Api) -> None:
    sdl = (await api.gql("{ _service { sdl } }"))["_service"]["sdl"]
    assert '@link(url: "https://specs.apollo.dev/federation/v2' in sdl
    for entity in ("Product", "Shop", "Order", "Review"):
        assert f'type {entity} @key(fields: "id")' in sdl, entity


async def test_entities_resolve_products_and_shops_by_id(api: Api) -> None:
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    shop = await verified_shop(api, seller, officer)
    product = await add_product(api, seller, shop["id"])
    data = await api.gql(ENTITIES, {"r": [{"__typename": "Product", "id": product["id"]},
                                          {"__typename": "Shop", "id": shop["id"]}]})
    product_entity, shop_entity = data["_entities"]
    assert product_entity["id"] == product["id"] and product_entity["shop"]["name"]
    assert shop_entity == {"__typename": "Shop", "id": shop["id"], "name": product_entity["shop"]["name"], "status": "VERIFIED"}


async def test_entities_apply_the_same_visibility_as_queries(api: Api) -> None:
    seller = await sign_up(api, "SELLER")
    pending = (await api.ok(CREATE_SHOP, {"input": shop_input()}, seller.token))["shop"]
    representation = {"r": [{"__typename": "Shop", "id": pending["id"]}, {"__typename": "Shop", "id": "424242"}]}
    assert (await api.gql(ENTITIES, representation))["_entities"] == [None, None]
    assert (await api.gql(ENTITIES, representation, seller.token))["_entities"][0]["status"] == "PENDING"

