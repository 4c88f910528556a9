"""The storefront's compiled shape (issue 19): `products` with its connection, product nodes and their shop, answered
from the listing's one statement (catalog.listing, its text kept per shape) without graphql-core's execution.

What it covers: the connection's edges (cursor, node), pageInfo, totalCount and __typename; a node's stored public
fields (id, name, price, rating, reviewCount, stock, ...) and its shop's (name, kecamatan, ...); a filter without
search text or a point (those are catalog.search's). Anything else (reviews, badges, category, unitPrice, a private
field) makes the compiler answer None, and the document runs on the reference path. The answers are made by the same
functions the reference path's fields use (the stored fields' answers, the schema's scalars, pagination's cursors).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from umkm_graph.catalog import listing, search
from umkm_graph.catalog.graphql.operations import ProductFilterInput
from umkm_graph.catalog.graphql.types import PRODUCT_FIELDS
from umkm_graph.catalog.models import PriceUnit
from umkm_graph.graphql_common.pagination import cursor_at, page_info, window
from umkm_graph.graphql_common.stored import StoredFields
from umkm_graph.graphql_engine.compiled import GiveUp, Runner, Step, as_is_type, leaf_completion, projection
from umkm_graph.graphql_engine.compiled_selection import Field, named_type
from umkm_graph.graphql_engine.response_cache import is_public_data
from umkm_graph.shops.graphql.types import SHOP_FIELDS
from umkm_graph.shops.models import CertificateKind

Projection = Callable[[Any], Any]
_PAGE_INFO = {"hasNextPage": "has_next_page", "hasPreviousPage": "has_previous_page", "startCursor": "start_cursor",
              "endCursor": "end_cursor"}
# The filter's fields the listing answers (the others, text and near, are a search); by their schema names.
_FILTER = {"category": "category", "shopId": "shop_id", "kecamatan": "kecamatan", "minPrice": "min_price",
           "maxPrice": "max_price", "inStock": "in_stock", "minUnitPrice": "min_unit_price",
           "maxUnitPrice": "max_unit_price", "unitPricePer": "unit_price_per", "badge": "badge"}


def _stored_projection(stored: StoredFields, fields: tuple[Field, ...],
                       nested: dict[str, Callable[[Field], Projection | None]]) -> Projection | None:
    """A row's answer for these fields of a stored type, or None when one is not a stored public field."""
    steps: list[Step] = []
    for one in fields:
        if one.definition is None:
            steps.append(Step(one.response_name, constant=one.parent.name))
            continue
        if not is_public_data(one.definition) or one.node.arguments:
            return None
        if one.name in nested:
            inner = nested[one.name](one)
            if inner is None:
                return None
            steps.append(Step(one.response_name, answer=inner, complete=_same))
            continue
        answer, complete = stored.answers.get(one.name), leaf_completion(one.definition.type)
        if answer is None or complete is None:
            return None
        steps.append(Step(one.response_name, column=stored.plain_columns.get(one.name), answer=answer,
                          complete=complete, as_is=as_is_type(one.definition.type)))
    return projection(steps)


def _constant(value: str) -> Projection:
    return lambda _: value


def _same(value: Any) -> Any:
    return value


def _shop(field: Field) -> Projection | None:
    project = _stored_projection(SHOP_FIELDS, field.children, {})
    return None if project is None else (lambda row: project(row.shop))


def _object(fields: tuple[Field, ...], attributes: dict[str, str]) -> Projection | None:
    """An in-memory object's answer (pageInfo, an edge's cursor) for these leaf fields."""
    steps: list[tuple[str, Projection]] = []
    for one in fields:
        if one.definition is None:
            steps.append((one.response_name, lambda _, name=one.parent.name: name))
            continue
        complete = leaf_completion(one.definition.type)
        if one.name not in attributes or complete is None:
            return None
        steps.append((one.response_name, lambda source, a=attributes[one.name], c=complete: c(getattr(source, a))))
    return lambda source: {name: step(source) for name, step in steps}


def compile_products(field: Field) -> Runner | None:
    """Query.products as this selection asks for it, or None when the selection is not the storefront's shape."""
    steps: list[tuple[str, str, Projection | None]] = []  # (response name, what, projection)
    nodes: list[Field] = []  # every node selected, under any alias of edges or node
    for one in field.children:
        if one.definition is None:
            steps.append((one.response_name, "typename", None))
        elif one.name == "totalCount":
            steps.append((one.response_name, "count", None))
        elif one.name == "pageInfo":
            steps.append((one.response_name, "page_info", _object(one.children, _PAGE_INFO)))
        elif one.name == "edges":
            nodes += [child for child in one.children if child.name == "node"]
            steps.append((one.response_name, "edges", _edge(one.children)))
        else:
            return None
    if any(project is None and what in ("page_info", "edges") for _, what, project in steps):
        return None
    connection_type = named_type(field.definition.type).name  # type: ignore[union-attr]
    node_fields = [one for node in nodes for one in node.children]
    shop_fields = [one for one in node_fields if one.name == "shop"]
    columns = PRODUCT_FIELDS.columns_for({one.name for one in node_fields}, ("id", "shop_id"))
    shop_columns = SHOP_FIELDS.columns_for({c.name for s in shop_fields for c in s.children}, ("id",)) \
        if shop_fields else None
    if columns is None or (shop_fields and shop_columns is None):
        return None

    async def run(arguments: dict[str, Any], context: Any) -> dict[str, Any]:
        flt = _filter(arguments.get("filter"))
        sort = listing.ProductSort(arguments["sort"])
        settings = context.settings
        asked = window(arguments.get("first"), arguments.get("after"), default=settings.default_page_size,
                       cap=settings.max_page_size)
        if search.is_search(flt):
            raise GiveUp
        page = await listing.product_page(flt, sort, asked, columns=columns, shop_columns=shop_columns)
        answer: dict[str, Any] = {}
        for response_name, what, project in steps:
            if what == "typename":
                answer[response_name] = connection_type
            elif what == "count":
                answer[response_name] = await page.count_total()
            elif what == "page_info":
                answer[response_name] = project(page_info(page))  # type: ignore[misc]
            else:
                answer[response_name] = [project((page, i, row)) for i, row in enumerate(page.rows)]  # type: ignore[misc]
        return answer

    return run


def _edge(fields: tuple[Field, ...]) -> Projection | None:
    """An edge's answer, from (the page, the row's place in it, the row): its cursor made only when selected."""
    steps: list[tuple[str, Projection]] = []
    for one in fields:
        if one.definition is None:
            steps.append((one.response_name, lambda _, name=one.parent.name: name))
        elif one.name == "node":
            node = _stored_projection(PRODUCT_FIELDS, one.children, {"shop": _shop})
            if node is None:
                return None
            steps.append((one.response_name, lambda edge, n=node: n(edge[2])))
        elif one.name == "cursor":
            steps.append((one.response_name, lambda edge: cursor_at(edge[0], edge[1])))
        else:
            return None
    return lambda edge: {name: step(edge) for name, step in steps}


def _filter(given: Any) -> listing.ProductFilter:
    if given is None:
        return ProductFilterInput().with_near(None)
    if not isinstance(given, dict) or any(key not in _FILTER and value is not None for key, value in given.items()):
        raise GiveUp
    values = {_FILTER[key]: value for key, value in given.items() if key in _FILTER}
    for name, enum in (("unit_price_per", PriceUnit), ("badge", CertificateKind)):  # as strawberry converts them
        if values.get(name) is not None:
            values[name] = enum(values[name])
    return ProductFilterInput(**values).with_near(None)
