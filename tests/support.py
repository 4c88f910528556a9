"""Test helpers: a GraphQL client for the real app, and builders that set up people, shops and products through the API."""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from typing import Any

import httpx2
from tortoise import Tortoise

from umkm_graph.db import apply_migrations
from umkm_graph.people import service as people
from umkm_graph.people.models import Role

TEST_DATABASE_URL = os.environ.get("UMKM_TEST_DATABASE_URL")
_serial = itertools.count(1)


class GraphQLErrors(AssertionError):
    pass


@dataclass
class Api:
    client: httpx2.AsyncClient

    async def post(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    async def gql(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
        """The data of a query that must succeed without GraphQL errors."""
        body = await self.post(query, variables, token)
        if body.get("errors"):
            raise GraphQLErrors(body["errors"])
        return body["data"]

    async def ok(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
        """The payload of a single mutation that must succeed with no UserErrors."""
        data = await self.gql(query, variables, token)
        (result,) = data.values()
        assert result["errors"] == [], result["errors"]
        return result

    async def fails(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> list[dict[str, Any]]:
        """The UserErrors of a single mutation that must fail."""
        data = await self.gql(query, variables, token)
        (result,) = data.values()
        assert result["errors"], f"expected UserErrors, got {result}"
        return result["errors"]


_fresh_schema = False


async def empty_postgres(url: str) -> None:
    """Drop every table of a PostgreSQL test database, and the record of its migrations, before any app starts on it:
    the next reset_database migrates it afresh, so nothing an older version of the models left lingers."""
    import asyncpg

    global _fresh_schema
    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()
    _fresh_schema = False


async def reset_database() -> None:
    """Empty every table (PostgreSQL keeps tables between tests; SQLite tests use a fresh in-memory database).

    The first reset in a run rebuilds the schema through the migrations, as a deployment does, so tables left by an
    older version of the models cannot linger."""
    global _fresh_schema
    conn = Tortoise.get_connection("default")
    if not _fresh_schema:
        await conn.execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        await apply_migrations()
        _fresh_schema = True
        return
    tables = [model._meta.db_table for model in Tortoise.apps["models"].values()]
    await conn.execute_script(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


REGISTER = """
mutation($input: RegisterInput!) { register(input: $input) { token user { id } errors { code field message } } }
"""


@dataclass
class Person:
    id: str
    email: str
    token: str


async def sign_up(api: Api, role: str = "BUYER", name: str = "Test Person") -> Person:
    email = f"person{next(_serial)}@example.id"
    result = await api.ok(REGISTER, {"input": {"email": email, "password": "rahasia-123", "name": name, "role": role}})
    return Person(id=result["user"]["id"], email=email, token=result["token"])


async def city_person(api: Api, role: Role = Role.CITY_OFFICER) -> Person:
    """City officers and analysts are created by an operator, not by self-registration."""
    email = f"city{next(_serial)}@malangkota.go.id"
    user = await people.create_user(email=email, password="rahasia-123", name="Petugas Kota", role=role)
    login = await api.ok(
        "mutation($e: String!) { login(email: $e, password: \"rahasia-123\") { token errors { code field message } } }",
        {"e": email},
    )
    return Person(id=str(user.id), email=email, token=login["token"])


CREATE_SHOP = """
mutation($input: ShopInput!) {
  createShop(input: $input) { shop { id slug status kecamatan kelurahan } errors { code field message } }
}
"""
VERIFY_SHOP = "mutation($id: ID!) { verifyShop(id: $id) { shop { id status } errors { code field message } } }"
CREATE_PRODUCT = """
mutation($shopId: ID!, $input: ProductInput!) {
  createProduct(shopId: $shopId, input: $input) { product { id name price stock } errors { code field message } }
}
"""


def shop_input(**overrides: Any) -> dict[str, Any]:
    values = {
        "name": f"Toko Sembako {next(_serial)}",
        "kecamatan": "Klojen",
        "kelurahan": "Kauman",
        "address": "Jl. Kauman No. 12",
        "phone": "081234567890",
        "nib": "1234567890123",
        "deliveryFees": [{"kecamatan": "Klojen", "fee": 5000}, {"kecamatan": "Lowokwaru", "fee": 10000}],
    }
    values.update(overrides)
    return values


async def verified_shop(api: Api, seller: Person, officer: Person, **overrides: Any) -> dict[str, Any]:
    shop = (await api.ok(CREATE_SHOP, {"input": shop_input(**overrides)}, seller.token))["shop"]
    await api.ok(VERIFY_SHOP, {"id": shop["id"]}, officer.token)
    return shop


def product_input(**overrides: Any) -> dict[str, Any]:
    values = {"category": "beras", "name": "Beras Medium 5 kg", "unit": "KG", "packSize": 5, "price": 67500, "stock": 20}
    values.update(overrides)
    return values


async def add_product(api: Api, seller: Person, shop_id: str, **overrides: Any) -> dict[str, Any]:
    return (await api.ok(CREATE_PRODUCT, {"shopId": shop_id, "input": product_input(**overrides)}, seller.token))["product"]
