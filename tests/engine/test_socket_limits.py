"""Every limit of a POST holds for each operation over a WebSocket (hardening II, item 4): an attacker sent 1,500
queries on one socket with no refusal, and an 8.5 MB message was accepted where HTTP refuses 256 KB."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from umkm_biteship.fake import FakeBiteship

from tests.helpers.delivery import courier_market, quote_input
from tests.helpers.people import Person, sign_up
from tests.helpers.sockets import LiveSockets, SocketClosed, code_of, live_sockets, open_socket
from umkm_graph.settings import Settings

HELLO = "{ __typename }"
QUOTES = "query($input: DeliveryQuotesInput!) { deliveryQuotes(input: $input) { options { provider } } }"


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[LiveSockets]:
    async with live_sockets(settings) as running:
        yield running


async def test_1500_queries_on_one_socket_meet_the_rate_limit_of_a_post(live: LiveSockets) -> None:
    buyer = await sign_up(live.api)  # anonymous: counts against the address, not the account
    async with open_socket(live.session, live.url, buyer.token) as socket:
        answers = await socket.answers([HELLO] * 1500)
    outcomes = Counter("data" if answer["type"] == "next" and "errors" not in answer["payload"] else code_of(answer)
                       for answer in answers)
    assert outcomes == {"data": 300, "RATE_LIMITED": 1200}  # UMKM_RATE_LIMIT_PER_USER's 300 a minute
    refused = next(answer for answer in answers if answer["type"] == "error")
    assert refused["payload"][0]["extensions"]["retryAfter"] >= 1


async def test_a_sockets_operations_and_posts_share_one_budget(settings: Settings) -> None:
    settings = dataclasses.replace(settings, rate_limit_per_user=10)
    async with live_sockets(settings) as live:
        buyer = await sign_up(live.api)
        for _ in range(6):
            await live.api.gql(HELLO, token=buyer.token)
        async with open_socket(live.session, live.url, buyer.token) as socket:
            answers = await socket.answers([HELLO] * 6)
        assert Counter(code_of(answer) for answer in answers) == {None: 4, "RATE_LIMITED": 2}
        over = await live.api.client.post("/graphql", json={"query": HELLO}, headers={"Authorization": f"Bearer {buyer.token}"})
        assert over.status_code == 429


async def test_a_sockets_operations_count_in_redis_when_it_is_on(redis_settings: Settings) -> None:
    """With Redis, every server process shares the budget: the socket's operations are counted there too."""
    async with live_sockets(dataclasses.replace(redis_settings, rate_limit_per_user=5)) as live:
        buyer = await sign_up(live.api)
        async with open_socket(live.session, live.url, buyer.token) as socket:
            answers = await socket.answers([HELLO] * 8)
    assert Counter(code_of(answer) for answer in answers) == {None: 5, "RATE_LIMITED": 3}


async def test_a_message_larger_than_a_post_body_closes_the_socket(live: LiveSockets) -> None:
    buyer = await sign_up(live.api)
    padding = "#" + "x" * (8_500_000) + "\n"  # 8.5 MB, as the attacker sent
    with pytest.raises(SocketClosed) as closed:
        async with open_socket(live.session, live.url, buyer.token) as socket:
            operation = await socket.send(padding + HELLO)
            await socket.final(operation)
    assert closed.value.code == 1009 and "at most 262144 bytes" in closed.value.reason


async def test_a_message_within_the_limit_still_runs(live: LiveSockets) -> None:
    buyer = await sign_up(live.api)
    async with open_socket(live.session, live.url, buyer.token) as socket:
        operation = await socket.send("#" + "x" * 60_000 + "\n" + HELLO)
        assert (await socket.final(operation))["payload"] == {"data": {"__typename": "Query"}}


