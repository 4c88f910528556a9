"""The document compiler (issue 19) answers storefront documents byte for byte as graphql-core's own execution does:
Hypothesis writes storefront-shaped documents (random fields, aliases, fragments, @include/@skip, variables, page sizes
and filters, valid or not), and each is sent twice to one app, once compiled and once with the compiler and the fast
field executor switched off; status and body must be the same bytes, errors included."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from starlette.applications import Starlette

from tests.helpers.api import Api, asgi_client, started_app
from tests.helpers.catalog import add_product
from tests.helpers.people import city_person, sign_up
from tests.helpers.shops import verified_shop
from umkm_graph.catalog.models import Product
from umkm_graph.graphql_engine.compat import StrawberryExecutionContext
from umkm_graph.graphql_engine.compiled import COMPILED
from umkm_graph.graphql_engine.view import GraphQLView
from umkm_graph.settings import Settings

pytestmark = pytest.mark.fast_paths
EXAMPLES = 60

PRODUCT_FIELDS = ["id", "name", "price", "rating", "reviewCount", "stock", "unit", "packSize", "isActive",
                  "imageUrls", "netWeightGrams", "createdAt", "description"]
SHOP_FIELDS = ["id", "name", "kecamatan", "kelurahan", "slug", "rating", "reviewCount", "status", "offersPickup"]
UNCOVERED = ["category { slug }", "unitPrice { price per }", "badges"]  # the reference path answers these
PAGE_INFO = ["hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename"]
VARIABLES = {"first": "Int", "after": "String", "filter": "ProductFilterInput", "sort": "ProductSort! = NEWEST",
             "x": "Boolean!", "y": "Boolean!"}


@st.composite
def marked(draw: st.DrawFn, field: str) -> str:
    """A field, perhaps aliased, perhaps under a condition."""
    head, _, rest = field.partition(" ")
    alias = draw(st.sampled_from(["", "", "", f"a_{head}: ", f"b_{head}: ", "same: " if rest else ""]))
    condition = draw(st.sampled_from(["", "", "", " @include(if: $x)", " @skip(if: $y)", " @include(if: true)",
                                      " @skip(if: true)"]))
    return f"{alias}{head}{condition}{' ' + rest if rest else ''}"


def fields(names: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(names), min_size=1, max_size=5).flatmap(
        lambda chosen: st.tuples(*(marked(name) for name in chosen))).map(" ".join)


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, str]:
    """(a document, the fragment it names) of the storefront's shape."""
    shop = draw(fields(SHOP_FIELDS + ["__typename"]))
    node = draw(fields(PRODUCT_FIELDS + ["__typename"] + (UNCOVERED if draw(st.integers(0, 5)) == 0 else [])))
    node += " " + draw(marked(f"shop {{ {shop} }}")) if draw(st.booleans()) else ""
    where = draw(st.sampled_from(["inline", "fragment", "spread-inline", "none"]))
    fragment = ""
    if where == "fragment":
        fragment = f"fragment Node on Product {{ {node} }}"
        node = "...Node" + draw(st.sampled_from(["", " @include(if: $x)"])) + " id"
    elif where == "spread-inline":
        node = f"... on Product {draw(st.sampled_from(['', '@skip(if: $y) ']))}{{ {node} }}"
    edges = draw(st.sampled_from(["cursor ", "", "__typename "])) + draw(marked(f"node {{ {node} }}"))
    parts = [draw(marked(f"edges {{ {edges} }}"))]
    if draw(st.booleans()):
        parts.append(draw(marked(f"pageInfo {{ {draw(fields(PAGE_INFO))} }}")))
    if draw(st.booleans()):
        parts.append(draw(marked("totalCount")))
    if draw(st.booleans()):
        parts.append("__typename")
    arguments = draw(st.sampled_from(["first: $first, after: $after, filter: $filter, sort: $sort",
                                      'first: $first, filter: {category: "sembako"}', "first: 2",
                                      "first: $first, sort: PRICE_ASC", "filter: $filter"]))
    body = " ".join(draw(st.permutations(parts)))
    text = f"products({arguments}) {{ {body} }} }} {fragment}"
    used = ", ".join(f"${name}: {kind}" for name, kind in VARIABLES.items() if re.search(rf"\${name}\b", text))
    query = f"query Storefront{f'({used})' if used else ''} {{ {text}"
    return query, where


