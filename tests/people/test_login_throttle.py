"""The login throttle (hardening II, items 10 and 2): an attacker's failures lock out the attacker's address, not the
owner; many addresses guessing one account still check a bounded number of passwords; one address trying many
emails is limited too. Each test runs with the counters in memory and in Redis."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections import Counter
from typing import Any

import pytest

from tests.helpers.api import Api, serve_to
from tests.helpers.database import REDIS_URL, redis_available
from tests.helpers.people import sign_up
from umkm_graph.settings import Settings

LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token errors { code message } } }"
OWNER_IP, ATTACKER_IP = "203.0.113.10", "198.51.100.66"
RIGHT = "rahasia-123"  # tests.helpers.people's password


@pytest.fixture(params=["memory", "redis"])
async def throttled(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    """The test settings with the general rate limits off, so only the login throttle refuses; in memory or in Redis."""
    settings = dataclasses.replace(settings, rate_limit_per_ip=0, rate_limit_per_user=0, login_max_failures=5)
    if request.param == "redis":
        if not await redis_available():
            pytest.skip(f"needs Redis at {REDIS_URL}")
        settings = dataclasses.replace(settings, redis_url=REDIS_URL, redis_prefix=f"test-login-{uuid.uuid4().hex}")
    return settings


async def login(api: Api, email: str, password: str) -> dict[str, Any]:
    return (await api.gql(LOGIN, {"e": email, "p": password}))["login"]


def codes(answers: list[dict[str, Any]]) -> Counter[str]:
    return Counter(error["code"] for answer in answers for error in answer["errors"])


async def test_an_attacker_failing_six_times_does_not_lock_the_owner_out(throttled: Settings) -> None:
    async with serve_to(throttled, OWNER_IP, ATTACKER_IP) as (owner, attacker):
        person = await sign_up(owner)
        answers = [await login(attacker, person.email, f"tebakan-{i}-salah") for i in range(6)]
        assert codes(answers) == {"INVALID_CREDENTIALS": 5, "RATE_LIMITED": 1}
        assert codes([await login(attacker, person.email, RIGHT)]) == {"RATE_LIMITED": 1}  # the attacker stays locked
        assert (await login(owner, person.email, RIGHT))["token"]  # before: RATE_LIMITED for 15 minutes


async def test_many_addresses_guessing_one_account_check_a_bounded_number_of_passwords(throttled: Settings) -> None:
    settings = dataclasses.replace(throttled, login_max_failures_per_account=12)
    attackers = [f"198.51.100.{n}" for n in range(1, 9)]
    async with serve_to(settings, OWNER_IP, *attackers, "192.0.2.200") as (owner, *guessers, newcomer):
        person = await sign_up(owner)
        assert (await login(owner, person.email, RIGHT))["token"]  # the owner's address is now one they signed in from
        guesses = [login(api, person.email, f"tebakan-{n}-{i}") for n, api in enumerate(guessers) for i in range(5)]
        answers = await asyncio.gather(*guesses)
        # 12 passwords checked from addresses new to the account: the owner's first sign-in, and 11 of the 40 guesses.
        assert codes(answers) == {"INVALID_CREDENTIALS": 11, "RATE_LIMITED": 40 - 11}
        # Past the bound, an address the account never signed in from is refused, even with the right password...
        late = await login(newcomer, person.email, RIGHT)
        assert late["token"] is None and codes([late]) == {"RATE_LIMITED": 1}
        # ...while the owner, from an address they signed in from before, still gets in.
        assert (await login(owner, person.email, RIGHT))["token"]


async def test_one_address_trying_many_emails_is_limited(throttled: Settings) -> None:
    settings = dataclasses.replace(throttled, login_max_attempts_per_address=10)
    async with serve_to(settings, OWNER_IP, ATTACKER_IP) as (owner, attacker):
        person = await sign_up(owner)
        answers = [await login(attacker, f"tebakan{i}@example.id", "rahasia-456") for i in range(15)]
        assert codes(answers) == {"INVALID_CREDENTIALS": 10, "RATE_LIMITED": 5}
        assert "your address" in answers[-1]["errors"][0]["message"]
        assert (await login(owner, person.email, RIGHT))["token"]  # other addresses are not affected
