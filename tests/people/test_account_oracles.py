"""What registration reveals about other people's accounts (hardening II, items 18 and 2): `register` says whether an
email has an account and `registerAsn` whether a NIP is taken. Both answers stay (docs: the owner must learn it), but
how often an address or an account may ask is bounded, and a NIP claimed twice is recorded for the city."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import pytest

from tests.helpers.api import Api, serve_to
from tests.helpers.people import REGISTER, sign_up
from umkm_graph.settings import Settings

REGISTER_ASN = """
mutation($nip: String!, $opd: String!) { registerAsn(nip: $nip, opd: $opd) { user { nip } errors { code field message } } }
"""
OWNER_IP, ATTACKER_IP = "203.0.113.10", "198.51.100.66"
VICTIM_NIP = "198005122005012003"


def nip(sequence: int) -> str:
    return f"198005122005012{sequence:03d}"  # valid for any sequence from 1


async def register(api: Api, email: str) -> dict[str, Any]:
    person = {"email": email, "password": "rahasia-123", "name": "Penanya"}
    return (await api.gql(REGISTER, {"input": person}))["register"]


async def register_asn(api: Api, token: str, number: str) -> dict[str, Any]:
    return (await api.gql(REGISTER_ASN, {"nip": number, "opd": "Diskominfo"}, token))["registerAsn"]


def codes(answers: list[dict[str, Any]]) -> list[str]:
    return [error["code"] for answer in answers for error in answer["errors"]]


@pytest.fixture
def limited(settings: Settings) -> Settings:
    return dataclasses.replace(settings, rate_limit_per_ip=0, rate_limit_per_user=0, registrations_per_address=4,
                               asn_registrations_per_account=3)


async def test_one_address_registering_many_accounts_is_limited(limited: Settings) -> None:
    async with serve_to(limited, ATTACKER_IP, OWNER_IP) as (attacker, other):
        answers = [await register(attacker, f"akun{i}@example.id") for i in range(6)]
        assert codes(answers) == ["RATE_LIMITED", "RATE_LIMITED"]  # four accounts made, each one password hash
        assert "from your address" in answers[-1]["errors"][0]["message"]
        assert (await register(other, "tetangga@example.id"))["token"]  # other addresses are not affected


async def test_asking_register_which_emails_have_accounts_is_limited_per_address(limited: Settings) -> None:
    async with serve_to(limited, OWNER_IP, ATTACKER_IP) as (owner, attacker):
        known = [(await sign_up(owner)).email for _ in range(3)]
        probes = known + ["belum-ada@example.id"] + known
        answers = [await register(attacker, email) for email in probes]
        # The first four answers tell (the decision: an owner must learn their email has an account)...
        assert codes(answers[:4]) == ["ALREADY_EXISTS"] * 3
        assert answers[3]["token"]
        # ...past the limit every answer is the same, whether the email has an account or not.
        assert codes(answers[4:]) == ["RATE_LIMITED"] * 3


async def test_guessing_nips_through_register_asn_is_limited_per_account(limited: Settings) -> None:
    settings = dataclasses.replace(limited, registrations_per_address=10)  # only the account's limit here
    async with serve_to(settings, OWNER_IP, ATTACKER_IP) as (owner, attacker):
        victim = await sign_up(owner)
        assert (await register_asn(owner, victim.token, VICTIM_NIP))["user"]["nip"] == VICTIM_NIP
        prober = await sign_up(attacker)
        answers = [await register_asn(attacker, prober.token, number) for number in (VICTIM_NIP, nip(7), nip(8), nip(9))]
        taken, *_ = answers[0]["errors"]
        assert taken["code"] == "ALREADY_EXISTS" and taken["field"] == ["nip"] and "Diskominfo" in taken["message"]
        assert [answer["user"] is not None for answer in answers[1:3]] == [True, True]
        assert codes(answers[3:]) == ["RATE_LIMITED"]  # the fourth attempt in a day, whatever the NIP
        assert "for your account" in answers[3]["errors"][0]["message"]


async def test_asn_registrations_from_one_address_count_with_its_registrations(limited: Settings) -> None:
    async with serve_to(limited, ATTACKER_IP, OWNER_IP) as (attacker, _):
        first, second = await sign_up(attacker), await sign_up(attacker)
        answers = [await register_asn(attacker, first.token, nip(1)), await register_asn(attacker, second.token, nip(2)),
                   await register_asn(attacker, second.token, nip(3))]
        assert codes(answers) == ["RATE_LIMITED"]  # 2 registrations and 2 ASN registrations used the address's 4
        assert "from your address" in answers[-1]["errors"][0]["message"]


async def test_a_nip_claimed_by_a_second_account_is_logged_for_the_city(
        api: Api, caplog: pytest.LogCaptureFixture) -> None:
    holder, claimant = await sign_up(api), await sign_up(api)
    await register_asn(api, holder.token, VICTIM_NIP)
    with caplog.at_level(logging.WARNING, logger="umkm_graph.people"):
        answer = await register_asn(api, claimant.token, VICTIM_NIP)
    assert codes([answer]) == ["ALREADY_EXISTS"]
    (record,) = [record for record in caplog.records if record.name == "umkm_graph.people"]
    assert f"account {claimant.id} claimed" in record.getMessage() and f"account {holder.id}" in record.getMessage()
    assert VICTIM_NIP not in record.getMessage()  # the NIP is personal data; the ids are enough to look both up
