"""Builds the Apollo Federation v2 subgraph schema from each area's Query and Mutation parts."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from umkm_graph.catalog.graphql.operations import CatalogMutation, CategoriesQuery, ProductsQuery
from umkm_graph.catalog.graphql.types import ProductType
from umkm_graph.checkout.graphql.operations import CheckoutMutation, CheckoutQuery
from umkm_graph.city.graphql.operations import AnalyticsMutation, AnalyticsQuery
from umkm_graph.core.errors import DomainError
from umkm_graph.delivery.graphql.operations import DeliveryMutation, DeliveryQuery
from umkm_graph.graphql_common.errors import ReadableErrors
from umkm_graph.graphql_common.scalars import SCALAR_MAP
from umkm_graph.graphql_engine import limits, persisted
from umkm_graph.graphql_engine.fast_fields import PlainFieldsFirst
from umkm_graph.graphql_plugins import PluginsQuery
from umkm_graph.observability import OperationMetrics
from umkm_graph.orders.graphql.operations import OrdersMutation, OrdersQuery
from umkm_graph.orders.graphql.subscriptions import OrderSubscription
from umkm_graph.orders.graphql.types import OrderType
from umkm_graph.people.graphql.operations import PeopleMutation, PeopleQuery
from umkm_graph.people.models import Role
from umkm_graph.reviews.graphql.operations import ReviewsMutation, ReviewsQuery
from umkm_graph.reviews.graphql.types import ReviewType
from umkm_graph.settings import Settings
from umkm_graph.shops.graphql.operations import ShopsMutation, ShopsQuery
from umkm_graph.shops.graphql.types import ShopType

# The order of the parts is the order of the schema's fields.
QUERIES: tuple[type, ...] = (PeopleQuery, ProductsQuery, ShopsQuery, CategoriesQuery, ReviewsQuery, OrdersQuery,
                             CheckoutQuery, DeliveryQuery, PluginsQuery, AnalyticsQuery)
MUTATIONS: tuple[type, ...] = (PeopleMutation, ShopsMutation, CatalogMutation, ReviewsMutation, CheckoutMutation,
                               OrdersMutation, DeliveryMutation, AnalyticsMutation)
SUBSCRIPTIONS: tuple[type, ...] = (OrderSubscription,)
ENTITIES: tuple[type, ...] = (ProductType, ShopType, ReviewType, OrderType)


class _Schema(strawberry.federation.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Expected errors are the client's business; ReadableErrors logs each unexpected one with its error id."""


def query_budget(settings: Settings) -> limits.QueryBudget:
    """The cost an operation may have: analysts get more, to ask for the city's figures."""

    async def budget(context: object) -> int:
        user = None
        if hasattr(context, "user"):
            try:
                user = await context.user()
            except DomainError:
                user = None  # a bad token fails the operation itself; it gets the anonymous budget here
        if user is not None and user.role == Role.ANALYST:
            return settings.analyst_max_query_cost
        return settings.max_query_cost

    return budget


def build_schema(settings: Settings | None = None) -> strawberry.federation.Schema:
    """The schema, with the protections of these settings (limits.py parses and validates, with caches), and the fast
    field executor unless UMKM_FAST_PATHS is off (then strawberry's own execution context runs every field)."""
    settings = settings or Settings()
    return _Schema(
        query=merge_types("Query", QUERIES),
        mutation=merge_types("Mutation", MUTATIONS),
        subscription=merge_types("Subscription", SUBSCRIPTIONS),
        types=ENTITIES,
        extensions=[OperationMetrics, ReadableErrors, *persisted.extensions(settings),
                    *limits.extensions(settings, query_budget(settings))],
        config=StrawberryConfig(scalar_map=SCALAR_MAP, batching_config=limits.batching(settings)),
        execution_context_class=PlainFieldsFirst if settings.fast_paths else None,
    )


def print_sdl() -> str:
    return build_schema().as_str() + "\n"
