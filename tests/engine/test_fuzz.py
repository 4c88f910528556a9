"""Fuzzing every mutation with Hypothesis: arguments generated from the schema's own input types (plus nasty strings,
boundary numbers and ids that exist), sent by the actor who may run the mutation or by anyone else. Whatever comes in:
no server error, no unmasked exception, and a mutation that fails writes nothing.

UMKM_FUZZ_EXAMPLES sets the examples per mutation (15 by default, to keep CI fast)."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass
from typing import Any

import pytest
from argon2 import PasswordHasher
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
    is_leaf_type,
)
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from tortoise import Tortoise

from tests.helpers.api import Api, serve
from tests.helpers.catalog import add_product
from tests.helpers.people import Person
from tests.helpers.shops import verified_shop
from umkm_graph.graphql_schema import build_schema
from umkm_graph.people import service as people
from umkm_graph.people.models import Role, User
from umkm_graph.settings import Settings

EXAMPLES = int(os.environ.get("UMKM_FUZZ_EXAMPLES", "15"))
SCHEMA = build_schema()._schema
MUTATIONS: dict[str, GraphQLField] = dict(SCHEMA.mutation_type.fields)  # type: ignore[union-attr]
NASTY_STRINGS = [
    "", " ", "\t\n", "0", "-1", "1.5", "null", "true", "NaN", "9" * 30, "' OR 1=1 --", "\"; DROP TABLE orders; --",
    "<script>alert(1)</script>", "${jndi:ldap://x}", "../../etc/passwd", "%00", "\x00", "\u202e\u0645\u0644\u0627",
    "🍚🥚" * 20, "Ａｂｃ１２３", "²³", "x" * 5000, "Klojen", "kauman", "KG", "COD", "pickup", "beras",
    "2026-01-15", "2026-13-45", "1999-12-31T23:59:59Z", "198001012005011001", "1234567890123", "081234567890",
    "https://example.id/a.jpg", "javascript:alert(1)", "a@b.id", "UMKM-7K3QX9PD2M",
]
INTS = st.one_of(st.integers(-3, 1010), st.sampled_from([-(2**31), 2**31 - 1, 0, 1, 100, 101, 1000, 1001]))
BIG_INTS = st.one_of(st.integers(-(10**6), 10**10), st.sampled_from([-(10**15), 10**15, 10**15 + 1, 2**63, -(2**63) - 1]))
FLOATS = st.one_of(st.floats(allow_nan=False, allow_infinity=False, width=32), st.sampled_from([0.0, -0.0, 1e-9, 1e308]))


@dataclass
class World:
    """Two of each role that owns things, a verified shop with a product, and a delivered order with its review."""

    tokens: dict[str, str | None]
    ids: list[str]


# Characters that break things when they sit inside otherwise plausible text.
NASTY_CHARACTERS = ["\x00", "\x00", "\ud800", "\udfff", "\u202e", "\ufeff", "'", '"', "\\", "%", "_", "\n", "\x1b"]


def _strings() -> st.SearchStrategy[str]:
    plausible = st.one_of(st.sampled_from(NASTY_STRINGS), st.text(max_size=30))
    spiked = st.builds(lambda a, bad, b: a + bad + b, plausible, st.sampled_from(NASTY_CHARACTERS), plausible)
    return st.one_of(plausible, spiked, spiked, st.text(st.characters(codec=None, exclude_categories=()), max_size=20))


def value_for(type_: GraphQLInputType, ids: list[str], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values of a GraphQL input type: mostly valid shapes, with nasty contents."""
    if isinstance(type_, GraphQLNonNull):
        return value_for(type_.of_type, ids, depth)
    inner = _non_null_value(type_, ids, depth)
    return st.one_of(st.none(), inner) if depth < 4 else st.none()


def _non_null_value(type_: GraphQLInputType, ids: list[str], depth: int) -> st.SearchStrategy[Any]:
    if isinstance(type_, GraphQLList):
        return st.lists(value_for(type_.of_type, ids, depth + 1), max_size=4)
    if isinstance(type_, GraphQLEnumType):
        return st.one_of(st.sampled_from(list(type_.values)), st.sampled_from(["", "NOPE", "buyer"]))
    if isinstance(type_, GraphQLInputObjectType):
        fields = {name: value_for(f.type, ids, depth + 1) for name, f in type_.fields.items()}
        required = {name: s for name, s in fields.items() if isinstance(type_.fields[name].type, GraphQLNonNull)}
        optional = {name: s for name, s in fields.items() if name not in required}
        return st.fixed_dictionaries(required, optional=optional)
    assert isinstance(type_, GraphQLScalarType)
    return {
        "String": _strings(),
        "ID": st.one_of(st.sampled_from(ids), st.integers(-5, 10**12).map(str), _strings()),
        "Int": INTS,
        "Float": FLOATS,
        "Boolean": st.booleans(),
        "Rupiah": BIG_INTS,
    }.get(type_.name, _strings())


