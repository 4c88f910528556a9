"""Builds the Apollo Federation v2 subgraph schema from each area's Query and Mutation parts, with the prices of its
costly fields, and a `_service` that shows the SDL only to the gateway."""

from __future__ import annotations

import copy
import dataclasses
import functools
import hmac
from typing import Any

import strawberry
from graphql import GraphQLError
from starlette.requests import HTTPConnection
from strawberry.federation.schema import FederationAny
from strawberry.printer import print_schema
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, Info, get_object_definition

from umkm_graph.balances.graphql.operations import BalancesMutation, BalancesQuery
from umkm_graph.catalog.graphql.compiled import compile_products
from umkm_graph.catalog.graphql.operations import CatalogMutation, CategoriesQuery, ProductsQuery
from umkm_graph.catalog.graphql.types import ProductType
from umkm_graph.checkout.graphql.cart import CartMutation, CartQuery
from umkm_graph.checkout.graphql.operations import CheckoutMutation, CheckoutQuery
from umkm_graph.city.graphql.operations import AnalyticsMutation, AnalyticsQuery
from umkm_graph.city.graphql.programmes import ProgrammesQuery
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.delivery.graphql.operations import DeliveryMutation, DeliveryQuery
from umkm_graph.graphql_common.errors import ReadableErrors
from umkm_graph.graphql_common.scalars import SCALAR_MAP
from umkm_graph.graphql_engine import limits, persisted
from umkm_graph.graphql_engine.fast_fields import PlainFieldsFirst
from umkm_graph.graphql_engine.query_cost import FieldPrices
from umkm_graph.graphql_plugins import PluginsQuery
from umkm_graph.notifications.graphql.operations import NotificationsMutation, NotificationsQuery
from umkm_graph.growth.graphql.naik_kelas import NaikKelasMutation, NaikKelasQuery
from umkm_graph.growth.graphql.sharing import SharingMutation, SharingQuery
from umkm_graph.growth.graphql.trending import TrendingQuery
from umkm_graph.office_delivery.graphql.operations import OfficeDeliveryMutation, OfficeDeliveryQuery
from umkm_graph.offline_claims.graphql.operations import OfflineClaimsMutation, OfflineClaimsQuery
from umkm_graph.observability import OperationMetrics
from umkm_graph.tracing import OperationSpans
from umkm_graph.orders.graphql.complaints import ComplaintsMutation, ComplaintsQuery
from umkm_graph.orders.graphql.operations import OrdersMutation, OrdersQuery
from umkm_graph.orders.graphql.owed_refunds import OwedRefundsMutation, OwedRefundsQuery
from umkm_graph.orders.graphql.subscriptions import OrderSubscription
from umkm_graph.orders.graphql.types import OrderType
from umkm_graph.password_reset.graphql.operations import PasswordResetMutation
from umkm_graph.payments.graphql.operations import PaymentsQuery
from umkm_graph.procurement.graphql.operations import ProcurementMutation, ProcurementQuery
from umkm_graph.promotions.graphql.operations import PromotionsMutation, PromotionsQuery
from umkm_graph.people.graphql.addresses import AddressesMutation, AddressesQuery
from umkm_graph.people.graphql.operations import PeopleMutation, PeopleQuery
from umkm_graph.people.graphql.opds import OpdsMutation, OpdsQuery
from umkm_graph.people.graphql.staff import StaffMutation, StaffQuery
from umkm_graph.people.models import Role
from umkm_graph.reviews.graphql.operations import ReviewsMutation, ReviewsQuery
from umkm_graph.reviews.graphql.types import ReviewType
from umkm_graph.settings import Settings
from umkm_graph.shops.graphql.certificates import CertificatesMutation, CertificatesQuery
from umkm_graph.shops.graphql.following import FollowingMutation, FollowingQuery
from umkm_graph.shops.graphql.operations import ShopsMutation, ShopsQuery
from umkm_graph.shops.graphql.types import ShopType

