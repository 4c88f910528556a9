"""Plain fields answered directly (api/fast_fields.py) give exactly graphql-core's answer: the same data in the same key
order, and the same errors, with their paths, for a null in a non-null field or a value the scalar refuses."""

from __future__ import annotations

import enum
import json
from typing import Any

import strawberry

from umkm_graph.api.fast_fields import PlainFieldsFirst


@strawberry.enum
class Unit(enum.Enum):
    KG = "KG"
    LITRE = "LITRE"


@strawberry.type
class Shop:
    name: str


@strawberry.type
class Item:
    name: str
    note: str | None
    count: int
    unit: Unit
    shop: Shop

    @strawberry.field
    def label(self, upper: bool = False) -> str:
        return self.name.upper() if upper else self.name


GOOD = Item(name="Beras", note=None, count=2, unit=Unit.KG, shop=Shop(name="Toko Sri"))
NULL_NAME = Item(name=None, note="kosong", count=1, unit=Unit.LITRE, shop=Shop(name="Toko Budi"))  # type: ignore[arg-type]
BAD_COUNT = Item(name="Gula", note="", count="banyak", unit=Unit.KG, shop=Shop(name="Toko Sri"))  # type: ignore[arg-type]


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item | None]:
        return [GOOD, NULL_NAME, BAD_COUNT]

    @strawberry.field
    async def first(self) -> Item:
        return GOOD


QUERY = """{
  first { label(upper: true) count ...I }
  items { note label unit ...I shop { name } count name }
}
fragment I on Item { name unit @include(if: true) }"""


def answer(schema: strawberry.Schema) -> dict[str, Any]:
    result = schema.execute_sync(QUERY.replace("first { label(upper: true) count ...I }", ""))
    return {"data": result.data, "errors": [(e.message, e.path) for e in result.errors or []]}


async def answer_async(schema: strawberry.Schema) -> dict[str, Any]:
    result = await schema.execute(QUERY)
    return {"data": result.data, "errors": [(e.message, e.path) for e in result.errors or []]}


async def test_plain_fields_answer_exactly_as_graphql_core_does() -> None:
    plain = strawberry.Schema(Query, execution_context_class=PlainFieldsFirst)
    usual = strawberry.Schema(Query)
    for fast, slow in ((answer(plain), answer(usual)), (await answer_async(plain), await answer_async(usual))):
        assert json.dumps(fast) == json.dumps(slow)  # key order included
        assert fast["data"]["items"][0] == {"note": None, "label": "Beras", "unit": "KG", "name": "Beras",
                                            "shop": {"name": "Toko Sri"}, "count": 2}
        assert fast["data"]["items"][1:] == [None, None]
        assert [path for _, path in fast["errors"]] == [["items", 1, "label"], ["items", 2, "count"]]