FILTERS = st.one_of(st.none(), st.fixed_dictionaries({}, optional={
    "category": st.sampled_from(["sembako", "beras", "minyak-goreng", "kuliner", "bogus"]),
    "kecamatan": st.sampled_from(["Klojen", "lowokwaru", "Nowhere"]),
    "minPrice": st.sampled_from([0, 20000, 70000, -5, 1.5]),
    "maxPrice": st.sampled_from([30000, 100000]),
    "inStock": st.booleans(),
    "text": st.just("beras"),
    "shopId": st.sampled_from(["1", "2", "abc"]),
    "unitPricePer": st.sampled_from(["KG", "LITRE"]),
    "minUnitPrice": st.sampled_from([1000, 20000]),
    "badge": st.just("HALAL"),
}))


def view_of(app: Starlette) -> GraphQLView:
    return next(view for route in app.routes if isinstance(view := getattr(route, "app", None), GraphQLView))


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, fast_paths=True, response_cache=False, rate_limit_per_ip=0,
                               rate_limit_per_user=0)


@pytest.fixture
async def storefront(settings: Settings) -> AsyncIterator[tuple[Starlette, Api, list[str]]]:
    async with started_app(settings) as app:
        async with asgi_client(app) as client:
            api = Api(client)
            seller, officer = await sign_up(api, "SELLER"), await city_person(api)
            shops = [await verified_shop(api, seller, officer), await verified_shop(api, seller, officer,
                                                                                    kecamatan="Lowokwaru", kelurahan="Dinoyo")]
            for i, (category, price, stock) in enumerate([("beras", 67500, 20), ("minyak-goreng", 31400, 0),
                                                          ("beras", 14000, 3), ("kuliner", 25000, 8),
                                                          ("telur", 28000, 1)]):
                product = await add_product(api, seller, shops[i % 2]["id"], category=category, price=price,
                                            stock=stock, name=f"Produk {i}")
                # Averages whose rounding is delicate: 2.675 (below the half), 1/8 (a tie), 4.0 (a whole float).
                rating_sum, count = [(107, 40), (1, 8), (4, 1), (0, 0), (13, 3)][i]
                await Product.filter(id=int(product["id"])).update(rating_sum=rating_sum, review_count=count)
            page = await api.gql("{ products(first: 2) { edges { cursor } } }")
            cursors = [edge["cursor"] for edge in page["products"]["edges"]]
            yield app, api, [*cursors, base64.urlsafe_b64encode(b"o:1").decode(), "not-a-cursor"]


async def _answer(api: Api, body: dict[str, Any]) -> tuple[int, bytes]:
    response = await api.client.post("/graphql", json=body)
    return response.status_code, response.content


def _compiled() -> float:
    return next((s.value for m in COMPILED.collect() for s in m.samples
                 if s.labels.get("outcome") == "compiled" and s.name.endswith("_total")), 0.0)


async def test_compiled_storefront_documents_answer_as_graphql_core_does(
        storefront: tuple[Starlette, Api, list[str]]) -> None:
    app, api, cursors = storefront
    view = view_of(app)
    compiled, fast_fields = view.compiled, view.schema.execution_context_class
    assert compiled is not None
    loop = asyncio.get_running_loop()
    before = _compiled()

    async def both(body: dict[str, Any]) -> None:
        view.compiled, view.schema.execution_context_class = compiled, fast_fields
        answer = await _answer(api, body)
        view.compiled, view.schema.execution_context_class = None, StrawberryExecutionContext
        try:
            reference = await _answer(api, body)
        finally:
            view.compiled, view.schema.execution_context_class = compiled, fast_fields
        assert answer == reference, body

    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(document=documents(), first=st.sampled_from([None, 0, 1, 2, 3, 2, 3, 100, 101, -1, "3"]),
           after=st.sampled_from([None, None, None, *cursors]), flt=FILTERS,
           sort=st.sampled_from(["NEWEST", "PRICE_ASC", "PRICE_DESC", "RATING", "RELEVANCE", "NEWEST", "CHEAPEST"]),
           x=st.sampled_from([True, False, True, False, True, "yes"]), y=st.booleans())
    def run(document: tuple[str, str], first: Any, after: str | None, flt: Any, sort: str, x: Any, y: bool) -> None:
        variables = {"first": first, "after": after, "filter": flt, "sort": sort, "x": x, "y": y}
        asyncio.run_coroutine_threadsafe(both({"query": document[0], "variables": variables}), loop).result()

    await asyncio.to_thread(run)
    assert _compiled() - before >= EXAMPLES // 4, "most documents should have run compiled"


