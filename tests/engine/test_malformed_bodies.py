"""A body that is not a GraphQL request (not an object or an array of objects, not UTF-8, an operation whose fields
have the wrong types) is the client's mistake: a 400 with a coded GraphQL error, and nothing in the error log."""

from __future__ import annotations

import logging

import pytest

from tests.helpers.api import Api, error_codes

OK = b'{"query": "{ __typename }"}'
MALFORMED = [
    b"[1,2]", b"[null]", b'"hello"', b"5", b"null", b"true", b"[]", b"[[]]",
    b"\xff\xfe{", b'{"query": "\xff"}', b"\xc3\x28",
    b"[" + OK + b", 3]",
    b'[{"query": 5}]', b'[{"query": "{ __typename }", "variables": 5}]',
    b'[{"query": "{ __typename }", "extensions": 5}]', b'[{"query": "{ __typename }", "extensions": [1]}]',
    b'{"query": "{ __typename }", "operationName": 5}', b'[{"query": "{ __typename }", "operationName": {}}]',
    b'[{"query": "{ __typename }", "extensions": {"persistedQuery": "x"}}, 1]',
]


@pytest.mark.parametrize("body", MALFORMED, ids=[repr(b)[:40] for b in MALFORMED])
async def test_a_malformed_body_is_a_coded_400_and_logs_no_error(
    api: Api, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        response = await api.client.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    codes = error_codes(response.json())
    assert codes and "INTERNAL" not in codes and None not in codes, response.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


async def test_well_formed_bodies_still_run_single_and_batched(api: Api) -> None:
    single = await api.client.post("/graphql", content=OK, headers={"content-type": "application/json"})
    assert single.status_code == 200 and single.json() == {"data": {"__typename": "Query"}}
    batch = await api.client.post("/graphql", content=b"[" + OK + b"," + OK + b"]",
                                  headers={"content-type": "application/json"})
    assert batch.status_code == 200 and batch.json() == [{"data": {"__typename": "Query"}}] * 2
    nulls = await api.client.post("/graphql", json=[{"query": "{ __typename }", "variables": None, "extensions": None,
                                                     "operationName": None}])
    assert nulls.status_code == 200 and nulls.json() == [{"data": {"__typename": "Query"}}]


async def test_a_malformed_persisted_query_extension_is_a_coded_graphql_error(api: Api) -> None:
    response = await api.client.post("/graphql", json=[{"query": "{ __typename }", "extensions": {"persistedQuery": 5}}])
    assert response.status_code == 200 and error_codes(response.json()[0]) == ["PERSISTED_QUERY_NOT_SUPPORTED"]
