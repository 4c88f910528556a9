"""The limits hold when the server is busy (hardening II, item 1): with Redis on, hundreds of requests in flight at once
used to exhaust the client's connection pool, and each counter that could not be reached let its request through."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter

import pytest

from tests.helpers.api import serve, serve_to
from tests.helpers.people import sign_up
from umkm_graph.settings import Settings

pytestmark = pytest.mark.usefixtures("real_password_hashing")  # about what hashing costs

IN_FLIGHT = 300  # three times the redis client's default pool
LOGIN = "mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token errors { code } } }"


async def test_a_busy_server_still_refuses_what_is_over_the_rate_limit(redis_settings: Settings) -> None:
    settings = dataclasses.replace(redis_settings, rate_limit_per_ip=40, rate_limit_per_user=0)
    async with serve(settings) as api:
        answers = await asyncio.gather(*(api.client.post("/graphql", json={"query": "{ __typename }"})
                                         for _ in range(IN_FLIGHT)))
    assert Counter(answer.status_code for answer in answers) == {200: 40, 429: IN_FLIGHT - 40}


async def test_a_busy_server_checks_no_more_passwords_than_the_login_throttle_allows(redis_settings: Settings) -> None:
    settings = dataclasses.replace(redis_settings, rate_limit_per_ip=0, rate_limit_per_user=0, login_max_failures=5)
    async with serve(settings) as api:
        person = await sign_up(api)
        guesses = [{"email": person.email, "password": f"tebakan-{i}-salah"} for i in range(IN_FLIGHT - 1)]
        guesses.append({"email": person.email, "password": "rahasia-123"})  # the right one, among the guesses
        answers = await asyncio.gather(*(api.post(LOGIN, guess) for guess in guesses))
    codes = Counter(error["code"] for answer in answers for error in answer["data"]["login"]["errors"])
    tokens = [answer for answer in answers if answer["data"]["login"]["token"]]
    assert codes["INVALID_CREDENTIALS"] + len(tokens) <= 5  # at most five passwords were checked
    assert codes["RATE_LIMITED"] >= IN_FLIGHT - 5


async def test_a_busy_server_bounds_the_passwords_many_addresses_guess_for_one_account(redis_settings: Settings) -> None:
    """Item 10: the lockout is per (account, address) now, so the bound on distributed guessing is the account's own."""
    settings = dataclasses.replace(redis_settings, rate_limit_per_ip=0, rate_limit_per_user=0, login_max_failures=5,
                                   login_max_failures_per_account=20)
    addresses = [f"198.51.100.{n}" for n in range(1, IN_FLIGHT // 5 + 1)]
    async with serve_to(settings, *addresses) as apis:
        person = await sign_up(apis[0])
        guesses = [api.post(LOGIN, {"email": person.email, "password": f"tebakan-{n}-{i}-salah"})
                   for n, api in enumerate(apis) for i in range(5)]
        answers = await asyncio.gather(*guesses)
    codes = Counter(error["code"] for answer in answers for error in answer["data"]["login"]["errors"])
    assert codes == {"INVALID_CREDENTIALS": 20, "RATE_LIMITED": IN_FLIGHT - 20}  # 20 passwords checked of 300
