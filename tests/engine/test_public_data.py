"""The response cache's allowlist is read from the schema: a field is public data only when its declaration says so,
and the storefront's declarations make public exactly what the cache served before (no more: nothing private leaks;
no less: the storefront stays cached)."""

from __future__ import annotations

import strawberry
from graphql import GraphQLObjectType, get_named_type

from umkm_graph.graphql_engine.response_cache import is_public_data, public_data, public_query
from umkm_graph.graphql_schema import build_schema

# What the cache's lists of names allowed before the declarations: these root fields, and the fields of these types
# answering a leaf or one of these types, but for Shop.npwp and Shop.identityChange (who asks) and Review.buyerName
# (not versioned). productSearch and its types (issue 15) came later and are public like the storefront they search;
# and since issue 17, what is trending and the badges (Shop.certificates: who asks decides); a product's photos since
# issue 15; a product's price range since its variants (issue 15), whose list is who asks (the owner sees deactivated
# ones).
_ROOT_FIELDS = {"product", "products", "productSearch", "shop", "shops", "categories", "review", "trendingProducts"}
_TYPES = {"Product", "ProductConnection", "ProductEdge", "UnitPrice", "Shop", "ShopConnection", "ShopEdge",
          "DeliveryFee", "Review", "ReviewConnection", "ReviewEdge", "Category", "PageInfo", "ProductSearch",
          "SearchFacets", "FacetCount", "TrendingProduct", "TrendingProductConnection", "TrendingProductEdge",
          "Photo", "PriceRange"}
_PRIVATE = {("Shop", "npwp"), ("Shop", "identityChange"), ("Shop", "certificates"), ("Review", "buyerName"),
            ("Product", "variants")}


def _reachable_public() -> set[tuple[str, str]]:
    """The public fields a cacheable document can reach: from the root, through public fields only (the generic page
    parts, public in every connection, count only below a public root)."""
    schema = build_schema()._schema
    found: set[tuple[str, str]] = set()
    todo = [schema.query_type]
    while todo:
        graphql_type = todo.pop()
        for name, field in graphql_type.fields.items():  # type: ignore[union-attr]
            if is_public_data(field) and (graphql_type.name, name) not in found:  # type: ignore[union-attr]
                found.add((graphql_type.name, name))  # type: ignore[union-attr]
                answer = get_named_type(field.type)
                if isinstance(answer, GraphQLObjectType):
                    todo.append(answer)
    return found


def _public_before() -> set[tuple[str, str]]:
    schema = build_schema()._schema
    before = {("Query", name) for name in _ROOT_FIELDS}
    for type_name in _TYPES:
        graphql_type = schema.type_map[type_name]
        assert isinstance(graphql_type, GraphQLObjectType)
        before |= {(type_name, name) for name in graphql_type.fields if (type_name, name) not in _PRIVATE}
    return before


def test_the_schema_declares_public_exactly_what_the_cache_served_before() -> None:
    assert _reachable_public() == _public_before()


@strawberry.type
class _Item:
    shown: str = strawberry.field(metadata=public_data())
    undeclared: str


@strawberry.type
class _Query:
    @strawberry.field(metadata=public_data())
    def item(self) -> _Item:
        return _Item(shown="a", undeclared="b")

    @strawberry.field
    def other(self) -> _Item:
        return _Item(shown="a", undeclared="b")


def test_a_field_is_cacheable_only_when_declared_public() -> None:
    schema = strawberry.Schema(query=_Query)._schema
    assert public_query(schema, "{ item { shown __typename } }", None)
    assert not public_query(schema, "{ item { shown undeclared } }", None)
    assert not public_query(schema, "{ other { shown } }", None)
    assert not public_query(schema, "query A { item { shown } } query B { other { shown } }", "B")
