"""The whole marketplace on one machine, against fake gateways: `.venv/bin/python examples/demo_with_fakes.py`.

Starts the fake Biteship (couriers) and, when the midtrans plugin is installed, the fake Midtrans (QRIS and virtual
accounts) on 127.0.0.1, points the plugins at them, seeds Kota Malang demo data into `umkm_demo.db` (once), and serves the
API with GraphiQL at http://127.0.0.1:8000/graphql. A simulated driver then moves every booked parcel along every few
seconds, and the fake pushes each status to the API's tracking webhook, as Biteship would. Notifications arrive at a
local mail server (aiosmtpd, from the dev extra) and, with the whatsapp plugin installed, at the fake WhatsApp Cloud
API, which reports each message's delivery back to the API's webhook; both print each message as it comes, a few
seconds after the change that caused it. Stop it with Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import email
import email.policy
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import uvicorn
from umkm_biteship.fake import FakeBiteship

from umkm_graph.app import create_app
from umkm_graph.demo.seed import DEMO_PASSWORD, seed_demo_if_empty
from umkm_graph.settings import Settings

ROUTE = ("allocated", "picking_up", "picked", "dropping_off", "delivered")


async def drive(biteship: FakeBiteship, every: float) -> None:
    """The simulated driver: each booked parcel moves one status along per tick."""
    while True:
        await asyncio.sleep(every)
        for order_id, order in list(biteship.orders.items()):
            if order["status"] in ("confirmed", *ROUTE[:-1]):
                status = ROUTE[ROUTE.index(order["status"]) + 1] if order["status"] in ROUTE else ROUTE[0]
                answer = await biteship.advance(order_id, status)
                print(f"  courier: {order['reference_id']} is {status} (webhook answered {answer})")


@contextlib.asynccontextmanager
async def fake_midtrans(port: int) -> AsyncIterator[None]:
    try:
        from umkm_midtrans.fake import FakeMidtrans
    except ImportError:
        print("(the midtrans plugin is not installed: cash on delivery only)")
        yield
        return
    key = "SB-Mid-server-FAKE"
    async with FakeMidtrans(key, f"http://127.0.0.1:{port}/webhooks/payments/midtrans") as midtrans:
        os.environ.update(UMKM_MIDTRANS_SERVER_KEY=key, UMKM_MIDTRANS_BASE_URL=midtrans.url)
        print(f"fake Midtrans at {midtrans.url}: pay an order with  curl -X POST {midtrans.url}/_pay/<order reference>")
        yield


class PrintedMail:
    """aiosmtpd's handler: prints each notification email."""

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
        print(f"  email to {mail['To']}: {mail['Subject']}")
        return "250 OK"


@contextlib.contextmanager
def mail_server(port: int = 8025) -> Iterator[None]:
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        print("(aiosmtpd is not installed: no email channel)")
        yield
        return
    controller = Controller(PrintedMail(), hostname="127.0.0.1", port=port)
    controller.start()
    os.environ.update(UMKM_SMTP_HOST="127.0.0.1", UMKM_SMTP_PORT=str(port), UMKM_SMTP_SECURITY="none")
    print(f"mail server at 127.0.0.1:{port}: notification emails are printed here")
    try:
        yield
    finally:
        controller.stop()


@contextlib.asynccontextmanager
async def fake_whatsapp(port: int) -> AsyncIterator[None]:
    try:
        from umkm_whatsapp.fake import FakeWhatsApp
    except ImportError:
        print("(the whatsapp plugin is not installed: no WhatsApp channel)")
        yield
        return
    # Its status webhooks (sent, delivered) come back to the API, as Meta's would: see deliveryStatus in the outbox.
    async with FakeWhatsApp(webhook_url=f"http://127.0.0.1:{port}/webhooks/notifications/whatsapp") as whatsapp:
        os.environ.update(UMKM_WHATSAPP_ACCESS_TOKEN=whatsapp.access_token,
                          UMKM_WHATSAPP_PHONE_NUMBER_ID=whatsapp.phone_number_id, UMKM_WHATSAPP_BASE_URL=whatsapp.base_url,
                          UMKM_WHATSAPP_APP_SECRET=whatsapp.app_secret)
        print(f"fake WhatsApp at {whatsapp.base_url}: switch it on in updateNotificationPreferences")
        printed = asyncio.create_task(_print_whatsapp(whatsapp))
        try:
            yield
        finally:
            printed.cancel()


async def _print_whatsapp(whatsapp: Any) -> None:
    seen = 0
    while True:
        await asyncio.sleep(1)
        for message in whatsapp.messages[seen:]:
            print(f"  WhatsApp to +{message.to}: {message.template} {list(message.parameters)}")
        seen = len(whatsapp.messages)


async def main(port: int, every: float) -> None:
    os.environ.setdefault("UMKM_DATABASE_URL", "sqlite://umkm_demo.db")
    os.environ.setdefault("UMKM_PAYMENT_JOBS_INTERVAL_SECONDS", "5")  # the jobs send notifications: soon, in a demo
    async with FakeBiteship(webhook_url=f"http://127.0.0.1:{port}/webhooks/delivery/biteship") as biteship:
        os.environ.update(UMKM_BITESHIP_API_KEY=biteship.api_key, UMKM_BITESHIP_BASE_URL=biteship.base_url,
                          UMKM_BITESHIP_WEBHOOK_SECRET=biteship.webhook_secret)
        print(f"fake Biteship at {biteship.base_url}")
        async with fake_midtrans(port), fake_whatsapp(port):
            settings = Settings.from_env()
            summary = await seed_demo_if_empty(settings.database_url)
            print("\n".join(summary.lines()) if summary else f"(using the demo data already in {settings.database_url})")
            print(f"""
GraphiQL: http://127.0.0.1:{port}/graphql   (every demo password: {DEMO_PASSWORD})
Try, as warga@example.id: deliveryQuotes for a shop's products to an address with latitude -7.9465 and longitude
112.6150; checkout with deliveryProvider "biteship" and deliveryService "anteraja:same_day" (COD). Then, as the seller,
acceptOrder and markReadyForCourier, and watch the order's status and shipment.events move every {every:g} seconds.
""")
            server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
            driver = asyncio.create_task(drive(biteship, every))
            try:
                await server.serve()
            finally:
                driver.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await driver


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--every", type=float, default=5.0, help="seconds between the simulated driver's steps")
    arguments = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt), mail_server():
        asyncio.run(main(arguments.port, arguments.every))
