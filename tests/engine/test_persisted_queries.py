"""Persisted queries: automatic ones by the Apollo protocol (kept in memory or in Redis), and a persisted-only mode that
runs just the documents of a file."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.api import Api, error_codes, post, serve
from umkm_graph.app import create_app
from umkm_graph.settings import Settings, SettingsError


def persisted(sha: str, query: str | None = None, **variables: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"variables": variables, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha}}}
    if query is not None:
        body["query"] = query
    return body


CATEGORY_SLUGS = "query Categories { categories { slug } }"
CATEGORY_SHA = hashlib.sha256(CATEGORY_SLUGS.encode()).hexdigest()


async def test_automatic_persisted_queries_follow_the_apollo_protocol(api: Api) -> None:
    miss = (await post(api, persisted(CATEGORY_SHA))).json()
    assert miss["errors"] == [{"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}]
    registered = (await post(api, persisted(CATEGORY_SHA, CATEGORY_SLUGS))).json()
    hit = (await post(api, persisted(CATEGORY_SHA))).json()
    assert hit == registered and {"slug": "sembako"} in hit["data"]["categories"]
    by_get = await api.client.get("/graphql", params={"extensions": json.dumps(persisted(CATEGORY_SHA)["extensions"])},
                                  headers={"Accept": "application/json"})
    assert by_get.json() == hit


async def test_a_persisted_query_hash_must_match_its_document(api: Api) -> None:
    body = (await post(api, persisted("0" * 64, CATEGORY_SLUGS))).json()
    assert error_codes(body) == ["PERSISTED_QUERY_HASH_MISMATCH"]
    assert error_codes((await post(api, persisted("xyz"))).json()) == ["BAD_USER_INPUT"]


async def test_a_document_that_does_not_run_is_not_kept(api: Api) -> None:
    broken = "{ categories { nope } }"
    sha = hashlib.sha256(broken.encode()).hexdigest()
    assert error_codes((await post(api, persisted(sha, broken))).json()) == ["GRAPHQL_VALIDATION_FAILED"]
    assert error_codes((await post(api, persisted(sha))).json()) == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_persisted_only_mode_runs_only_the_documents_of_the_file(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "persisted.json"
    path.write_text(json.dumps({CATEGORY_SHA: CATEGORY_SLUGS}))
    only = dataclasses.replace(settings, persisted_queries_only=True, persisted_queries_file=str(path))
    async with serve(only) as api:
        assert "errors" not in (await post(api, persisted(CATEGORY_SHA))).json()
        assert "errors" not in (await post(api, {"query": CATEGORY_SLUGS})).json()
        other = "{ categories { id } }"
        refused = (await post(api, {"query": other})).json()
        assert error_codes(refused) == ["PERSISTED_QUERY_REQUIRED"] and refused["data"] is None
        sha = hashlib.sha256(other.encode()).hexdigest()
        assert error_codes((await post(api, persisted(sha, other))).json()) == ["PERSISTED_QUERY_REQUIRED"]
        assert error_codes((await post(api, persisted(sha))).json()) == ["PERSISTED_QUERY_NOT_FOUND"]


def test_persisted_only_mode_refuses_to_start_without_a_valid_file(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="needs UMKM_PERSISTED_QUERIES_FILE"):
        create_app(dataclasses.replace(settings, persisted_queries_only=True))
    path = tmp_path / "persisted.json"
    path.write_text(json.dumps({"0" * 64: CATEGORY_SLUGS}))
    with pytest.raises(SettingsError, match="hashes do not match"):
        create_app(dataclasses.replace(settings, persisted_queries_only=True, persisted_queries_file=str(path)))


async def test_persisted_queries_kept_in_redis_are_shared_by_every_server(redis_settings: Settings) -> None:
    query = f"query Shared{uuid.uuid4().hex} {{ categories {{ id }} }}"
    sha = hashlib.sha256(query.encode()).hexdigest()
    async with serve(redis_settings) as one:
        assert "errors" not in (await post(one, persisted(sha, query))).json()
    async with serve(redis_settings, reset=False) as other:
        assert "errors" not in (await post(other, persisted(sha))).json()
