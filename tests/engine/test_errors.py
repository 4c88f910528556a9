"""Expected failures stay readable; unexpected ones reach clients masked, with an id that is also logged."""

from __future__ import annotations

import logging

import pytest
import strawberry

from tests.helpers.api import Api
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.graphql_common.errors import ReadableErrors


@strawberry.type
class _Query:
    @strawberry.field
    def broken(self) -> str:
        raise RuntimeError("database password is hunter2")

    @strawberry.field
    def refused(self) -> str:
        raise DomainError(ErrorCode.FORBIDDEN, "Not for you", "x")


async def test_unexpected_errors_are_masked_with_a_logged_id(caplog: pytest.LogCaptureFixture) -> None:
    schema = strawberry.Schema(query=_Query, extensions=[ReadableErrors])
    with caplog.at_level(logging.ERROR, logger="umkm_graph.errors"):
        result = await schema.execute("{ broken }")
    (error,) = result.errors or []
    assert "hunter2" not in error.message and error.extensions["code"] == "INTERNAL"
    assert error.extensions["errorId"] in caplog.text and "hunter2" in caplog.text


async def test_domain_errors_keep_their_message_code_and_field() -> None:
    schema = strawberry.Schema(query=_Query, extensions=[ReadableErrors])
    result = await schema.execute("{ refused }")
    (error,) = result.errors or []
    assert error.message == "Not for you" and error.extensions == {"code": "FORBIDDEN", "field": ["x"]}


async def test_validation_errors_stay_readable(api: Api) -> None:
    body = await api.post("{ products { edges { node { noSuchField } } } }")
    assert "noSuchField" in body["errors"][0]["message"]