# The gateway proves itself with UMKM_FEDERATION_SECRET in this header to read `_service { sdl }`.
FEDERATION_SECRET_HEADER = "X-Federation-Secret"


def is_gateway(settings: Settings, request: HTTPConnection | None) -> bool:
    """Whether the asker may read the subgraph's SDL: with UMKM_FEDERATION_SECRET set, only a request carrying it in
    FEDERATION_SECRET_HEADER (compared in constant time); without it, anyone outside production and no one in it."""
    secret = settings.federation_secret
    if not secret:
        return not settings.is_production
    sent = request.headers.get(FEDERATION_SECRET_HEADER, "") if request is not None else ""
    return hmac.compare_digest(sent.encode(), secret.encode())


@strawberry.type(name="_Service")
class FederationService:
    @strawberry.field
    def sdl(self, info: Info) -> str:
        return print_schema(info.schema)


@strawberry.type
class FederationQuery:
    @strawberry.field(name="_service")
    def service(self, info: Info) -> FederationService:
        """Federation's own field (in place of strawberry's, which answers anyone): the SDL is the whole schema,
        introspection or not, so it is the gateway's alone."""
        context = info.context
        if not is_gateway(context.settings, context.request):
            raise DomainError(ErrorCode.FORBIDDEN, "_service is answered only to the federation gateway, which "
                              f"sends the shared secret in {FEDERATION_SECRET_HEADER}")
        return FederationService()


# The order of the parts is the order of the schema's fields.
QUERIES: tuple[type, ...] = (PeopleQuery, StaffQuery, OpdsQuery, AddressesQuery, ProductsQuery, ShopsQuery,
                             FollowingQuery, CertificatesQuery, CategoriesQuery,
                             ReviewsQuery, OrdersQuery, ComplaintsQuery, OwedRefundsQuery, PaymentsQuery, BalancesQuery,
                             CheckoutQuery,
                             CartQuery, DeliveryQuery, NotificationsQuery, PluginsQuery, AnalyticsQuery, TrendingQuery,
                             PromotionsQuery, ProgrammesQuery, SharingQuery, NaikKelasQuery, OfficeDeliveryQuery, OfflineClaimsQuery,
                             ProcurementQuery,
                             FederationQuery)
MUTATIONS: tuple[type, ...] = (PeopleMutation, StaffMutation, OpdsMutation, PasswordResetMutation, AddressesMutation,
                               ShopsMutation, FollowingMutation, CertificatesMutation, CatalogMutation,
                               ReviewsMutation, CheckoutMutation, CartMutation, OrdersMutation, ComplaintsMutation,
                               OwedRefundsMutation, BalancesMutation,
                               DeliveryMutation, NotificationsMutation, AnalyticsMutation, PromotionsMutation,
                               SharingMutation, NaikKelasMutation, OfficeDeliveryMutation,
                               OfflineClaimsMutation, ProcurementMutation)
SUBSCRIPTIONS: tuple[type, ...] = (OrderSubscription,)
ENTITIES: tuple[type, ...] = (ProductType, ShopType, ReviewType, OrderType)
# Every entity is keyed by its id: a representation is {"__typename": <an entity>, "id": <a string or an integer>}.
ENTITY_NAMES = frozenset(definition.name for definition in map(get_object_definition, ENTITIES) if definition)
REPRESENTATION_KEYS = frozenset({"__typename", "id"})


def representation_error(representation: object) -> str | None:
    """What is wrong with one representation of `_entities`, or None when it has an entity's shape."""
    if not isinstance(representation, dict):
        return 'must be an object {"__typename": ..., "id": ...}'
    typename = representation.get("__typename")
    if not isinstance(typename, str) or typename not in ENTITY_NAMES:
        return f"__typename must name an entity: {', '.join(sorted(ENTITY_NAMES))}"
    if representation.keys() != REPRESENTATION_KEYS:
        return f"a {typename} is keyed by id alone: send exactly __typename and id"
    entity_id = representation["id"]
    if isinstance(entity_id, bool) or not isinstance(entity_id, (str, int)):
        return "id must be a string or an integer"
    return None


