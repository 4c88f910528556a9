"""Hostile requests are refused with a clear error, cheaply, and a normal client keeps being answered meanwhile.

Each test prints the CPU time the request took in this process (client and server: the app runs in-process), measured
with time.process_time; run with -s to see them. The figures are reported, never asserted."""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx2
import pytest

from tests.helpers.api import Api, serve_to
from tests.helpers.catalog import add_product
from tests.helpers.database import TEST_DATABASE_URL, reset_database
from tests.helpers.live import live_app
from tests.helpers.people import city_person, sign_up
from tests.helpers.shops import verified_shop
from umkm_graph.catalog.service import ensure_categories
from umkm_graph.people.opds import ensure_opds
from umkm_graph.settings import Settings


def _fragment_bomb(levels: int) -> str:
    """Each fragment spreads the one before it twice: 2**levels selections once expanded, in a few hundred bytes."""
    fragments = ["fragment F0 on Query { categories { id } }"]
    fragments += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)]
    return f"query Bomb {{ ...F{levels} }} " + " ".join(fragments)


def _nested_fragment_bomb(levels: int) -> str:
    """Two aliased children per level, each spreading the level below."""
    fragments = ["fragment C0 on Category { id }"]
    fragments += [f"fragment C{i} on Category {{ a: children {{ ...C{i - 1} }} b: children {{ ...C{i - 1} }} }}"
                  for i in range(1, levels + 1)]
    return f"query Tree {{ categories {{ ...C{levels} }} }} " + " ".join(fragments)


def _nested(levels: int) -> str:
    return "{ " + "categories { children { " * levels + "id" + " } }" * levels + " }"


BIG = 2_147_483_647  # the largest GraphQL Int


@dataclass
class Hostile:
    name: str
    body: Any  # the JSON body: one operation, or a list for a batch
    status: int
    code: str
    buyer: bool = False  # sent with a buyer's token, to get past authentication
    raw: bytes | None = None  # sent as is instead of body
    payload: bool = False  # refused in the mutation payload (a UserError) rather than as a GraphQL error
    tags: list[str] = field(default_factory=list)


