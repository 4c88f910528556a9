"""Every hand-written SQL statement of checkout, in one place: the stock of a whole cart in one conditional update
(SQLite), and on PostgreSQL the stock and every row of a checkout in one statement, all or nothing; and what a buyer's
unpaid orders hold (checkout/holds.py), in one statement on either database.

tortoise can neither update each row by its own quantity and say which rows it changed, nor insert rows that point at
rows inserted in the same statement. On PostgreSQL each statement is a round trip, and round trips were most of a
checkout's time (docs/performance.md). tests/checkout/test_checkout_sql.py checks that the statements write every column the
models have; the checkout tests run them on whichever database the suite uses.

- Stock: each line a conditional update of its variant (stock >= quantity), and the product's total taken with it. On
  PostgreSQL the rows are locked in product then variant order first (as a seller's variant change locks them,
  catalog/variants.py), so two carts sharing products cannot deadlock, and nothing is taken unless every line can be;
  SQLite (3.35 or later, for RETURNING) has one writer at a time, and its caller rolls back when a line is missing.
- Rows (PostgreSQL): the checkout, its orders, and each order's lines, payment and first transition, as data-modifying
  CTEs of the statement that takes the stock, so a failure anywhere writes nothing and needs no BEGIN or COMMIT round
  trip. Children find their order by its unique reference. The values come from unsaved model instances, converted by
  their own fields, so defaults and enums are the models'. SQLite (no data-modifying CTEs) writes the same instances
  through tortoise, in a transaction.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from umkm_graph.catalog.models import Product, ProductVariant
from umkm_graph.checkout.models import Checkout
from umkm_graph.core.orm_compat import attach_related, column_value, connection_of, from_row, loaded_columns, mark_saved
from umkm_graph.orders.models import Order, OrderLine, OrderTransition
from umkm_graph.payments.models import IdempotencyKey, Payment, PaymentStatus
from umkm_graph.shops.models import Shop


def _take_sqlite(table: str, count: int, *, conditional: bool) -> str:
    quantity = "CASE id " + " ".join(["WHEN ? THEN ?"] * count) + " END"
    return (f"UPDATE {table} SET stock = stock - {quantity} "
            f"WHERE id IN ({', '.join(['?'] * count)})" + (f" AND stock >= {quantity}" if conditional else "")
            + " RETURNING id")


async def take_stocks(connection: BaseDBAsyncClient, wanted: Mapping[int, int], products: Mapping[int, int]
                      ) -> set[int]:
    """(SQLite) Take each variant's quantity where its stock suffices, and the products' totals (`products`: product id
    to units); the ids of the variants taken. Call it inside the transaction that writes the order, and roll back
    when an id is missing: the other lines stay taken otherwise."""
    if not wanted:
        return set()
    taken = await _take(connection, "product_variants", wanted, conditional=True)
    await _take(connection, "products", products, conditional=False)
    return taken


async def _take(connection: BaseDBAsyncClient, table: str, wanted: Mapping[int, int], *, conditional: bool) -> set[int]:
    ids = sorted(wanted)
    cases = [value for i in ids for value in (i, wanted[i])]
    params = [*cases, *ids, *cases] if conditional else [*cases, *ids]
    rows = await connection.execute_query_dict(_take_sqlite(table, len(ids), conditional=conditional), params)
    return {row["id"] for row in rows}


def _loaded_columns(model: type[Model]) -> list[str]:
    """The columns tortoise reads into a whole instance of the model (what orm_compat.from_row takes)."""
    return loaded_columns(model)


@functools.cache
def _cart_sql(dialect: str, count: int) -> str:
    products, shops, variants = _loaded_columns(Product), _loaded_columns(Shop), _loaded_columns(ProductVariant)
    columns = ([f'p."{c}"' for c in products] + [f's."{c}" AS "shop.{c}"' for c in shops]
               + [f'v."{c}" AS "variant.{c}"' for c in variants])
    wanted = "= ANY($1::int[])" if dialect == "postgres" else f"IN ({', '.join(['?'] * count)})"
    return (f"SELECT {', '.join(columns)} FROM products p JOIN shops s ON s.id = p.shop_id "
            f"JOIN product_variants v ON v.product_id = p.id WHERE p.id {wanted} ORDER BY p.id, v.position, v.id")


async def cart_products(ids: Sequence[int]) -> dict[int, tuple[Product, list[ProductVariant]]]:
    """The products of these ids, each with its shop loaded and its variants in the seller's order, by id: what
    Product.filter(id__in=ids).select_related("shop") and their variants read, in one statement written once instead
    of two built by tortoise on every checkout."""
    if not ids:
        return {}
    connection = connection_of(Product)
    dialect = connection.capabilities.dialect
    rows = await connection.execute_query_dict(_cart_sql(dialect, len(ids)),
                                               [list(ids)] if dialect == "postgres" else list(ids))
    found: dict[int, tuple[Product, list[ProductVariant]]] = {}
    products, shops, variants = _loaded_columns(Product), _loaded_columns(Shop), _loaded_columns(ProductVariant)
    for row in rows:
        if row["id"] not in found:
            product = from_row(Product, {c: row[c] for c in products})
            attach_related(product, "shop", from_row(Shop, {c: row[f"shop.{c}"] for c in shops}))
            found[product.id] = (product, [])
        found[row["id"]][1].append(from_row(ProductVariant, {c: row[f"variant.{c}"] for c in variants}))
    return found


@dataclass(frozen=True)
class UnpaidHoldings:
    """What a buyer's open, unpaid orders hold: how many orders, their rupiah, and units of some products."""

    orders: int
    rupiah: int
    units: dict[int, int]