async def test_batches_and_persisted_queries_are_compiled_with_the_same_answers(
        storefront: tuple[Starlette, Api, list[str]]) -> None:
    app, api, _ = storefront
    view = view_of(app)
    query = "query($first: Int) { products(first: $first) { edges { cursor node { id name shop { name } } } } }"
    sha = hashlib.sha256(query.encode()).hexdigest()
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": sha}}
    bodies: list[Any] = [[{"query": query, "variables": {"first": 1}}, {"query": query, "variables": {"first": -1}}],
                         {"query": query, "variables": {"first": 2}, "extensions": persisted},
                         {"variables": {"first": 3}, "extensions": persisted}]
    before = _compiled()
    answers = [await _answer(api, body) for body in bodies]
    assert _compiled() - before == 3  # the batch's first operation and both persisted ones; first: -1 is given back
    compiled, fast_fields = view.compiled, view.schema.execution_context_class
    view.compiled, view.schema.execution_context_class = None, StrawberryExecutionContext
    assert [await _answer(api, body) for body in bodies] == answers
    view.compiled, view.schema.execution_context_class = compiled, fast_fields


async def test_a_storefront_page_is_compiled_once_and_answered_without_graphql_core(
        storefront: tuple[Starlette, Api, list[str]]) -> None:
    app, api, _ = storefront
    query = ("query($first: Int!) { products(filter: {category: \"sembako\"}, first: $first) { edges { node { id name "
             "price shop { name kecamatan } rating reviewCount } } pageInfo { hasNextPage } totalCount } }")
    before = _compiled()
    answers = [await api.post(query, {"first": first}) for first in (2, 10)]
    assert _compiled() - before == 2
    assert [len(a["data"]["products"]["edges"]) for a in answers] == [2, 4]
    assert answers[1]["data"]["products"]["totalCount"] == 4
    assert [e["node"]["rating"] for e in answers[1]["data"]["products"]["edges"]] == [4.33, 4.0, 0.12, 2.67]
    plans = view_of(app).compiled.plans  # type: ignore[union-attr]
    assert plans[(hashlib.sha256(query.encode()).digest(), None)] is not None


async def test_a_plan_runs_only_within_the_cost_budget(storefront: tuple[Starlette, Api, list[str]]) -> None:
    app, api, _ = storefront
    view = view_of(app)
    query = "query($first: Int!) { products(first: $first) { edges { node { id name } } } }"
    assert "errors" not in await api.post(query, {"first": 2})
    view.compiled.limits.budget = _budget(1)  # type: ignore[union-attr]
    before = _compiled()
    body = await api.post(query, {"first": 2})
    assert body["data"] is None and [e["extensions"]["code"] for e in body["errors"]] == ["QUERY_TOO_COMPLEX"]
    assert _compiled() == before


async def test_the_plans_kept_are_bounded(storefront: tuple[Starlette, Api, list[str]]) -> None:
    app, api, _ = storefront
    compiled = view_of(app).compiled
    assert compiled is not None
    compiled.max_plans = 3
    for first in range(1, 6):
        await api.gql(f"{{ products(first: {first}) {{ edges {{ node {{ id }} }} }} }}")
    assert len(compiled.plans) == 3
    newest = "{ products(first: 5) { edges { node { id } } } }"
    assert list(compiled.plans)[-1] == (hashlib.sha256(newest.encode()).digest(), None)


def _budget(points: int) -> Any:
    async def budget(_: Any) -> int:
        return points

    return budget
