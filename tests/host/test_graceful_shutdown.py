"""Graceful shutdown: a real server (`umkm-graph serve`) gets SIGTERM while buyers' checkouts are in flight (each one
waiting on a slow payment gateway), with its periodic payment jobs running and a subscription socket open. Every
in-flight checkout still gets its answer, the process exits cleanly without its shutdown timing out, and the database
holds whole checkouts only.

Runs on PostgreSQL when UMKM_TEST_DATABASE_URL is set, otherwise on a SQLite file (shared with the server's process).
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import aiohttp
import httpx2
from umkm_midtrans.fake import FakeMidtrans

from tests.helpers.api import Api
from tests.helpers.live import free_port, server_process, subscribe
from tests.helpers.people import Person, sign_up
from tests.helpers.processes import BROKEN, CHECKOUT, DEMO_SHOP, seed, shared_database, stock_by_product

IN_FLIGHT = 6
SERVER_KEY = "SB-Mid-server-shutdown-test"


async def _checkout(url: str, buyer: Person, shop_id: str, product_id: str) -> dict[str, object]:
    async with httpx2.AsyncClient(base_url=url, timeout=30) as client:
        cart = {"lines": [{"productId": product_id, "quantity": 1}],
                "shops": [{"shopId": shop_id, "deliveryProvider": "pickup"}], "paymentMethod": "MIDTRANS_QRIS"}
        response = await client.post("/graphql", json={"query": CHECKOUT, "variables": {"input": cart}},
                                     headers={"Authorization": f"Bearer {buyer.token}"})
        return {"status": response.status_code, "body": response.json()}


async def _closing(ws: aiohttp.ClientWebSocketResponse) -> int | None:
    """Read the socket until it closes (events may come first); the close code."""
    while True:
        message = await ws.receive(timeout=30)
        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED):
            return ws.close_code if message.type != aiohttp.WSMsgType.CLOSE else int(message.data)


async def test_sigterm_lets_in_flight_checkouts_finish_and_leaves_whole_orders(tmp_path: Path) -> None:
    database_url, query = await shared_database(tmp_path)
    async with FakeMidtrans(server_key=SERVER_KEY) as fake:
        env = {"UMKM_DATABASE_URL": database_url, "UMKM_SECRET_KEY": "shutdown-test-secret-key-0123456789abcdef",
               "UMKM_RATE_LIMIT_PER_IP": "0", "UMKM_RATE_LIMIT_PER_USER": "0",
               "UMKM_PAYMENT_JOBS_INTERVAL_SECONDS": "0.2",  # the periodic jobs are running when the signal comes
               "UMKM_MIDTRANS_SERVER_KEY": SERVER_KEY, "UMKM_MIDTRANS_BASE_URL": fake.url}
        seed(env)
        port, log = free_port(), tmp_path / "server.log"
        url = f"http://127.0.0.1:{port}"
        with server_process(env, port, output=log) as server:
            async with httpx2.AsyncClient(base_url=url, timeout=10) as client:
                api = Api(client)
                buyers = [await sign_up(api, name=f"Pembeli {i}") for i in range(IN_FLIGHT)]
                shop = (await api.gql(DEMO_SHOP))["shop"]
                product_id = next(e["node"]["id"] for e in shop["products"]["edges"] if e["node"]["stock"] >= IN_FLIGHT)
            stock_before = await stock_by_product(query)
            last_order = (await query("SELECT COALESCE(MAX(id), 0) FROM orders"))[0][0]  # the seed's orders come first
            fake.delay = 1.5  # every gateway answer takes a while: checkouts are mid-way when the signal comes
            listen = "subscription { orderUpdated { id status } }"
            async with aiohttp.ClientSession() as session, \
                    subscribe(session, url, listen, token=buyers[0].token) as socket:
                checkouts = [asyncio.create_task(_checkout(url, buyer, shop["id"], product_id)) for buyer in buyers]
                while fake.count("charge") < IN_FLIGHT:  # every checkout is waiting on the gateway
                    await asyncio.sleep(0.02)
                server.send_signal(signal.SIGTERM)
                answers = await asyncio.gather(*checkouts)
                returncode = await asyncio.to_thread(server.wait, 60)
                closed = await _closing(socket.ws)

        output = log.read_text(errors="replace")
        assert [a["status"] for a in answers] == [200] * IN_FLIGHT, output
        assert all(a["body"]["data"]["checkout"]["errors"] == [] for a in answers), answers  # type: ignore[index]
        assert returncode in (0, -signal.SIGTERM), output  # uvicorn re-raises the signal once it has shut down
        assert "Application shutdown complete." in output, output
        assert "timeout graceful shutdown exceeded" not in output and "Traceback" not in output, output
        assert closed is not None  # the subscription socket was closed by the server, not left hanging

        broken = {name: rows for name, sql in BROKEN.items() if (rows := await query(sql))}
        assert broken == {}
        orders = await query("SELECT o.status, p.status, p.method, p.reference FROM orders o "
                             f"JOIN payments p ON p.order_id = o.id WHERE o.id > {last_order}")
        assert sorted(row[:3] for row in orders) == [("AWAITING_PAYMENT", "PENDING", "MIDTRANS_QRIS")] * IN_FLIGHT
        assert sorted(fake.transactions) == sorted(row[3] for row in orders)  # one charge per order, none lost
        lines = await query("SELECT product_id, SUM(quantity) FROM order_lines "
                            f"WHERE order_id > {last_order} GROUP BY product_id")
        stock_after = await stock_by_product(query)
        taken = {pid: before - stock_after[pid] for pid, before in stock_before.items() if before != stock_after[pid]}
        assert taken == {pid: int(quantity) for pid, quantity in lines} == {int(product_id): IN_FLIGHT}
