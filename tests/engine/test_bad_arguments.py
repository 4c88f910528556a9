"""Arguments a client got wrong (a cursor carrying a huge offset, a malformed federation representation, an id or an
amount past what the database holds) are input errors with a code, never a masked INTERNAL error, and never logged."""

from __future__ import annotations

import base64
import logging
from typing import Any

import pytest

from tests.helpers.api import Api, error_codes

PRODUCTS_AFTER = "query($after: String) { products(after: $after) { edges { cursor } } }"
ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }"


def _errors_logged(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.ERROR]


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize("offset", ["9" * 20, str(2**63), "9" * 400])
async def test_a_cursor_with_a_huge_offset_is_refused_like_a_forged_one(
    api: Api, offset: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        huge = await api.post(PRODUCTS_AFTER, {"after": _cursor("o:" + offset)})
        forged = await api.post(PRODUCTS_AFTER, {"after": _cursor("x:1")})
    assert error_codes(huge) == error_codes(forged) == ["INVALID"]
    assert huge["errors"][0]["message"] == forged["errors"][0]["message"]
    assert not _errors_logged(caplog), caplog.text


async def test_a_cursor_within_the_cap_still_pages(api: Api) -> None:
    body = await api.post(PRODUCTS_AFTER, {"after": _cursor("o:100000")})
    assert "errors" not in body and body["data"]["products"]["edges"] == []


@pytest.mark.parametrize("typename", ["Product", "Shop", "Order", "Review"])
@pytest.mark.parametrize("entity_id", [str(10**20), 10**20, "99999999999", "-1", "0", "1e3", "abc", ""])
async def test_an_entity_id_no_row_can_have_is_no_entity(
    api: Api, typename: str, entity_id: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        body = await api.post(ENTITIES, {"r": [{"__typename": typename, "id": entity_id}]})
    assert body == {"data": {"_entities": [None]}}
    assert not _errors_logged(caplog), caplog.text


BAD_REPRESENTATIONS = [
    {"__typename": "Nope", "id": "1"},  # an unknown type
    {"__typename": "UserError", "id": "1"},  # a type that is no entity
    {"id": "1"},  # no __typename
    {"__typename": 5, "id": "1"},
    "Product:1",  # a string
    5,
    [{"__typename": "Product", "id": "1"}],
    {"__typename": "Product", "id": "1", "name": "x"},  # an extra key
    {"__typename": "Product"},  # no key field
    {"__typename": "Product", "id": ["1"]},
    {"__typename": "Product", "id": {"id": 1}},
    {"__typename": "Product", "id": True},
    {"__typename": "Product", "id": None},
]


@pytest.mark.parametrize("representation", BAD_REPRESENTATIONS, ids=[str(r)[:40] for r in BAD_REPRESENTATIONS])
async def test_a_malformed_representation_is_an_input_error(
    api: Api, representation: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        body = await api.post(ENTITIES, {"r": [{"__typename": "Shop", "id": "1"}, representation]})
    assert body["data"] is None and error_codes(body) == ["INVALID"], body
    assert "representations" in body["errors"][0]["message"]
    assert not _errors_logged(caplog), caplog.text


async def test_an_inline_malformed_representation_is_an_input_error(api: Api) -> None:
    body = await api.post('{ _entities(representations: [{__typename: "Product", id: "1", x: 1}]) { __typename } }')
    assert error_codes(body) == ["INVALID"]


async def test_many_bad_representations_log_nothing(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    representations = [{"__typename": "Product", "id": str(10**20 + i), "extra": i} for i in range(500)]
    with caplog.at_level(logging.DEBUG, logger="umkm_graph"):
        body = await api.post(ENTITIES, {"r": representations})
    assert error_codes(body) == ["INVALID"]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text[:2000]


RUPIAH_FILTER = "query($min: Rupiah) { products(filter: {minPrice: $min}) { totalCount } }"


@pytest.mark.parametrize("literal", ["9" * 5000, "9" * 4000, "9" * 25, str(2**63), str(10**15 + 1), "-" + "9" * 5000])
async def test_a_huge_rupiah_is_refused_with_a_clear_message(
    api: Api, literal: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        inline = await api.post(f"{{ products(filter: {{minPrice: {literal}}}) {{ totalCount }} }}")
        variable = await api.client.post("/graphql", headers={"content-type": "application/json"},
                                         content=f'{{"query": "{RUPIAH_FILTER}", "variables": {{"min": {literal}}}}}')
    for body in (inline, variable.json()):
        assert body.get("data") is None and error_codes(body) and "INTERNAL" not in error_codes(body), body
        assert len(body["errors"][0]["message"]) < 300
    assert "Rupiah must be between" in inline["errors"][0]["message"]
    if len(literal) <= 4300:  # Python's int() refuses longer numbers, so such a JSON body is no JSON: a 400
        assert variable.status_code == 200 and "Rupiah must be between" in variable.json()["errors"][0]["message"]
    else:
        assert variable.status_code == 400
    assert not _errors_logged(caplog), caplog.text


async def test_rupiah_within_range_still_filters(api: Api) -> None:
    assert (await api.gql(RUPIAH_FILTER, {"min": 10**15}))["products"]["totalCount"] == 0
    assert (await api.gql("{ products(filter: {minPrice: 1000}) { totalCount } }"))["products"]["totalCount"] == 0