def _holdings_sql(dialect: str, statuses: int, products: int) -> str:
    if dialect == "postgres":
        buyer, status_in, product_in = "$1", "= ANY($2::text[])", "= ANY($3::int[])"
    else:
        buyer = "?"
        status_in = f"IN ({', '.join(['?'] * statuses)})"
        product_in = f"IN ({', '.join(['?'] * products)})" if products else "IN (NULL)"
    # From the buyer's orders (few, by the buyer index) to their lines, never from a product's lines (many).
    unpaid = ("SELECT o.id, o.total FROM orders o JOIN payments p ON p.order_id = o.id "
              f"WHERE o.buyer_id = {buyer} AND o.status {status_in} AND p.status = '{PaymentStatus.PENDING.value}'")
    return (f"WITH unpaid AS ({unpaid}) "
            "SELECT NULL AS product_id, COUNT(*) AS units, COALESCE(SUM(total), 0) AS rupiah FROM unpaid "
            "UNION ALL SELECT l.product_id, SUM(l.quantity), NULL FROM order_lines l JOIN unpaid u ON u.id = l.order_id "
            f"WHERE l.product_id {product_in} GROUP BY l.product_id")


async def unpaid_holdings(
    connection: BaseDBAsyncClient, buyer_id: int, statuses: Sequence[str], product_ids: Sequence[int]
) -> UnpaidHoldings:
    """What the buyer's orders in these statuses, with a pending payment, hold (of these products), in one
    statement."""
    dialect = connection.capabilities.dialect
    params: list[Any] = ([buyer_id, list(statuses), list(product_ids)] if dialect == "postgres"
                         else [buyer_id, *statuses, *product_ids])
    rows = await connection.execute_query_dict(_holdings_sql(dialect, len(statuses), len(product_ids)), params)
    (totals,) = [row for row in rows if row["product_id"] is None]
    units = {row["product_id"]: int(row["units"]) for row in rows if row["product_id"] is not None}
    return UnpaidHoldings(orders=int(totals["units"]), rupiah=int(totals["rupiah"]), units=units)


@dataclass
class NewOrder:
    """An order to write, with the rows that hang on it; none saved yet, none pointing at its parent yet."""

    order: Order
    lines: list[OrderLine]
    payment: Payment
    transition: OrderTransition


