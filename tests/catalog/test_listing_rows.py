"""The storefront's rows come from the filter and sort alone: listing_rows builds its own query, so a statement kept for
one filter's shape can never answer another listing than the filter says (it used to take a QuerySet as well, which a
caller could let disagree with the filter)."""

from __future__ import annotations

import inspect

import pytest
from tortoise.queryset import QuerySet

from tests.helpers.api import Api
from tests.helpers.catalog import add_product
from tests.helpers.people import city_person, sign_up
from tests.helpers.shops import verified_shop
from umkm_graph.catalog import listing as catalog
from umkm_graph.catalog.listing import ProductFilter, ProductSort
from umkm_graph.core.errors import DomainError
from umkm_graph.core.paging import Window

COLUMNS = ["id", "shop_id", "name", "price", "stock"]
SHOP_COLUMNS = ["id", "name", "kecamatan"]


def _ids(rows: list[object]) -> list[int]:
    return [row.id for row in rows]  # type: ignore[attr-defined]


async def _models(flt: ProductFilter, sort: ProductSort, window: Window) -> list[int]:
    return _ids((await catalog.product_page(flt, sort, window)).rows)


def test_listing_rows_takes_no_query_to_disagree_with_its_filter() -> None:
    parameters = inspect.signature(catalog.listing_rows, eval_str=True).parameters.values()
    assert not [p.name for p in parameters if p.annotation is QuerySet or getattr(p.annotation, "__origin__", None) is QuerySet]


async def test_listings_of_one_shape_answer_each_their_own_filter(api: Api) -> None:
    seller, officer = await sign_up(api, "SELLER"), await city_person(api)
    klojen = await verified_shop(api, seller, officer)
    sukun = await verified_shop(api, seller, officer, kecamatan="Sukun", kelurahan="Gadang")
    for i in range(4):
        await add_product(api, seller, klojen["id"], name=f"Beras Klojen {i}", price=60000 + i, stock=i)
        await add_product(api, seller, sukun["id"], name=f"Gula Sukun {i}", category="gula", packSize=1, price=15000 + i)

    # Each pair shares a shape (which filters are given, the sort, the columns), so the second runs the first's statement.
    pairs = [
        (ProductFilter(shop_id=int(klojen["id"])), ProductFilter(shop_id=int(sukun["id"]))),
        (ProductFilter(kecamatan="Klojen"), ProductFilter(kecamatan="Sukun")),
        (ProductFilter(category="beras"), ProductFilter(category="gula")),
        (ProductFilter(min_price=60002), ProductFilter(min_price=15001)),
        (ProductFilter(in_stock=True, max_price=60003), ProductFilter(in_stock=True, max_price=15002)),
    ]
    for sort in (s for s in ProductSort if s is not ProductSort.DISTANCE):  # DISTANCE needs a point: catalog.search's
        for first, second in pairs:
            first_row_key = (await catalog.product_page(first, sort, Window(offset=0, size=1))).keys[0]  # type: ignore[index]
            for window in (Window(offset=0, size=3), Window(offset=1, size=2), Window(offset=0, size=2, after=first_row_key)):
                for flt in (first, second, first):
                    page = await catalog.product_page(flt, sort, window, columns=COLUMNS, shop_columns=SHOP_COLUMNS)
                    assert _ids(page.rows) == await _models(flt, sort, window), (flt, sort, window)
                    assert {row.shop.id for row in page.rows} <= {int(klojen["id"]), int(sukun["id"])}
                    assert all(row.shop.id == row.shop_id for row in page.rows)


async def test_a_page_of_no_rows_still_checks_its_filter(api: Api) -> None:
    with pytest.raises(DomainError):
        await catalog.product_page(ProductFilter(category="bukan-kategori"), ProductSort.NEWEST, Window(offset=0, size=0),
                                   columns=COLUMNS)
