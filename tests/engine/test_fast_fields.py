"""Plain fields answered directly (graphql_engine/fast_fields.py) give exactly graphql-core's answer: the same data in the same key
order, and the same errors, with their paths, for a null in a non-null field or a value the scalar refuses."""

from __future__ import annotations

import enum
import json
from typing import Any

import strawberry

from umkm_graph.graphql_engine.fast_fields import NOT_IN_MEMORY, PlainFieldsFirst, in_memory


@strawberry.enum
class Unit(enum.Enum):
    KG = "KG"
    LITRE = "LITRE"


@strawberry.type
class Shop:
    name: str


@strawberry.type
class Item:
    name: str
    note: str | None
    count: int
    unit: Unit
    shop: Shop

    @strawberry.field
    def label(self, upper: bool = False) -> str:
        return self.name.upper() if upper else self.name


GOOD = Item(name="Beras", note=None, count=2, unit=Unit.KG, shop=Shop(name="Toko Sri"))
NULL_NAME = Item(name=None, note="kosong", count=1, unit=Unit.LITRE, shop=Shop(name="Toko Budi"))  # type: ignore[arg-type]
BAD_COUNT = Item(name="Gula", note="", count="banyak", unit=Unit.KG, shop=Shop(name="Toko Sri"))  # type: ignore[arg-type]


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item | None]:
        return [GOOD, NULL_NAME, BAD_COUNT]

    @strawberry.field
    async def first(self) -> Item:
        return GOOD


QUERY = """{
  first { label(upper: true) count ...I }
  items { note label unit ...I shop { name } count name }
}
fragment I on Item { name unit @include(if: true) }"""


def answer(schema: strawberry.Schema) -> dict[str, Any]:
    result = schema.execute_sync(QUERY.replace("first { label(upper: true) count ...I }", ""))
    return {"data": result.data, "errors": [(e.message, e.path) for e in result.errors or []]}


async def answer_async(schema: strawberry.Schema) -> dict[str, Any]:
    result = await schema.execute(QUERY)
    return {"data": result.data, "errors": [(e.message, e.path) for e in result.errors or []]}


async def test_plain_fields_answer_exactly_as_graphql_core_does() -> None:
    plain = strawberry.Schema(Query, execution_context_class=PlainFieldsFirst)
    usual = strawberry.Schema(Query)
    for fast, slow in ((answer(plain), answer(usual)), (await answer_async(plain), await answer_async(usual))):
        assert json.dumps(fast) == json.dumps(slow)  # key order included
        assert fast["data"]["items"][0] == {"note": None, "label": "Beras", "unit": "KG", "name": "Beras",
                                            "shop": {"name": "Toko Sri"}, "count": 2}
        assert fast["data"]["items"][1:] == [None, None]
        assert [path for _, path in fast["errors"]] == [["items", 1, "label"], ["items", 2, "count"]]


# --- whole selections projected without graphql-core: objects, lists and fields read from memory ---------------------

MISSING_SHOP, BROKEN_SHOP = object(), object()


def _shop_of(root: Listing) -> Shop:
    if root.seller is BROKEN_SHOP:
        raise ValueError("the seller is unreadable")
    return root.seller if isinstance(root.seller, Shop) else NOT_IN_MEMORY


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Brand(Named):
    country: str


@strawberry.type
class Listing:
    id: strawberry.ID
    name: str
    price: int
    rating: float | None
    unit: Unit
    tags: list[str]
    brand: Named | None
    seller: strawberry.Private[object]
    resolved: strawberry.Private[list[str]]

    @strawberry.field(metadata=in_memory(_shop_of))
    def shop(self) -> Shop:
        """Read from memory when the seller is there, else 'loaded' (the resolver is where I/O would happen)."""
        self.resolved.append(self.name)
        found = _shop_of(self)
        return Shop(name="dimuat") if found is NOT_IN_MEMORY else found

    @strawberry.field
    def label(self, upper: bool = False) -> str:
        return self.name.upper() if upper else self.name


@strawberry.type
class ListingEdge:
    cursor: str
    node: Listing


@strawberry.type
class Page:
    edges: list[ListingEdge]
    note: str | None


def _page(rows: list[Listing]) -> Page:
    return Page(edges=[ListingEdge(cursor=f"c{i}", node=row) for i, row in enumerate(rows)], note=None)