# Each table's columns as the statement writes them (the parent's id aside), with their PostgreSQL array types.
CHECKOUT_COLUMNS = (("buyer_id", "int"), ("total", "bigint"), ("created_at", "timestamptz"))
ORDER_COLUMNS = (
    ("shop_id", "int"), ("buyer_id", "int"), ("reference", "text"), ("status", "text"), ("delivery_method", "text"),
    ("delivery_provider", "text"), ("delivery_service", "text"), ("delivery_reference", "text"),
    ("delivery_fee", "bigint"), ("delivery_kecamatan", "text"), ("delivery_kelurahan", "text"),
    ("delivery_address", "text"), ("pickup_code", "text"), ("payment_method", "text"), ("subtotal", "bigint"),
    ("total", "bigint"), ("note", "text"), ("cancel_reason", "text"), ("status_since", "timestamptz"),
    ("claimed_until", "timestamptz"), ("accept_reminded_at", "timestamptz"), ("cash_flagged_at", "timestamptz"),
    ("cash_escalated_at", "timestamptz"), ("created_at", "timestamptz"), ("updated_at", "timestamptz"),
)
LINE_COLUMNS = (("product_id", "int"), ("variant_id", "int"), ("product_name", "text"), ("unit_price", "bigint"), ("quantity", "int"),
                ("line_total", "bigint"))
PAYMENT_COLUMNS = (
    ("method", "text"), ("provider", "text"), ("amount", "bigint"), ("status", "text"), ("reference", "text"),
    ("provider_reference", "text"), ("confirmed_by_id", "int"), ("paid_at", "timestamptz"), ("action_kind", "text"),
    ("action_value", "text"), ("action_bank", "text"), ("expires_at", "timestamptz"), ("refunded_amount", "bigint"),
    ("claimed_until", "timestamptz"), ("created_at", "timestamptz"), ("gateway_reference", "text"),
    ("gateway_amount", "bigint"),
)
TRANSITION_COLUMNS = (("from_status", "text"), ("to_status", "text"), ("actor_id", "int"), ("reason", "text"),
                      ("created_at", "timestamptz"))
KEY_COLUMNS = (("user_id", "int"), ("key", "text"), ("operation", "text"), ("request_hash", "text"),
               ("created_at", "timestamptz"))
# What each table's statement writes besides CHECKOUT_COLUMNS etc.: the generated id, and the parent's id.
PARENT_COLUMN = {"checkouts": None, "orders": "checkout_id", "order_lines": "order_id", "payments": "order_id",
                 "order_transitions": "order_id", "idempotency_keys": "result_id"}


def _child_insert(table: str, columns: Sequence[tuple[str, str]], first: int) -> str:
    """INSERT the rows of unnest($first...) under the order whose reference is in the first array."""
    names = ", ".join(name for name, _ in columns)
    arrays = ", ".join(f"${first + 1 + i}::{kind}[]" for i, (_, kind) in enumerate(columns))
    picked = ", ".join(f"x.{name}" for name, _ in columns)
    # Ids in the order of the arrays, as tortoise's inserts one by one would give them (the join may emit any order).
    return (f"INSERT INTO {table} (order_id, {names}) SELECT o.id, {picked} FROM o "
            f"JOIN unnest(${first}::text[], {arrays}) WITH ORDINALITY AS x(order_reference, {names}, position) "
            "ON x.order_reference = o.reference ORDER BY x.position")


