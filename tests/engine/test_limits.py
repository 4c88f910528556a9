"""Protections on by default: query limits and cost by role, body size, timeout, batches, rate limits per
user and per IP (in memory and in Redis), production start-up rules, login throttling and password strength."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import jwt
import pytest

from tests.helpers.api import Api, error_codes, post, serve, serve_to
from tests.helpers.people import city_person, sign_up
from tests.helpers.shops import verified_shop
from umkm_graph.app import create_app
from umkm_graph.middleware import MemoryCounters
from umkm_graph.people import service as people
from umkm_graph.people.models import Role, User
from umkm_graph.settings import Settings, SettingsError

GOOD_KEY = "a-long-random-production-secret-key-0123456789"
LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token errors { code message } } }"
REGISTER = "mutation($input: RegisterInput!) { register(input: $input) { token errors { code field message } } }"
# 1 + 100 * (edges 1 + node 1 + shop 1 + products 1 + 100 * (edges 1 + node 1 + id 1)) = 30,401 points
COSTLY = "{ products(first: 100) { edges { node { shop { products(first: 100) { edges { node { id } } } } } } } }"


async def analyst(api: Api) -> str:
    return (await city_person(api, Role.ANALYST)).token


# --- query limits ---------------------------------------------------------------------------------------------------


async def test_a_query_nested_past_the_depth_limit_is_refused_before_it_runs(api: Api) -> None:
    query = "{ " + "categories { children { " * 6 + "children { id } " + "} }" * 6 + " }"
    body = await api.post(query)
    assert body["data"] is None and error_codes(body) == ["QUERY_TOO_DEEP"]
    assert "exceeds maximum operation depth of 12" in body["errors"][0]["message"]


async def test_brackets_nested_far_past_any_real_query_are_refused_without_parsing(api: Api) -> None:
    body = await api.post("{ " + "a { " * 5000 + "b" + " }" * 5000 + " }")
    assert error_codes(body) == ["QUERY_TOO_DEEP"]


async def test_more_aliases_than_the_limit_are_refused(api: Api) -> None:
    body = await api.post("{ " + " ".join(f"c{i}: categories {{ id }}" for i in range(31)) + " }")
    assert error_codes(body) == ["TOO_MANY_ALIASES"] and "31 aliases found. Allowed: 30" in body["errors"][0]["message"]
    assert len((await api.gql("{ " + " ".join(f"c{i}: categories {{ id }}" for i in range(30)) + " }"))) == 30


async def test_a_document_longer_than_the_token_limit_is_refused(api: Api) -> None:
    body = await api.post("{ " + "__typename " * 2001 + "}")
    assert error_codes(body) == ["TOO_MANY_TOKENS"] and "more than 2000 tokens" in body["errors"][0]["message"]


async def test_a_query_over_the_cost_budget_is_refused_before_it_runs_with_its_cost(api: Api) -> None:
    buyer = await sign_up(api)
    body = await api.post(COSTLY, token=buyer.token)
    (error,) = body["errors"]
    assert body["data"] is None and error["extensions"] == {"code": "QUERY_TOO_COMPLEX", "cost": 30401, "budget": 10000}
    assert "30,401 points" in error["message"] and "first" in error["message"]


async def test_analysts_have_a_larger_cost_budget(api: Api) -> None:
    data = await api.gql(COSTLY, token=await analyst(api))
    assert data == {"products": {"edges": []}}


async def test_a_page_size_given_in_a_variable_counts_towards_the_cost(api: Api) -> None:
    query = "query($n: Int) { products(first: $n) { edges { node { reviews(first: 100) { edges { node { id } } } } } } }"
    assert error_codes(await api.post(query, {"n": 100})) == ["QUERY_TOO_COMPLEX"]
    assert (await api.gql(query, {"n": 20}))["products"] == {"edges": []}


async def test_lists_refuse_a_page_larger_than_the_cap(api: Api) -> None:
    body = await api.post("{ products(first: 101) { totalCount } }")
    assert body["errors"][0]["message"] == "first must be between 0 and 100"
    assert body["errors"][0]["extensions"] == {"code": "INVALID", "field": ["first"]}


async def test_parse_validation_and_variable_errors_carry_a_code(api: Api) -> None:
    assert error_codes(await api.post("{ products { ")) == ["GRAPHQL_PARSE_FAILED"]
    assert error_codes(await api.post("{ prodcts { totalCount } }")) == ["GRAPHQL_VALIDATION_FAILED"]
    bad_variable = await api.post("query($n: Int) { products(first: $n) { totalCount } }", {"n": "many"})
    assert error_codes(bad_variable) == ["BAD_USER_INPUT"] and "'many'" in bad_variable["errors"][0]["message"]


async def test_a_json_body_nested_too_deeply_is_a_clear_400(api: Api) -> None:
    content = b'{"query": "{ __typename }", "variables": {"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"
    response = await api.client.post("/graphql", content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"][0] == {"message": "The JSON body nests too deeply", "extensions": {"code": "BAD_REQUEST"}}


# --- batches, body size, timeout --------------------------------------------------------------------------------------


async def test_batches_are_capped_at_ten_operations(api: Api) -> None:
    ten = await post(api, [{"query": "{ __typename }"}] * 10)
    assert ten.status_code == 200 and ten.json() == [{"data": {"__typename": "Query"}}] * 10
    eleven = await post(api, [{"query": "{ __typename }"}] * 11)
    assert eleven.status_code == 400
    assert eleven.json()["errors"][0]["extensions"]["code"] == "TOO_MANY_OPERATIONS"
    assert "at most 10 operations" in eleven.json()["errors"][0]["message"]


async def test_a_body_over_the_limit_is_refused_with_413_before_it_is_parsed(api: Api) -> None:
    response = await post(api, {"query": "{ __typename }", "variables": {"pad": "x" * 300_000}})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"] == {"code": "PAYLOAD_TOO_LARGE", "maxBytes": 262144}


async def test_a_streamed_body_without_a_length_is_cut_off_at_the_limit_too(api: Api) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ __typename }", "variables": {"pad": "'
        for _ in range(100):
            yield b"x" * 10_000
        yield b'"}}'

    response = await api.client.post("/graphql", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and "content-length" not in response.request.headers


SLOW_COURIER = '''
import asyncio

from umkm_graph.hookspecs import DeliveryKind, DeliveryProvider, hookimpl


class SlowCourier(DeliveryProvider):
    code = "slow_courier"
    display_name = "Slow Courier"
    kind = DeliveryKind.DELIVERY

    async def quote(self, request):
        await asyncio.sleep(60)


@hookimpl
def register_delivery_providers(settings):
    return [SlowCourier()]
'''


async def test_a_request_over_the_timeout_is_stopped_with_503_and_the_server_keeps_answering(
    settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "slow_courier.py").write_text(SLOW_COURIER)
    slow = dataclasses.replace(settings, plugins_dir=str(tmp_path), provider_timeout_seconds=60, request_timeout_seconds=3)
    async with serve(slow) as api:
        officer, seller = await city_person(api), await sign_up(api, "SELLER")
        shop = await verified_shop(api, seller, officer)
        query = "query($s: ID!) { deliveryOptions(shopId: $s, kecamatan: \"Klojen\") { provider } }"
        response = await post(api, {"query": query, "variables": {"s": shop["id"]}})
        assert response.status_code == 503
        assert response.json()["errors"][0]["extensions"]["code"] == "TIMEOUT"
        assert "longer than 3 seconds" in response.json()["errors"][0]["message"]
        assert (await api.gql("{ __typename }")) == {"__typename": "Query"}


# --- rate limits --------------------------------------------------------------------------------------------------------


async def test_one_address_past_its_rate_limit_gets_429_while_others_are_served(settings: Settings) -> None:
    limited = dataclasses.replace(settings, rate_limit_per_ip=5)
    async with serve_to(limited, "198.51.100.1", "198.51.100.2") as (api, neighbour):
        for _ in range(5):
            assert (await post(api, {"query": "{ __typename }"})).status_code == 200
        refused = await post(api, {"query": "{ __typename }"})
        assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
        error = refused.json()["errors"][0]
        assert error["extensions"]["code"] == "RATE_LIMITED" and "from your address: at most 5 every 60" in error["message"]
        assert (await api.client.get("/healthz")).status_code == 200  # health checks are not limited
        assert (await post(neighbour, {"query": "{ __typename }"})).status_code == 200


async def test_a_signed_in_user_past_their_rate_limit_gets_429_whatever_their_address(settings: Settings) -> None:
    limited = dataclasses.replace(settings, rate_limit_per_user=3)
    async with serve(limited) as api:
        busy, other = await sign_up(api), await sign_up(api)  # each sign-up is anonymous
        for _ in range(3):
            assert (await post(api, {"query": "{ me { id } }"}, busy.token)).status_code == 200
        refused = await post(api, {"query": "{ me { id } }"}, busy.token)
        assert refused.status_code == 429 and "for your account" in refused.json()["errors"][0]["message"]
        assert (await post(api, {"query": "{ me { id } }"}, other.token)).status_code == 200
        assert (await post(api, {"query": "{ __typename }"})).status_code == 200


async def test_rate_limits_kept_in_redis_are_shared_by_every_server(redis_settings: Settings) -> None:
    limited = dataclasses.replace(redis_settings, rate_limit_per_ip=4)
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"
    async with serve(limited, client_ip=address) as one:
        for _ in range(2):
            assert (await post(one, {"query": "{ __typename }"})).status_code == 200
    async with serve(limited, client_ip=address, reset=False) as other:
        for _ in range(2):
            assert (await post(other, {"query": "{ __typename }"})).status_code == 200
        assert (await post(other, {"query": "{ __typename }"})).status_code == 429


async def test_a_counter_starts_over_when_its_window_ends() -> None:
    now = [1000.0]
    counters = MemoryCounters(clock=lambda: now[0])
    assert [(await counters.hit("k", 60))[0] for _ in range(3)] == [1, 2, 3]
    now[0] += 59
    assert await counters.hit("k", 60) == (4, 1.0)
    now[0] += 1
    assert await counters.hit("k", 60) == (1, 60.0)


def test_ipv6_clients_are_counted_by_their_64_network() -> None:
    from umkm_graph.middleware import client_address

    assert client_address({"client": ("2001:db8:1:2:aaaa::1", 1)}) == client_address({"client": ("2001:db8:1:2:bbbb::9", 1)})
    assert client_address({"client": ("::ffff:192.0.2.1", 1)}) == "192.0.2.1"


# --- production start-up ------------------------------------------------------------------------------------------------


def production(**env: str) -> Settings:
    return Settings.from_env({"UMKM_ENV": "production", "UMKM_DATABASE_URL": "sqlite://:memory:", **env})


def test_production_refuses_to_start_on_the_default_or_a_short_secret_key() -> None:
    with pytest.raises(SettingsError, match="UMKM_SECRET_KEY is the development default"):
        create_app(production())
    with pytest.raises(SettingsError, match="UMKM_SECRET_KEY has 12 characters; use at least 32"):
        create_app(production(UMKM_SECRET_KEY="short-secret"))
    create_app(production(UMKM_SECRET_KEY=GOOD_KEY))


def test_production_refuses_long_lived_tokens_no_login_throttle_and_short_passwords() -> None:
    with pytest.raises(SettingsError) as refused:
        create_app(production(UMKM_SECRET_KEY=GOOD_KEY, UMKM_TOKEN_TTL_SECONDS=str(90 * 24 * 3600),
                              UMKM_LOGIN_MAX_FAILURES="0", UMKM_PASSWORD_MIN_LENGTH="6"))
    message = str(refused.value)
    assert "tokens must expire within" in message and "login throttling cannot be off" in message
    assert "UMKM_PASSWORD_MIN_LENGTH is 6" in message
    development = Settings.from_env({"UMKM_LOGIN_MAX_FAILURES": "0", "UMKM_PASSWORD_MIN_LENGTH": "6"})
    assert development.problems() == []


def test_production_switches_introspection_and_suggestions_off_unless_asked() -> None:
    quiet = production(UMKM_SECRET_KEY=GOOD_KEY)
    assert not quiet.introspection_enabled and not quiet.field_suggestions_enabled
    asked = production(UMKM_SECRET_KEY=GOOD_KEY, UMKM_INTROSPECTION="true", UMKM_FIELD_SUGGESTIONS="1")
    assert asked.introspection_enabled and asked.field_suggestions_enabled
    development = Settings.from_env({})
    assert development.introspection_enabled and development.field_suggestions_enabled


async def test_without_introspection_the_schema_stays_private_but_typename_works(settings: Settings) -> None:
    quiet = dataclasses.replace(settings, introspection=False, field_suggestions=False)
    async with serve(quiet) as api:
        body = await api.post("{ __schema { types { name } } }")
        assert set(error_codes(body)) == {"GRAPHQL_VALIDATION_FAILED"} and body["data"] is None
        assert "introspection has been disabled" in body["errors"][0]["message"]
        assert (await api.gql("{ __typename }")) == {"__typename": "Query"}
        typo = await api.post("{ prodcts { totalCount } }")
        assert typo["errors"][0]["message"] == "Cannot query field 'prodcts' on type 'Query'."
        assert (await api.client.get("/graphql", headers={"Accept": "text/html"})).status_code == 404  # no GraphiQL


async def test_field_suggestions_help_in_development(api: Api) -> None:
    body = await api.post("{ prodcts { totalCount } }")
    assert "Did you mean 'products'" in body["errors"][0]["message"]


async def test_an_expired_token_is_refused(api: Api) -> None:
    person = await sign_up(api)
    user = await User.get(id=int(person.id))
    expired = people.issue_token(user, "test-secret-key-for-umkm-graph-tests-only", ttl_seconds=-1)
    body = await api.post("{ me { id } }", token=expired)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_token_used_while_valid_is_refused_once_it_expires(api: Api) -> None:
    person = await sign_up(api)
    user = await User.get(id=int(person.id))
    token = people.issue_token(user, "test-secret-key-for-umkm-graph-tests-only", ttl_seconds=1)
    assert (await api.post("{ me { id } }", token=token))["data"]["me"]["id"] == person.id  # its signature now known
    expiry = jwt.decode(token, options={"verify_signature": False})["exp"]
    await asyncio.sleep(max(0.0, expiry - time.time()) + 0.05)
    body = await api.post("{ me { id } }", token=token)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


# --- login throttle and password strength -------------------------------------------------------------------------------


async def test_logins_are_throttled_per_email_after_five_attempts(api: Api) -> None:
    person, bystander = await sign_up(api), await sign_up(api)
    for _ in range(5):
        errors = await api.fails(LOGIN, {"e": person.email, "p": "wrong-password-1"})
        assert errors[0]["code"] == "INVALID_CREDENTIALS"
    locked = await api.fails(LOGIN, {"e": person.email, "p": "rahasia-123"})
    assert locked[0]["code"] == "RATE_LIMITED" and "try again in 15 minutes" in locked[0]["message"]
    await api.ok(LOGIN, {"e": bystander.email, "p": "rahasia-123"})


async def test_a_successful_login_starts_the_count_again(api: Api) -> None:
    person = await sign_up(api)
    for _ in range(2):
        for _ in range(4):
            await api.fails(LOGIN, {"e": person.email, "p": "wrong-password-1"})
        await api.ok(LOGIN, {"e": person.email.upper(), "p": "rahasia-123"})


async def test_the_login_throttle_kept_in_redis_is_shared_by_every_server(redis_settings: Settings) -> None:
    async with serve(redis_settings) as one:
        person = await sign_up(one)
        for _ in range(5):
            await one.fails(LOGIN, {"e": person.email, "p": "wrong-password-1"})
    async with serve(redis_settings, reset=False) as other:
        locked = await other.fails(LOGIN, {"e": person.email, "p": "rahasia-123"})
        assert locked[0]["code"] == "RATE_LIMITED"


@pytest.mark.parametrize(("password", "reason"), [
    ("short-1", "at least 10 characters"),
    ("Password123", "one of the most used ones"),
    ("indonesia2024!", "one of the most used ones"),
    ("1234567890123", "one of the most used ones"),
    ("aaaaaaaaaaaa1", "at least 5 different characters"),
    ("onlyletterspassphrase", "mix at least two of"),
    ("siti.aminah-99", "must not contain your email address"),
])
async def test_weak_passwords_are_refused_with_the_reason(api: Api, password: str, reason: str) -> None:
    person = {"email": "siti.aminah@example.id", "password": password, "name": "Siti Aminah"}
    (error,) = await api.fails(REGISTER, {"input": person})
    assert error["field"] == ["password"] and reason in error["message"]


async def test_the_minimum_password_length_follows_the_setting(settings: Settings) -> None:
    async with serve(dataclasses.replace(settings, password_min_length=14)) as api:
        person = {"email": "bu.endang@example.id", "password": "kopi-tubruk-7", "name": "Bu Endang"}
        (error,) = await api.fails(REGISTER, {"input": person})
        assert "at least 14 characters" in error["message"]
        await api.ok(REGISTER, {"input": {**person, "password": "kopi-tubruk-77"}})


async def test_text_no_database_can_store_is_refused_clearly(api: Api) -> None:
    by_variable = await api.post(LOGIN, {"e": "siti\x00@example.id", "p": "rahasia-123"})
    assert error_codes(by_variable) == ["BAD_USER_INPUT"] and "NUL" in by_variable["errors"][0]["message"]
    in_document = await api.post('{ products(filter: {text: "beras\\u0000"}) { totalCount } }')
    assert error_codes(in_document) == ["BAD_USER_INPUT"]
    body = json.dumps({"query": LOGIN, "variables": {"e": "siti\ud800@example.id", "p": "rahasia-123"}})  # as \\ud800
    half_pair = await api.client.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    assert error_codes(half_pair.json()) == ["BAD_USER_INPUT"]


async def test_limits_hold_for_subscriptions_over_a_websocket_too(settings: Settings) -> None:
    if settings.database_url.startswith("postgres"):
        pytest.skip("in-process server tests use SQLite")
    import aiohttp

    from tests.helpers.live import live_app, subscribe

    deep = "subscription { orderUpdated { " + "shop { products { edges { node { " * 3 + "id" + " } } } }" * 3 + " } }"
    async with live_app(settings) as url, httpx2.AsyncClient(base_url=url) as client, aiohttp.ClientSession() as session:
        buyer = await sign_up(Api(client))
        async with subscribe(session, url, deep, token=buyer.token) as refused:
            message = await refused.next()
    assert message["type"] == "error" and message["payload"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"


def test_the_serve_command_refuses_production_on_the_default_key_without_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "UMKM_ENV": "production", "UMKM_DATABASE_URL": f"sqlite://{tmp_path / 'p.db'}"}
    env.pop("UMKM_SECRET_KEY", None)
    run = subprocess.run([sys.executable, "-m", "umkm_graph.cli", "serve", "--port", "1"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "refuses to start" in run.stderr and "UMKM_SECRET_KEY is the development default" in run.stderr
