"""A client can retry safely after a crash (hardening II, item 8): buyers check out with idempotency keys on a real server
(`umkm-graph serve`), which is killed with SIGKILL while requests are in flight. Each buyer sends its unanswered request
again, with its key, to the server started again: every checkout written is then one its buyer was answered, and none
twice. Before keys, the kill -9 test left orders whose answer never reached the client.

Runs on PostgreSQL when UMKM_TEST_DATABASE_URL is set, otherwise on a SQLite file (two processes cannot share an
in-memory database). Run with -s to see what happened."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import time
import uuid
from pathlib import Path
from typing import Any

import httpx2

from tests.helpers.api import Api
from tests.helpers.live import free_port, server_process
from tests.helpers.people import Person, sign_up
from tests.helpers.processes import demo_shop_in_stock, seeded_shared_database

BUYERS = 12
CHECKOUT = """
mutation($input: CheckoutInput!, $key: String) {
  checkout(input: $input, idempotencyKey: $key) { checkout { id } errors { code field message } }
}"""


async def _buy_until_killed(url: str, buyer: Person, cart: Any, answered: list[str]) -> tuple[dict[str, Any], str] | None:
    """Checkouts, each with a new key, until the server dies; the request that got no answer, if one was in flight."""
    async with httpx2.AsyncClient(base_url=url, timeout=10) as client:
        while True:
            variables = {"input": cart(), "key": str(uuid.uuid4())}
            try:
                result = (await Api(client).gql(CHECKOUT, variables, buyer.token))["checkout"]
            except (httpx2.HTTPError, AssertionError):
                return variables, buyer.token
            if result["checkout"]:
                answered.append(result["checkout"]["id"])


async def test_buyers_retrying_with_their_keys_after_a_kill_know_every_checkout_written(tmp_path: Path) -> None:
    env, query = await seeded_shared_database(tmp_path, UMKM_MAX_UNPAID_ORDERS="0",
                                              UMKM_MAX_UNPAID_UNITS_PER_PRODUCT="0", UMKM_MAX_UNPAID_RUPIAH="0")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    answered: list[str] = []
    with server_process(env, port) as server:
        async with httpx2.AsyncClient(base_url=url, timeout=10) as client:
            api = Api(client)
            buyers = [await sign_up(api, name=f"Pembeli {i}") for i in range(BUYERS)]
            shop_id, products = await demo_shop_in_stock(api)
        first_checkout = (await query("SELECT COALESCE(MAX(id), 0) FROM checkouts"))[0][0]

        def cart() -> dict[str, Any]:
            return {"lines": [{"productId": p, "quantity": 1} for p in random.sample(products, random.randint(1, 3))],
                    "shops": [{"shopId": shop_id, "deliveryProvider": "pickup"}], "paymentMethod": "COD"}

        load = asyncio.gather(*(_buy_until_killed(url, buyer, cart, answered) for buyer in buyers))
        deadline = time.monotonic() + 15
        while len(answered) < 20 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        os.kill(server.pid, signal.SIGKILL)  # mid-load: requests are in flight
        unanswered = [request for request in await load if request is not None]
    written_before_retry = (await query(f"SELECT COUNT(*) FROM checkouts WHERE id > {first_checkout}"))[0][0]
    answered_before_retry = len(answered)
    with server_process(env, port):  # started again on the same database; each lost request is sent again
        async with httpx2.AsyncClient(base_url=url, timeout=10) as client:
            for variables, token in unanswered:
                result = (await Api(client).gql(CHECKOUT, variables, token))["checkout"]
                if result["checkout"]:
                    answered.append(result["checkout"]["id"])
        written = {str(row[0]) for row in await query(f"SELECT id FROM checkouts WHERE id > {first_checkout}")}
    print(f"\nkilled with {len(unanswered)} requests in flight; {written_before_retry} checkouts written by then, "
          f"{written_before_retry - answered_before_retry} of them unanswered; after the retries {len(answered)} "
          f"answered, {len(written)} written in all")
    assert sorted(answered) == sorted(written) and len(set(answered)) == len(answered) > 0