def document(name: str) -> str:
    """A mutation taking every argument as a variable, selecting the payload's errors and its objects' plain fields."""
    field = MUTATIONS[name]
    definitions = ", ".join(f"${arg}: {a.type}" for arg, a in field.args.items())
    arguments = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    payload = get_named_type(field.type)
    assert isinstance(payload, GraphQLObjectType)
    selections = ["__typename"]
    for key, sub in payload.fields.items():
        target = get_named_type(sub.type)
        if key == "errors":
            selections.append("errors { code field message }")
        elif is_leaf_type(target):
            selections.append(key)
        elif isinstance(target, GraphQLObjectType):
            leaves = [k for k, f in target.fields.items() if is_leaf_type(get_named_type(f.type)) and not f.args]
            selections.append(f"{key} {{ {' '.join(leaves)} }}")
    head = f"mutation Fuzz({definitions})" if definitions else "mutation Fuzz"
    call = f"{name}({arguments})" if arguments else name
    return f"{head} {{ {call} {{ {' '.join(selections)} }} }}"


async def _person(role: Role, name: str, password_hash: str, settings: Settings) -> Person:
    user = await User.create(email=f"{name}@fuzz.example.id", password_hash=password_hash, name=name.title(), role=role)
    return Person(id=str(user.id), email=user.email, token=people.issue_token(user, settings.secret_key, 3600))


async def build_world(api: Api, settings: Settings) -> World:
    password_hash = PasswordHasher().hash("rahasia-123")
    roles = {"officer": Role.CITY_OFFICER, "analyst": Role.ANALYST, "seller": Role.SELLER, "other_seller": Role.SELLER,
             "buyer": Role.BUYER, "other_buyer": Role.BUYER}
    cast = {key: await _person(role, key.replace("_", ""), password_hash, settings) for key, role in roles.items()}
    shop = await verified_shop(api, cast["seller"], cast["officer"])
    product = await add_product(api, cast["seller"], shop["id"], stock=1000)
    cart = {"lines": [{"productId": product["id"], "quantity": 1}],
            "shops": [{"shopId": shop["id"], "deliveryProvider": "pickup"}], "paymentMethod": "COD"}
    checkout = "mutation($i: CheckoutInput!) { checkout(input: $i) { checkout { orders { id pickupCode lines { id } } } errors { code } } }"
    (order,) = (await api.ok(checkout, {"i": cart}, cast["buyer"].token))["checkout"]["orders"]
    for step in ("acceptOrder", "markReadyForPickup"):
        await api.ok(f"mutation($id: ID!) {{ {step}(id: $id) {{ errors {{ code message }} }} }}", {"id": order["id"]},
                     cast["seller"].token)
    await api.ok("mutation($id: ID!, $c: String) { markDelivered(id: $id, pickupCode: $c) { errors { code message } } }",
                 {"id": order["id"], "c": order["pickupCode"]}, cast["seller"].token)
    line = order["lines"][0]["id"]
    review = (await api.ok("mutation($l: ID!) { createReview(orderLineId: $l, rating: 4) { review { id } errors { code } } }",
                           {"l": line}, cast["buyer"].token))["review"]
    ids = [shop["id"], product["id"], order["id"], line, review["id"], *(p.id for p in cast.values())]
    return World(tokens={"anonymous": None, **{key: p.token for key, p in cast.items()}}, ids=sorted(set(ids)))


async def fingerprint() -> str:
    """A hash of every row of every table: equal before and after means nothing was written."""
    digest = hashlib.sha256()
    for name, model in sorted(Tortoise.apps["models"].items()):
        rows = await model.all().order_by(model._meta.pk_attr).values()
        digest.update(f"{name}:{rows!r}".encode())
    return digest.hexdigest()


def _check_no_server_error(status: int, body: Any) -> None:
    assert status < 500, body
    assert isinstance(body, dict), body
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code and code != "INTERNAL", error
        assert "Unexpected error" not in error["message"] and "Traceback" not in error["message"], error


async def _attempt(api: Api, name: str, query: str, variables: dict[str, Any], token: str | None) -> None:
    before = await fingerprint()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await api.client.post("/graphql", content=json.dumps({"query": query, "variables": variables}),
                                     headers={**headers, "Content-Type": "application/json"})
    body = response.json()
    _check_no_server_error(response.status_code, body)
    result = (body.get("data") or {}).get(name)
    if result is None or result.get("errors"):
        assert await fingerprint() == before, f"{name} failed but wrote: {body}"


@pytest.mark.parametrize("name", sorted(MUTATIONS))
async def test_fuzzed_mutation_input_never_breaks_the_server_or_writes_half(settings: Settings, name: str) -> None:
    fuzzing = dataclasses.replace(settings, rate_limit_per_ip=0, rate_limit_per_user=0)
    query = document(name)
    async with serve(fuzzing) as api:
        world = await build_world(api, fuzzing)
        arguments = st.fixed_dictionaries({arg: value_for(a.type, world.ids) for arg, a in MUTATIONS[name].args.items()})
        actors = st.sampled_from(sorted(world.tokens))
        loop = asyncio.get_running_loop()

        # Hypothesis drives a plain function; it runs in a thread and hands each request to this event loop.
        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None,
                             suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
        @given(variables=arguments, actor=actors)
        def run(variables: dict[str, Any], actor: str) -> None:
            attempt = _attempt(api, name, query, variables, world.tokens[actor])
            asyncio.run_coroutine_threadsafe(attempt, loop).result()

        await asyncio.to_thread(run)