def check_representations(representations: list[Any]) -> None:
    """A malformed representation is the client's (or gateway's) mistake: the whole field is refused, with one error
    naming the first one, before any is resolved (and nothing is logged). A well-formed one with an id no row has, or
    one the asker may not see, resolves to null, as before."""
    for index, representation in enumerate(representations):
        problem = representation_error(representation)
        if problem is not None:
            raise DomainError(ErrorCode.INVALID, f"representations[{index}]: {problem}",
                              ["representations", str(index)])


class _Schema(strawberry.federation.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Expected errors are the client's business; ReadableErrors logs each unexpected one with its error id."""

    def entities_resolver(self, info: Info, representations: list[FederationAny]) -> list[FederationAny]:
        """federation's `_entities`, after check_representations (strawberry's own resolver raises a KeyError, a
        TypeError or an AttributeError for each malformed one, which would be masked as INTERNAL and logged)."""
        check_representations(representations)
        return super().entities_resolver(info, representations)


# One password hash (argon2) costs about a quarter of a second of CPU: as much as a query of this many points.
PASSWORD_HASH_POINTS = 2_500
# login, register and changePassword hash a password; registerAsn is the other registration. A request may hold one
# of them.
FIELD_PRICES = FieldPrices(
    points={"Mutation.login": PASSWORD_HASH_POINTS, "Mutation.register": PASSWORD_HASH_POINTS,
            "Mutation.changePassword": 2 * PASSWORD_HASH_POINTS,  # checks the current one, hashes the new one
            "Mutation.resetPassword": PASSWORD_HASH_POINTS},
    rationed=frozenset({"Mutation.login", "Mutation.register", "Mutation.registerAsn", "Mutation.changePassword",
                        "Mutation.resetPassword", "Mutation.requestPasswordReset"}),
    why_rationed="checks a password or registers someone",
)


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


COMPILED_ROOTS = {"products": compile_products}
"""The Query fields the document compiler covers (with fast paths on), each by its domain's compiler."""


@functools.cache
def _shape() -> _Schema:
    """The schema's types, converted once per process: strawberry's conversion is most of an app's start (a sixth of a
    second of CPU), which each test's app paid again. Never executed itself: each app runs a copy (build_schema)."""
    return _Schema(
        query=merge_types("Query", QUERIES),
        mutation=merge_types("Mutation", MUTATIONS),
        subscription=merge_types("Subscription", SUBSCRIPTIONS),
        types=ENTITIES,
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
    )


def build_schema(settings: Settings | None = None) -> strawberry.federation.Schema:
    """The schema, with the protections of these settings (limits.py parses and validates, with caches), and the fast
    field executor unless UMKM_FAST_PATHS is off (then strawberry's own execution context runs every field).

    The types are shared (_shape); what an app keeps for itself (the extensions and their caches, the limits, the
    batching and the executor) is set on a shallow copy of its own, so no two apps share any state."""
    settings = settings or Settings()
    query_limits = limits.QueryLimits(settings, query_budget(settings), FIELD_PRICES)
    shape = _shape()
    schema = copy.copy(shape)
    schema.extensions = (*([OperationSpans] if settings.tracing else []), OperationMetrics, ReadableErrors,
                         *persisted.extensions(settings), *query_limits.extensions())
    schema.config = dataclasses.replace(shape.config, batching_config=limits.batching(settings))
    schema.execution_context_class = PlainFieldsFirst if settings.fast_paths else shape.execution_context_class
    schema.query_limits = query_limits  # the view costs a batch as a whole with them (limits.of)
    schema.compiled_roots = COMPILED_ROOTS  # the document compiler's shapes (graphql_engine/compiled.py)
    return schema


def print_sdl() -> str:
    return build_schema().as_str() + "\n"