HOSTILE = [
    Hostile("nested 13 levels of real fields", {"query": _nested(7)}, 200, "QUERY_TOO_DEEP"),
    Hostile("brackets nested 10,000 deep", {"query": "{" * 10_000 + "}" * 10_000}, 200, "QUERY_TOO_DEEP"),
    Hostile("300 aliases", {"query": "{ " + " ".join(f"a{i}: categories {{ id }}" for i in range(300)) + " }"},
            200, "TOO_MANY_ALIASES"),
    Hostile("fragment cycle", {"query": "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }"},
            200, "GRAPHQL_VALIDATION_FAILED"),
    Hostile("unknown fragment", {"query": "query { ...Nowhere }"}, 200, "GRAPHQL_VALIDATION_FAILED"),
    Hostile("fragment bomb, 2^19 selections", {"query": _fragment_bomb(19)}, 200, "QUERY_TOO_LARGE"),
    Hostile("fragment bomb, nested 2^15", {"query": _nested_fragment_bomb(15)}, 200, "QUERY_TOO_LARGE"),
    Hostile("fragment chain 60 long", {"query": _fragment_bomb(60)}, 200, "QUERY_TOO_DEEP"),
    Hostile("one field 400 times", {"query": "{ " + "categories { id } " * 400 + "}"}, 200, "QUERY_TOO_LARGE"),
    Hostile("huge first", {"query": f"{{ products(first: {BIG}) {{ edges {{ node {{ id "
                                    f"reviews(first: {BIG}) {{ edges {{ node {{ text }} }} }} }} }} }} }}"},
            200, "QUERY_TOO_COMPLEX"),
    Hostile("huge first in a variable", {"query": "query($n: Int) { shops(first: $n) { edges { node { products(first: $n) "
                                                  "{ edges { node { id } } } } } } }", "variables": {"n": BIG}},
            200, "QUERY_TOO_COMPLEX"),
    Hostile("first beyond Int", {"query": "{ products(first: 99999999999999999999999) { totalCount } }"},
            200, "GRAPHQL_VALIDATION_FAILED"),
    Hostile("20,000 tokens", {"query": "{ " + "a " * 20_000 + "}"}, 200, "TOO_MANY_TOKENS"),
    Hostile("200 KB string literal", {"query": 'mutation { register(input: {email: "a@b.id", password: "x", name: "'
                                               + "x" * 200_000 + '"}) { errors { code field message } } }'},
            200, "QUERY_TOO_LARGE"),
    Hostile("200 KB string variable", {"query": "mutation($n: String!) { register(input: {email: \"a@b.id\", "
                                                "password: \"x\", name: $n}) { errors { code field message } } }",
                                       "variables": {"n": "x" * 200_000}}, 200, "INVALID", payload=True),
    Hostile("1 MB string variable", {"query": "mutation($n: String!) { register(input: {email: \"a@b.id\", "
                                              "password: \"x\", name: $n}) { errors { code } } }",
                                     "variables": {"n": "x" * 1_000_000}}, 413, "PAYLOAD_TOO_LARGE"),
    Hostile("5,000 cart lines", {"query": "mutation($l: [CheckoutLineInput!]!) { checkout(input: {lines: $l, shops: [], "
                                          "paymentMethod: \"COD\"}) { errors { code field message } } }",
                                 "variables": {"l": [{"productId": str(i), "quantity": 1} for i in range(1, 5001)]}},
            200, "INPUT_TOO_LARGE", buyer=True),
    Hostile("JSON nested 100,000 deep", None, 400, "BAD_REQUEST",
            raw=b'{"query": "{ __typename }", "variables": {"v": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"),
    Hostile("batch of 1,000 operations", [{"query": "{ __typename }"}] * 1000, 400, "TOO_MANY_OPERATIONS"),
]


async def _send(api: Api, hostile: Hostile, token: str | None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token and hostile.buyer else {}
    if hostile.raw is not None:
        response = await api.client.post("/graphql", content=hostile.raw,
                                         headers={**headers, "Content-Type": "application/json"})
    else:
        response = await api.client.post("/graphql", json=hostile.body, headers=headers)
    return response.status_code, response.json()


def _codes(body: Any, payload: bool) -> list[str]:
    if payload:
        (result,) = body["data"].values()
        return [error["code"] for error in result["errors"]]
    return [error.get("extensions", {}).get("code") for error in body["errors"]]


@pytest.mark.parametrize("hostile", HOSTILE, ids=[h.name for h in HOSTILE])
async def test_a_hostile_request_is_refused_with_a_clear_error(settings: Settings, hostile: Hostile) -> None:
    async with serve_to(settings, "192.0.2.66") as (api,):
        token = (await sign_up(api)).token if hostile.buyer else None
        await api.gql("{ __typename }")  # warm up, so the figure is the request's own
        gc.collect()
        started = time.process_time()
        status, body = await _send(api, hostile, token)
        cpu = time.process_time() - started
    print(f"\nCPU for hostile request [{hostile.name}]: {cpu * 1000:.1f} ms -> {status} {_codes(body, hostile.payload)}")
    assert status == hostile.status
    codes = _codes(body, hostile.payload)
    assert codes and codes[0] == hostile.code, body
    assert "INTERNAL" not in codes
    if not hostile.payload:
        assert body.get("data") is None


STOREFRONT = """
query($first: Int) {
  products(first: $first, sort: PRICE_ASC) { totalCount edges { node { id name price shop { name } } } }
}
"""


def _client(url: str, address: str) -> httpx2.AsyncClient:
    """A client whose connections come from this loopback address, so the server tells attacker and customer apart."""
    return httpx2.AsyncClient(base_url=url, transport=httpx2.AsyncHTTPTransport(local_address=address), timeout=60)


async def test_a_normal_client_keeps_being_answered_while_hostile_requests_run(settings: Settings) -> None:
    """A real server (uvicorn, real sockets): three attackers send the hostile set over and over while a customer
    browses the storefront."""
    async with live_app(settings) as url, _client(url, "127.0.0.2") as attacker_client, \
            _client(url, "127.0.0.1") as customer_client:
        if TEST_DATABASE_URL:
            await reset_database()
            await ensure_categories()
            await ensure_opds()
        attacker, customer = Api(attacker_client), Api(customer_client)
        officer, seller = await city_person(customer), await sign_up(customer, "SELLER")
        shop = await verified_shop(customer, seller, officer)
        for price in (12500, 13500, 14900):
            await add_product(customer, seller, shop["id"], price=price)
        attacker_token = (await sign_up(attacker)).token
        stop = asyncio.Event()
        answers: Counter[str] = Counter()

        async def attack() -> None:
            while not stop.is_set():
                for hostile in HOSTILE:
                    status, body = await _send(attacker, hostile, attacker_token)
                    answers[str(status) if status != 200 else _codes(body, hostile.payload)[0]] += 1

        latencies: list[float] = []
        attackers = [asyncio.create_task(attack()) for _ in range(3)]
        try:
            await asyncio.sleep(0.5)  # the attack is under way
            for _ in range(25):
                started = time.perf_counter()
                data = await customer.gql(STOREFRONT, {"first": 10})
                latencies.append(time.perf_counter() - started)
                assert [edge["node"]["price"] for edge in data["products"]["edges"]] == [12500, 13500, 14900]
        finally:
            stop.set()
            await asyncio.gather(*attackers)
    print(f"\nnormal client during the attack: 25/25 answered, median {statistics.median(latencies) * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms; hostile requests refused meanwhile: {sum(answers.values())} "
          f"({dict(answers.most_common())})")
