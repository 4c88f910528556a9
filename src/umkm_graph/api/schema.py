"""Builds the Apollo Federation v2 subgraph schema from each area's Query and Mutation parts."""

from __future__ import annotations

import strawberry
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from umkm_graph.api.catalog import CatalogMutation, CatalogQuery
from umkm_graph.api.errors import ReadableErrors
from umkm_graph.api.orders import OrdersMutation, OrdersQuery
from umkm_graph.api.people import PeopleMutation, PeopleQuery
from umkm_graph.api.reviews import ReviewsMutation, ReviewsQuery
from umkm_graph.api.scalars import SCALAR_MAP
from umkm_graph.api.types.catalog import ProductType, ShopType
from umkm_graph.api.types.orders import OrderType
from umkm_graph.api.types.reviews import ReviewType

QUERIES: tuple[type, ...] = (PeopleQuery, CatalogQuery, ReviewsQuery, OrdersQuery)
MUTATIONS: tuple[type, ...] = (PeopleMutation, CatalogMutation, ReviewsMutation, OrdersMutation)
ENTITIES: tuple[type, ...] = (ProductType, ShopType, ReviewType, OrderType)


def build_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(
        query=merge_types("Query", QUERIES),
        mutation=merge_types("Mutation", MUTATIONS),
        types=ENTITIES,
        extensions=[ReadableErrors, lambda: ParserCache(maxsize=256), lambda: ValidationCache(maxsize=256)],
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
    )


def print_sdl() -> str:
    return build_schema().as_str() + "\n"
