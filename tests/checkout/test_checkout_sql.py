"""The hand-written checkout statements (umkm_graph/checkout/sql.py) stay in step with the models: a column added to a
table the checkout writes must be written by the statement too, or this fails. What the statements do is tested through
the API: tests/checkout/test_checkout.py and tests/checkout/test_races.py, on whichever database the suite uses."""

from __future__ import annotations

import pytest
from tortoise.models import Model

from tests.helpers.api import Api
from umkm_graph.checkout import sql as checkout_sql
from umkm_graph.checkout.models import Checkout
from umkm_graph.orders.models import Order, OrderLine, OrderTransition
from umkm_graph.payments.models import IdempotencyKey, Payment


def _columns(model: type[Model]) -> set[str]:
    meta = model._meta
    own = {field.source_field or name for name, field in meta.fields_map.items() if name in meta.fields_db_projection}
    keys = {meta.fields_map[name].source_field for name in meta.fk_fields | meta.o2o_fields}
    return own | keys


@pytest.mark.parametrize("model, written", [
    (Checkout, checkout_sql.CHECKOUT_COLUMNS),
    (Order, checkout_sql.ORDER_COLUMNS),
    (OrderLine, checkout_sql.LINE_COLUMNS),
    (Payment, checkout_sql.PAYMENT_COLUMNS),
    (OrderTransition, checkout_sql.TRANSITION_COLUMNS),
    (IdempotencyKey, checkout_sql.KEY_COLUMNS),
])
async def test_the_checkout_statement_writes_every_column_of_the_tables_it_fills(
    api: Api, model: type[Model], written: tuple[tuple[str, str], ...]
) -> None:
    table = model._meta.db_table
    besides = {"id"} | ({checkout_sql.PARENT_COLUMN[table]} - {None})
    assert _columns(model) == {name for name, _ in written} | besides
    assert f"INSERT INTO {table} (" in checkout_sql.WRITE_POSTGRES
