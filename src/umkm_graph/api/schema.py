"""Builds the Apollo Federation v2 subgraph schema from each area's Query and Mutation parts."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from umkm_graph.api.analytics import AnalyticsMutation, AnalyticsQuery
from umkm_graph.api.catalog import CatalogMutation, CatalogQuery
from umkm_graph.api.delivery import DeliveryMutation, DeliveryQuery
from umkm_graph.api import limits, persisted
from umkm_graph.api.errors import ReadableErrors
from umkm_graph.api.fast_fields import PlainFieldsFirst
from umkm_graph.api.orders import OrdersMutation, OrdersQuery
from umkm_graph.api.people import PeopleMutation, PeopleQuery
from umkm_graph.api.plugins import PluginsQuery
from umkm_graph.api.reviews import ReviewsMutation, ReviewsQuery
from umkm_graph.api.scalars import SCALAR_MAP
from umkm_graph.api.subscriptions import OrderSubscription
from umkm_graph.api.types.catalog import ProductType, ShopType
from umkm_graph.api.types.orders import OrderType
from umkm_graph.api.types.reviews import ReviewType
from umkm_graph.observability import OperationMetrics
from umkm_graph.settings import Settings

QUERIES: tuple[type, ...] = (PeopleQuery, CatalogQuery, ReviewsQuery, OrdersQuery, DeliveryQuery, PluginsQuery,
                             AnalyticsQuery)
MUTATIONS: tuple[type, ...] = (PeopleMutation, CatalogMutation, ReviewsMutation, OrdersMutation, DeliveryMutation,
                               AnalyticsMutation)
SUBSCRIPTIONS: tuple[type, ...] = (OrderSubscription,)
ENTITIES: tuple[type, ...] = (ProductType, ShopType, ReviewType, OrderType)


class _Schema(strawberry.federation.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Expected errors are the client's business; ReadableErrors logs each unexpected one with its error id."""


def build_schema(settings: Settings | None = None) -> strawberry.federation.Schema:
    """The schema, with the protections of these settings (limits.py parses and validates, with caches)."""
    settings = settings or Settings()
    return _Schema(
        query=merge_types("Query", QUERIES),
        mutation=merge_types("Mutation", MUTATIONS),
        subscription=merge_types("Subscription", SUBSCRIPTIONS),
        types=ENTITIES,
        extensions=[OperationMetrics, ReadableErrors, *persisted.extensions(settings), *limits.extensions(settings)],
        config=StrawberryConfig(scalar_map=SCALAR_MAP, batching_config=limits.batching(settings)),
        execution_context_class=PlainFieldsFirst,
    )


def print_sdl() -> str:
    return build_schema().as_str() + "\n"
