"""The floor: a tiny starlette app answering the benchmark's questions with hand-written SQL, nothing else.

    python bench/floor.py --database-url sqlite://bench/.data/bench.sqlite3 --port 8101

POST /graphql takes the storefront query's body (only its variables are read: first, category) and answers the same
question as the API's `products(filter: {category}, first)`: active products of verified shops in the category and its
children, newest first (created_at, then id, descending), with the shop's name and kecamatan, the rating (the
denormalised rating_sum / review_count, rounded to 2 places, null when unrated) and the review count. The database
builds the JSON itself; the response has the GraphQL response's shape.

POST /checkout (PostgreSQL only) writes what checkout/service.py writes for a COD, self-pickup cart, in one
transaction: stock taken by a conditional update (all lines or none), the checkout, one order per shop with a pickup
code, its lines, its PENDING payment and its first transition. Body: {"buyer": user id, "lines": [[product id, qty]]}.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import secrets
import sqlite3
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

PAGE_CAP = 100
_CATEGORY = "(SELECT c.id FROM categories c WHERE c.slug = {0} OR c.parent_id IN (SELECT id FROM categories WHERE slug = {0}))"
_PAGE = """
SELECT p.id, p.name, p.price, s.name AS shop_name, s.kecamatan, p.rating_sum, p.review_count, p.created_at
FROM products p JOIN shops s ON s.id = p.shop_id
WHERE p.is_active AND s.status = 'VERIFIED' AND p.category_id IN {category}
ORDER BY p.created_at DESC, p.id DESC LIMIT {first}
"""
STOREFRONT_SQLITE = f"""
SELECT json_group_array(json_object('node', json_object('id', CAST(t.id AS TEXT), 'name', t.name, 'price', t.price,
  'shop', json_object('name', t.shop_name, 'kecamatan', t.kecamatan),
  'rating', CASE WHEN t.review_count > 0 THEN round(CAST(t.rating_sum AS REAL) / t.review_count, 2) END,
  'reviewCount', t.review_count)))
FROM ({_PAGE.format(category=_CATEGORY.format(":category"), first=":first")}) t
"""
STOREFRONT_POSTGRES = f"""
SELECT coalesce(json_agg(json_build_object('node', json_build_object('id', t.id::text, 'name', t.name, 'price', t.price,
  'shop', json_build_object('name', t.shop_name, 'kecamatan', t.kecamatan),
  'rating', CASE WHEN t.review_count > 0 THEN round(t.rating_sum::numeric / t.review_count, 2) END,
  'reviewCount', t.review_count)) ORDER BY t.created_at DESC, t.id DESC), '[]')::text
FROM ({_PAGE.format(category=_CATEGORY.format("$2"), first="$1")}) t
"""
# Every line or none: the caller compares the rows returned with the lines asked for.
TAKE_STOCK = """
UPDATE products p SET stock = p.stock - c.quantity
FROM unnest($1::int[], $2::int[]) AS c(id, quantity), shops s
WHERE p.id = c.id AND s.id = p.shop_id AND s.status = 'VERIFIED' AND s.owner_id <> $3 AND p.is_active
  AND p.stock >= c.quantity
