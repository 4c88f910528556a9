"""Production refuses what an attacker found it starting with (issue 12, item 17): a guessable secret key, one made
from the public development key, and protections switched off without saying so."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from umkm_graph.app import create_app
from umkm_graph.settings import DEFAULT_SECRET_KEY, Settings, SettingsError

GOOD_KEY = "Zq8vN2xLr5TjW0cYh3KbMs7QpXe1Gd4UaR9fJ6nHtV"  # secrets.token_urlsafe(32), said once in this file
WEAKENED = {"UMKM_RATE_LIMIT_PER_IP": "0", "UMKM_RATE_LIMIT_PER_USER": "0", "UMKM_MAX_QUERY_COST": "1000000000",
            "UMKM_MAX_BODY_BYTES": "1000000000", "UMKM_INTROSPECTION": "true"}


def production(**env: str) -> Settings:
    return Settings.from_env({"UMKM_ENV": "production", "UMKM_DATABASE_URL": "sqlite://:memory:",
                              "UMKM_SECRET_KEY": GOOD_KEY, **env})


def refusal(**env: str) -> str:
    with pytest.raises(SettingsError) as refused:
        create_app(production(**env))
    return str(refused.value)


@pytest.mark.parametrize("key", ["a" * 32, "ab" * 24, "0123456789abcdefghijklmnopqrstuvwxyz", "Kx9#mP2$qL7&nR4!" * 3,
                                 "passwordpasswordpasswordpassword"])
def test_production_refuses_a_long_but_guessable_secret_key(key: str) -> None:
    assert "UMKM_SECRET_KEY is too easy to guess" in refusal(UMKM_SECRET_KEY=key)


@pytest.mark.parametrize("key", [DEFAULT_SECRET_KEY + "-x", "x" + DEFAULT_SECRET_KEY, DEFAULT_SECRET_KEY.upper(),
                                 DEFAULT_SECRET_KEY.replace("-", "_"), DEFAULT_SECRET_KEY.replace("secret", "s3cr3t"),
                                 "my-umkm-graph-development-secret-for-the-city-2026"])
def test_production_refuses_a_secret_key_made_from_the_public_development_key(key: str) -> None:
    assert "UMKM_SECRET_KEY is derived from the public development key" in refusal(UMKM_SECRET_KEY=key)


def test_random_32_byte_keys_start_in_production_however_they_are_written() -> None:
    for _ in range(300):
        raw = secrets.token_bytes(32)
        for key in (raw.hex(), base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode().rstrip("=")):
            assert production(UMKM_SECRET_KEY=key).problems() == [], key


def test_production_refuses_switched_off_protections_naming_each_and_the_acknowledgement() -> None:
    said = refusal(**WEAKENED)
    for variable in WEAKENED:
        assert variable in said
    for name in ("rate_limits", "query_limits", "body_size", "introspection"):
        assert f"UMKM_ALLOW_UNSAFE_PRODUCTION names {name}" in said
    assert "UMKM_SECRET_KEY" not in said


def test_protections_switched_off_on_purpose_start_and_are_said_aloud(caplog: pytest.LogCaptureFixture) -> None:
    acknowledged = production(**WEAKENED, UMKM_ALLOW_UNSAFE_PRODUCTION="rate_limits, query_limits,body_size,introspection")
    with caplog.at_level("WARNING", logger="umkm_graph.app"):
        create_app(acknowledged)
    warned = caplog.text
    for variable in WEAKENED:
        assert variable in warned
    assert production(**WEAKENED, UMKM_ALLOW_UNSAFE_PRODUCTION="rate_limits").problems() != []  # each one, by name


def test_the_acknowledgement_names_only_protections_that_exist() -> None:
    assert "UMKM_ALLOW_UNSAFE_PRODUCTION names 'rate_limit', which is not a protection" in refusal(
        UMKM_ALLOW_UNSAFE_PRODUCTION="rate_limit")


def test_a_rate_limit_loosened_through_its_window_is_switched_off_too() -> None:
    said = refusal(UMKM_RATE_LIMIT_PER_IP="1200", UMKM_RATE_LIMIT_WINDOW_SECONDS="1")
    assert "UMKM_RATE_LIMIT_PER_IP allows 72000 requests a minute" in said


def test_an_unknown_environment_or_database_url_is_refused_before_anything_opens() -> None:
    assert "UMKM_ENV is 'prod'" in " ".join(Settings.from_env({"UMKM_ENV": "prod"}).problems())
    for url in ("garbage", "mysql2://user:hunter2@db/x"):
        said = " ".join(Settings.from_env({"UMKM_DATABASE_URL": url}).problems())
        assert "UMKM_DATABASE_URL must start with sqlite:// or postgres://" in said and "hunter2" not in said


def test_the_serve_command_refuses_the_attackers_production_settings_in_one_line_each(tmp_path: Path) -> None:
    env = {**os.environ, **WEAKENED, "UMKM_ENV": "production", "UMKM_SECRET_KEY": "a" * 32,
           "UMKM_DATABASE_URL": f"sqlite://{tmp_path / 'p.db'}", "UMKM_PAYMENT_JOBS_INTERVAL_SECONDS": "0"}
    run = subprocess.run([sys.executable, "-m", "umkm_graph.cli", "serve", "--port", "1"], env=env,
                         capture_output=True, text=True, timeout=60)  # a server that starts fails here, not hangs
    assert run.returncode == 1, run.stderr
    lines = run.stderr.splitlines()
    assert lines[0] == "umkm-graph serve refuses to start:" and len(lines) == 1 + 1 + len(WEAKENED), lines
    assert "Traceback" not in run.stderr and "UMKM_SECRET_KEY is too easy to guess" in run.stderr


def test_socket_caps_and_sign_in_throttles_switched_off_need_the_acknowledgement_too() -> None:
    said = refusal(UMKM_MAX_SOCKETS_PER_USER="1000", UMKM_LOGIN_MAX_ATTEMPTS_PER_ADDRESS="0",
                   UMKM_REGISTRATIONS_PER_ADDRESS="100000")
    assert "UMKM_MAX_SOCKETS_PER_USER is 1000" in said and "UMKM_ALLOW_UNSAFE_PRODUCTION names socket_limits" in said
    assert "UMKM_LOGIN_MAX_ATTEMPTS_PER_ADDRESS is 0 (no limit)" in said
    assert "UMKM_REGISTRATIONS_PER_ADDRESS is 100000" in said
    assert "UMKM_ALLOW_UNSAFE_PRODUCTION names login_throttle" in said
    assert production(UMKM_MAX_SOCKETS_PER_USER="1000",
                      UMKM_ALLOW_UNSAFE_PRODUCTION="socket_limits").problems() == []


def test_production_refuses_a_guessable_federation_secret() -> None:
    assert "UMKM_FEDERATION_SECRET" in refusal(UMKM_FEDERATION_SECRET="a" * 40)
    assert production(UMKM_FEDERATION_SECRET=secrets.token_urlsafe(32)).problems() == []


def test_production_refuses_a_guessable_receipt_signing_key_and_any_setting_refuses_a_public_url_that_is_not_one() -> None:
    assert "UMKM_RECEIPT_SIGNING_KEY" in refusal(UMKM_RECEIPT_SIGNING_KEY="a" * 40)
    assert production(UMKM_RECEIPT_SIGNING_KEY=secrets.token_urlsafe(32),
                      UMKM_PUBLIC_URL="https://umkm.malangkota.go.id/").problems() == []
    said = " ".join(Settings.from_env({"UMKM_PUBLIC_URL": "umkm.malangkota.go.id"}).problems())
    assert "UMKM_PUBLIC_URL must be an http:// or https:// address" in said
