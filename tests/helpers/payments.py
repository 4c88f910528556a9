"""Cashless payments for tests: the app served over real HTTP beside a fake Midtrans (Live), and a checkout paid by
QRIS. The live and live_settings fixtures (tests/conftest.py) start it."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest
import uvicorn
from starlette.applications import Starlette
from umkm_midtrans.fake import FakeMidtrans

from tests.helpers.api import Api, started_app
from tests.helpers.checkout import CHECKOUT, ERRORS, Market, cart
from tests.helpers.people import Person
from umkm_graph import jobs
from umkm_graph.events import OrderStatusChanged, PaymentStatusChanged
from umkm_graph.settings import Settings

SERVER_KEY = "SB-Mid-server-umkm-tests"
PAYMENT_FIELDS = """
  method provider status amount gatewayAmount paidAt refundedAmount expiresAt
  action { kind qrString vaNumber bank redirectUrl expiresAt }
  history { status gatewayStatus amount source outcome }
  refunds { amount reason }
"""
ORDER = f"""
query($id: ID!) {{
  order(id: $id) {{
    id reference status total cancelReason payment {{ {PAYMENT_FIELDS} }}
    history {{ fromStatus toStatus by reason }}
  }}
}}"""
CONFIRM = f"mutation($id: ID!) {{ confirmPayment(id: $id) {{ order {{ id status }} {ERRORS} }} }}"
# The buyer cancels (a paid order is refunded in full); the seller refunds part of a paid order.
CANCEL = f"mutation($id: ID!) {{ cancelOrder(id: $id, reason: \"Tidak jadi\") {{ order {{ id status }} {ERRORS} }} }}"
REFUND = f"""
mutation($id: ID!, $amount: Rupiah!) {{
  refundPayment(orderId: $id, amount: $amount, reason: "Telur pecah dua butir") {{ order {{ id status }} {ERRORS} }}
}}"""


@dataclass
class Live:
    api: Api
    app: Starlette
    fake: FakeMidtrans
    url: str
    published: list[object]

    async def webhook(self, body: bytes, provider: str = "midtrans") -> httpx2.Response:
        return await self.api.client.post(f"/webhooks/payments/{provider}", content=body,
                                          headers={"Content-Type": "application/json"})

    async def run_jobs(self, now: dt.datetime | None = None) -> jobs.JobReport:
        return await jobs.run_once(self.app.state.providers, self.app.state.events, now)

    async def run_order_jobs(self, now: dt.datetime) -> jobs.OrderJobsReport:
        """The order deadlines and the key sweep, as the jobs run them, with the clock at `now`."""
        state = self.app.state
        return await jobs.run_order_jobs(state.providers, state.events, state.settings, now)

    def changes(self, kind: type, **match: Any) -> list[Any]:
        return [e for e in self.published if isinstance(e, kind) and all(getattr(e, k) == v for k, v in match.items())]


@asynccontextmanager
async def serve_live(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Live]:
    async with FakeMidtrans(server_key=SERVER_KEY) as fake:
        monkeypatch.setenv("UMKM_MIDTRANS_SERVER_KEY", SERVER_KEY)
        monkeypatch.setenv("UMKM_MIDTRANS_BASE_URL", fake.url)
        async with started_app(settings) as app:
            published: list[object] = []
            for kind in (OrderStatusChanged, PaymentStatusChanged):
                app.state.events.subscribe(kind, published.append)
            server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", ws="none",
                                                   log_level="warning"))
            task = asyncio.create_task(server.serve())
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.01)
            url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
            fake.notification_url = f"{url}/webhooks/payments/midtrans"
            try:
                async with httpx2.AsyncClient(base_url=url, timeout=30) as client:
                    yield Live(Api(client), app, fake, url, published)
            finally:
                server.should_exit = True
                await task


async def jobs_processes(live: Live, database: str, runners: int, *args: str, env: dict[str, str] | None = None) -> list[str]:
    """`runners` processes of `umkm-graph jobs *args`, started together on `database` beside the live fake Midtrans;
    what each printed (each must succeed)."""
    environment = {**os.environ, "UMKM_DATABASE_URL": database, "UMKM_MIDTRANS_BASE_URL": live.fake.url,
                   "UMKM_MIDTRANS_SERVER_KEY": SERVER_KEY, **(env or {})}
    processes = [await asyncio.create_subprocess_exec(
        sys.executable, "-m", "umkm_graph.cli", "jobs", *args, env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    ) for _ in range(runners)]
    outputs = [(await asyncio.wait_for(p.communicate(), 120))[0].decode() for p in processes]
    for process, output in zip(processes, outputs):
        assert process.returncode == 0, output
    return outputs


async def order_of(live: Live, order: dict[str, Any], person: Person) -> dict[str, Any]:
    found = (await live.api.gql(ORDER, {"id": order["id"]}, person.token))["order"]
    assert found is not None
    return found


async def pay_by_qris(live: Live, m: Market, quantity: int = 2, payment: str = "MIDTRANS_QRIS") -> dict[str, Any]:
    """A checkout of beras for pickup, paid by a cashless method: the order as the buyer sees it."""
    result = await live.api.ok(CHECKOUT, cart([(m.beras, quantity)], [(m.shop, "pickup")], payment=payment), m.buyer.token)
    (order,) = result["checkout"]["orders"]
    return order


async def pay_two_shops(live: Live, m: Market, payment: str = "MIDTRANS_QRIS") -> list[dict[str, Any]]:
    """A cashless checkout of 2 beras from one shop and 1 telur from the other, both for pickup: its orders, as the
    buyer sees them, in the cart's order. One payment at the gateway pays both."""
    variables = cart([(m.beras, 2), (m.telur, 1)], [(m.shop, "pickup"), (m.other_shop, "pickup")], payment=payment)
    result = await live.api.ok(CHECKOUT, variables, m.buyer.token)
    return [await order_of(live, order, m.buyer) for order in result["checkout"]["orders"]]


def charge_of(live: Live, orders: list[dict[str, Any]]) -> str:
    """The gateway's order id of the one payment these orders share: the fake's only charge not named after an order."""
    (reference,) = set(live.fake.transactions) - {order["reference"] for order in orders}
    return reference