RETURNING p.id, p.name, p.price, p.shop_id, c.quantity
"""
WRITE_ORDERS = """
WITH c AS (INSERT INTO checkouts (buyer_id, total, created_at) VALUES ($1, $2, now()) RETURNING id),
o AS (
  INSERT INTO orders (checkout_id, shop_id, buyer_id, reference, status, delivery_method, delivery_provider,
                      delivery_service, delivery_fee, pickup_code, payment_method, subtotal, total, note, created_at,
                      updated_at)
  SELECT c.id, x.shop_id, $1, x.reference, 'PLACED', 'PICKUP', 'pickup', 'standard', 0, x.pickup_code, 'COD',
         x.subtotal, x.subtotal, '', now(), now()
  FROM c, unnest($3::int[], $4::text[], $5::text[], $6::bigint[]) AS x(shop_id, reference, pickup_code, subtotal)
  RETURNING id, shop_id, reference, total
),
l AS (
  INSERT INTO order_lines (order_id, product_id, product_name, unit_price, quantity, line_total)
  SELECT o.id, y.product_id, y.name, y.price, y.quantity, y.price * y.quantity
  FROM o JOIN unnest($7::int[], $8::int[], $9::text[], $10::bigint[], $11::int[])
              AS y(shop_id, product_id, name, price, quantity) ON y.shop_id = o.shop_id
),
p AS (
  INSERT INTO payments (order_id, method, provider, amount, status, reference, refunded_amount, created_at)
  SELECT o.id, 'COD', 'cod', o.total, 'PENDING', o.reference, 0, now() FROM o
),
t AS (
  INSERT INTO order_transitions (order_id, from_status, to_status, actor_id, created_at)
  SELECT o.id, NULL, 'PLACED', $1, now() FROM o
)
SELECT (SELECT id FROM c) AS checkout_id, array_agg(o.id ORDER BY o.id) AS orders FROM o
"""
_REFERENCE = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # as orders/models.py
_PICKUP = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # as providers/pickup.py


def _code(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _page_size(body: dict[str, Any]) -> tuple[int, str]:
    variables = body.get("variables") or {}
    first, category = variables.get("first", 20), variables.get("category", "sembako")
    if not isinstance(first, int) or not 0 <= first <= PAGE_CAP or not isinstance(category, str):
        raise ValueError("first must be 0 to 100 and category a slug")
    return first, category


def _answer(edges: str) -> Response:
    return Response(f'{{"data":{{"products":{{"edges":{edges}}}}}}}', media_type="application/json")


def create_floor(database_url: str) -> Starlette:
    postgres = database_url.startswith("postgres")
    state: dict[str, Any] = {}

    async def storefront(request: Request) -> Response:
        try:
            first, category = _page_size(json.loads(await request.body()))
        except ValueError as error:
            return JSONResponse({"errors": [{"message": str(error)}]}, status_code=400)
        if postgres:
            async with state["pool"].acquire() as connection:
                return _answer(await connection.fetchval(STOREFRONT_POSTGRES, first, category))
        row = state["sqlite"].execute(STOREFRONT_SQLITE, {"first": first, "category": category}).fetchone()
        return _answer(row[0])

    async def checkout(request: Request) -> Response:
        if not postgres:
            return JSONResponse({"error": "the hand-written checkout runs on PostgreSQL only"}, status_code=501)
        body = json.loads(await request.body())
        buyer, lines = int(body["buyer"]), [(int(p), int(q)) for p, q in body["lines"]]
        async with state["pool"].acquire() as connection, connection.transaction():
            taken = await connection.fetch(TAKE_STOCK, [p for p, _ in lines], [q for _, q in lines], buyer)
            if len(taken) != len(lines):
                raise _OutOfStock()
            by_shop: dict[int, list[Any]] = defaultdict(list)
            for row in sorted(taken, key=lambda r: r["id"]):
                by_shop[row["shop_id"]].append(row)
            shops = sorted(by_shop)
            subtotals = [sum(r["price"] * r["quantity"] for r in by_shop[s]) for s in shops]
            rows = [r for s in shops for r in by_shop[s]]
            made = await connection.fetchrow(
                WRITE_ORDERS, buyer, sum(subtotals), shops, ["UMKM-" + _code(_REFERENCE, 10) for _ in shops],
                [_code(_PICKUP, 6) for _ in shops], subtotals, [r["shop_id"] for r in rows], [r["id"] for r in rows],
                [r["name"] for r in rows], [r["price"] for r in rows], [r["quantity"] for r in rows])
        return JSONResponse({"checkout": made["checkout_id"], "orders": list(made["orders"])})

    async def out_of_stock(_: Request, __: Exception) -> Response:
        return JSONResponse({"error": "a line is out of stock or not on sale"}, status_code=409)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if postgres:
            import asyncpg

            state["pool"] = await asyncpg.create_pool("postgresql://" + database_url.split("://", 1)[1],
                                                      min_size=2, max_size=16)
        else:
            connection = sqlite3.connect(database_url.split("://", 1)[1], check_same_thread=False)
            connection.execute("PRAGMA query_only = 1")
            state["sqlite"] = connection
        try:
            yield
        finally:
            if "pool" in state:
                await state["pool"].close()
            if "sqlite" in state:
                state["sqlite"].close()

    return Starlette(routes=[Route("/graphql", storefront, methods=["POST"]),
                             Route("/checkout", checkout, methods=["POST"])],
                     exception_handlers={_OutOfStock: out_of_stock},
                     lifespan=lifespan)


class _OutOfStock(Exception):
    pass


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8101)
    args = parser.parse_args()
    uvicorn.run(create_floor(args.database_url), host=args.host, port=args.port, workers=1, log_level="warning",
                access_log=False)


if __name__ == "__main__":
    main()