def _listing(n: int, **changes: Any) -> Listing:
    fields: dict[str, Any] = dict(id=strawberry.ID(str(n)), name=f"Beras {n}", price=60_000 + n, rating=None if n % 2 else 4.5,
                                  unit=Unit.KG, tags=["sembako", f"t{n}"], brand=Brand(name="Pandan", country="ID"),
                                  seller=Shop(name=f"Toko {n}"), resolved=[])
    fields.update(changes)
    return Listing(**fields)


PAGES: dict[str, list[Listing]] = {}


@strawberry.type
class ListingQuery:
    @strawberry.field
    async def page(self, kind: str) -> Page:
        return _page(PAGES[kind])

    @strawberry.field
    def pages(self, kinds: list[str]) -> list[Page | None]:
        return [_page(PAGES[kind]) for kind in kinds]


LISTING_QUERY = """query Q($withShop: Boolean!, $skipPrice: Boolean!, $kind: String!) {
  page(kind: $kind) {
    __typename
    note
    all: edges { cursor node { ...Card } }
    edges {
      node {
        id
        title: name
        price @skip(if: $skipPrice)
        shop @include(if: $withShop) { __typename name }
        ... on Listing { rating unit tags cost: price }
      }
    }
  }
}
fragment Card on Listing { name shop { name } ... @include(if: $withShop) { id } }"""

BRAND_QUERY = "query { page(kind: \"ok\") { edges { node { id brand { name ... on Brand { country } } } } } }"
ARGUMENTS_QUERY = "query { page(kind: \"ok\") { edges { node { id label(upper: true) shop { name } } } } }"
NESTED_LISTS_QUERY = "query { pages(kinds: [\"ok\", \"bad_price\", \"null_name\"]) { edges { node { name price } } } }"


async def _both(query: str, variables: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    answers = []
    for schema in (strawberry.Schema(ListingQuery, types=[Brand], execution_context_class=PlainFieldsFirst),
                   strawberry.Schema(ListingQuery, types=[Brand])):
        result = await schema.execute(query, variable_values=variables)
        answers.append({"data": result.data, "errors": [(e.message, e.path) for e in result.errors or []]})
    return answers


async def test_projected_selections_answer_exactly_as_graphql_core_does() -> None:
    PAGES.update(ok=[_listing(n) for n in range(3)], bad_price=[_listing(0), _listing(1, price="mahal")],
                 null_name=[_listing(0, name=None)], loaded=[_listing(0), _listing(1, seller=MISSING_SHOP)],
                 broken=[_listing(0), _listing(1, seller=BROKEN_SHOP)])
    cases: list[tuple[str, dict[str, Any] | None]] = [
        (LISTING_QUERY, {"withShop": True, "skipPrice": False, "kind": kind}) for kind in PAGES
    ] + [
        (LISTING_QUERY, {"withShop": False, "skipPrice": True, "kind": "ok"}),
        (BRAND_QUERY, None), (ARGUMENTS_QUERY, None), (NESTED_LISTS_QUERY, None),
    ]
    for query, variables in cases:
        fast, slow = await _both(query, variables)
        assert json.dumps(fast) == json.dumps(slow), (query, variables)  # key order, aliases, nulls and errors included
    fast, _ = await _both(LISTING_QUERY, {"withShop": True, "skipPrice": False, "kind": "ok"})
    edge = fast["data"]["page"]["edges"][1]["node"]
    assert list(edge) == ["id", "title", "price", "shop", "rating", "unit", "tags", "cost"]
    assert edge["shop"] == {"__typename": "Shop", "name": "Toko 1"} and edge["rating"] is None
    fast, _ = await _both(LISTING_QUERY, {"withShop": True, "skipPrice": False, "kind": "bad_price"})
    assert [path for _, path in fast["errors"]] == [["page", "edges", 1, "node", "price"]]


async def test_a_field_read_from_memory_skips_its_resolver_only_when_its_value_is_there() -> None:
    PAGES.update(loaded=[_listing(0), _listing(1, seller=MISSING_SHOP)])
    schema = strawberry.Schema(ListingQuery, execution_context_class=PlainFieldsFirst)
    result = await schema.execute("{ page(kind: \"loaded\") { edges { node { shop { name } } } } }")
    assert result.data == {"page": {"edges": [{"node": {"shop": {"name": "Toko 0"}}}, {"node": {"shop": {"name": "dimuat"}}}]}}
    assert [row.resolved for row in PAGES["loaded"]] == [[], ["Beras 1"]]