def _write_postgres_sql() -> str:
    order_names = ", ".join(name for name, _ in ORDER_COLUMNS)
    order_picked = ", ".join(f"x.{name}" for name, _ in ORDER_COLUMNS)
    first = 3 + len(CHECKOUT_COLUMNS) + 1
    order_arrays = ", ".join(f"${first + i}::{kind}[]" for i, (_, kind) in enumerate(ORDER_COLUMNS))
    first += len(ORDER_COLUMNS)
    lines = _child_insert("order_lines", LINE_COLUMNS, first)
    first += len(LINE_COLUMNS) + 1
    payments = _child_insert("payments", PAYMENT_COLUMNS, first)
    first += len(PAYMENT_COLUMNS) + 1
    transitions = _child_insert("order_transitions", TRANSITION_COLUMNS, first)
    first += len(TRANSITION_COLUMNS) + 1
    key = ", ".join(f"${first + i}::{kind}" for i, (_, kind) in enumerate(KEY_COLUMNS))
    key_names = ", ".join(f'"{name}"' for name, _ in KEY_COLUMNS)
    # `wanted` locks the cart's products and variants as its sort emits them, in product then variant order, and (READ
    # COMMITTED) reads the stock of their newest versions, so `enough` is exact; `taken` updates all of them or none
    # (each product's total with its variant: one variant of a product per checkout), and every insert hangs on `c`,
    # which is written only when all lines were taken.
    return (
        "WITH wanted AS MATERIALIZED (SELECT v.id, v.product_id, v.stock, w.quantity FROM product_variants v "
        "JOIN products p ON p.id = v.product_id "
        "JOIN unnest($1::int[], $2::int[]) AS w(id, quantity) ON w.id = v.id ORDER BY p.id, v.id FOR UPDATE OF p, v),\n"
        "enough AS (SELECT count(*) = $3 AS all_lines FROM wanted WHERE stock >= quantity),\n"
        "taken AS (UPDATE product_variants v SET stock = v.stock - wanted.quantity FROM wanted, enough "
        "WHERE enough.all_lines AND v.id = wanted.id RETURNING v.id),\n"
        "totals AS (UPDATE products p SET stock = p.stock - wanted.quantity FROM wanted, enough "
        "WHERE enough.all_lines AND p.id = wanted.product_id),\n"
        "c AS (INSERT INTO checkouts (buyer_id, total, created_at) SELECT $4, $5, $6 "
        "WHERE (SELECT count(*) FROM taken) = $3 RETURNING id),\n"
        f"o AS (INSERT INTO orders (checkout_id, {order_names}) SELECT c.id, {order_picked} FROM c, "
        f"unnest({order_arrays}) WITH ORDINALITY AS x({order_names}, position) ORDER BY x.position "
        "RETURNING id, reference),\n"
        f"l AS ({lines}),\np AS ({payments}),\nt AS ({transitions}),\n"
        # The client's idempotency key, if any: a second send of it fails here on the unique (user, key), undoing all.
        f"k AS (INSERT INTO idempotency_keys (result_id, {key_names}) "
        f"SELECT c.id, {key} FROM c WHERE ${first + 1}::text IS NOT NULL)\n"
        "SELECT c.id AS checkout_id, o.id, o.reference, NULL AS enough FROM c, o\n"
        "UNION ALL SELECT NULL, NULL, NULL, id FROM wanted WHERE stock >= quantity"
    )


WRITE_POSTGRES = _write_postgres_sql()


def _value(instance: Model, column: str) -> Any:
    """The column's value as tortoise would write it (enums as their values, auto_now times filled in)."""
    return column_value(instance, column)


def _arrays(rows: Sequence[tuple[str, Model]], columns: Sequence[tuple[str, str]]) -> list[list[Any]]:
    """The order references, then one array per column, of (reference, instance) rows."""
    return [[reference for reference, _ in rows], *([_value(row, name) for _, row in rows] for name, _ in columns)]


async def write_postgres(
    connection: BaseDBAsyncClient, wanted: Mapping[int, int], checkout: Checkout, orders: Sequence[NewOrder],
    key: IdempotencyKey | None = None,
) -> set[int]:
    """Take the stock of every line (`wanted`: variant id to units) and write every row (the key's too, with the
    checkout's id), in one statement, or nothing at all. The ids of the variants whose stock sufficed: when that is all of `wanted`, the checkout and the
    orders were written and got their ids, as if tortoise had saved them; otherwise nothing was written. IntegrityError
    when the key was written already."""
    ids = sorted(wanted)
    params: list[Any] = [ids, [wanted[i] for i in ids], len(ids)]
    params += [_value(checkout, name) for name, _ in CHECKOUT_COLUMNS]
    params += [[_value(new.order, name) for new in orders] for name, _ in ORDER_COLUMNS]
    params += _arrays([(new.order.reference, line) for new in orders for line in new.lines], LINE_COLUMNS)
    params += _arrays([(new.order.reference, new.payment) for new in orders], PAYMENT_COLUMNS)
    params += _arrays([(new.order.reference, new.transition) for new in orders], TRANSITION_COLUMNS)
    params += [None if key is None else _value(key, name) for name, _ in KEY_COLUMNS]
    rows = await connection.execute_query_dict(WRITE_POSTGRES, params)
    enough = {row["enough"] for row in rows if row["enough"] is not None}
    written = {row["reference"]: row for row in rows if row["reference"] is not None}
    if not written:
        if enough == set(ids):
            raise RuntimeError("every line had its stock, yet the checkout was not written")
        return enough
    checkout.pk = next(iter(written.values()))["checkout_id"]
    mark_saved(checkout)
    for new in orders:
        new.order.pk = written[new.order.reference]["id"]
        mark_saved(new.order)
    return enough