async def test_a_slow_query_over_a_socket_is_stopped_at_the_request_timeout(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A courier that does not answer holds the quotes for the provider timeout; the request timeout stops the query
    first, as over HTTP, and the socket lives on."""
    settings = dataclasses.replace(settings, request_timeout_seconds=2, provider_timeout_seconds=20)
    async with FakeBiteship() as fake:
        monkeypatch.setenv("UMKM_BITESHIP_API_KEY", fake.api_key)
        monkeypatch.setenv("UMKM_BITESHIP_BASE_URL", fake.base_url)
        monkeypatch.setenv("UMKM_BITESHIP_WEBHOOK_SECRET", fake.webhook_secret)
        monkeypatch.delenv("UMKM_BITESHIP_COURIERS", raising=False)
        async with live_sockets(settings) as live:
            market = await courier_market(live.api)
            fake.delay("rates", 5)  # the quotes would take 5 s, the provider timeout allowing 20
            async with open_socket(live.session, live.url, market.buyer.token) as socket:
                started = time.monotonic()
                slow = await socket.send(QUOTES, quote_input(market, [(market.beras, 1)]))
                answer = await socket.final(slow)
                assert code_of(answer) == "TIMEOUT" and "2 seconds" in answer["payload"][0]["message"]
                assert time.monotonic() - started < 4.5
                after = await socket.send(HELLO)
                assert (await socket.final(after))["payload"] == {"data": {"__typename": "Query"}}


async def test_cost_depth_and_aliases_are_refused_over_a_socket_too(live: LiveSockets) -> None:
    buyer = await sign_up(live.api)
    deep = "{ " + "categories { children { " * 7 + "id" + " } }" * 7 + " }"
    aliases = "{ " + " ".join(f"a{i}: __typename" for i in range(40)) + " }"
    costly = "{ products(first: 100) { edges { node { shop { products(first: 100) { edges { node { id } } } } } } } }"
    async with open_socket(live.session, live.url, buyer.token) as socket:
        answers = await socket.answers([deep, aliases, costly], window=1)
    assert [code_of(answer) for answer in answers] == ["QUERY_TOO_DEEP", "TOO_MANY_ALIASES", "QUERY_TOO_COMPLEX"]


async def test_persisted_only_mode_holds_over_a_socket(settings: Settings, tmp_path: Path) -> None:
    listed = "query Listed { __typename }"
    path = tmp_path / "persisted.json"
    path.write_text(json.dumps({hashlib.sha256(listed.encode()).hexdigest(): listed}))
    settings = dataclasses.replace(settings, persisted_queries_only=True, persisted_queries_file=str(path))
    async with live_sockets(settings) as live, open_socket(live.session, live.url) as socket:  # nobody can sign up here
        answers = await socket.answers([listed, "{ categories { id } }"], window=1)
    assert [code_of(answer) for answer in answers] == [None, "PERSISTED_QUERY_REQUIRED"]


async def test_a_query_over_the_legacy_graphql_ws_protocol_is_refused_as_the_clients_mistake(
    live: LiveSockets, caplog: pytest.LogCaptureFixture
) -> None:
    buyer: Person = await sign_up(live.api)
    with caplog.at_level(logging.INFO), pytest.raises(SocketClosed) as closed:
        async with open_socket(live.session, live.url, buyer.token, protocol="graphql-ws") as socket:
            await socket.ws.send_str(json.dumps({"id": "1", "type": "start", "payload": {"query": HELLO}}))
            await socket.message()
    assert closed.value.code == 4406 and "graphql-transport-ws" in closed.value.reason
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


async def test_malformed_subscribe_messages_are_the_clients_mistake(live: LiveSockets,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    payloads = [{"query": 123}, {"query": None}, {"query": ["x"]}, "hello", {"query": HELLO, "variables": [1]},
                {"query": HELLO, "operationName": 5}]
    with caplog.at_level(logging.INFO):
        async with open_socket(live.session, live.url) as socket:
            for n, payload in enumerate(payloads):
                await socket.ws.send_str(json.dumps({"id": str(n), "type": "subscribe", "payload": payload}))
                assert code_of(await socket.final(str(n))) == "BAD_REQUEST", payload
            assert (await socket.final(await socket.send(HELLO)))["payload"] == {"data": {"__typename": "Query"}}
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


def test_the_strawberry_methods_the_socket_classes_override_still_exist() -> None:
    """sockets.py overrides undocumented methods of strawberry's socket handler and adapter: an upgrade that renames one
    would silently drop a limit."""
    import inspect

    from strawberry.asgi import ASGIWebSocketAdapter
    from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler

    expected = {
        BaseGraphQLTransportWSHandler: {"send_message": ["self", "message"], "shutdown": ["self"],
                                        "handle_subscribe": ["self", "message"], "run_operation": ["self", "operation"]},
        ASGIWebSocketAdapter: {"iter_json": ["self", "ignore_parsing_errors"], "close": ["self", "code", "reason"]},
    }
    for cls, methods in expected.items():
        for name, parameters in methods.items():
            assert list(inspect.signature(getattr(cls, name)).parameters) == parameters, (cls, name)
    assert {"view", "websocket", "context", "schema"} <= set(inspect.signature(BaseGraphQLTransportWSHandler).parameters)
