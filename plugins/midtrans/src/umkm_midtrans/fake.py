"""A fake Midtrans: an aiohttp.web app on 127.0.0.1 that answers the Core API calls the plugin makes, as Midtrans does
(Basic auth, X-Idempotency-Key, status codes in the body, WIB times, signed notifications), with delays and failures on
demand, and that can "pay" a transaction and notify a webhook URL the way Midtrans does.

    async with FakeMidtrans(notification_url="http://127.0.0.1:8000/webhooks/payments/midtrans") as fake:
        fake.url                     # point UMKM_MIDTRANS_BASE_URL here
        fake.fail("charge", "timeout")   # the next charge is made, but its answer never comes
        await fake.pay(order_id)     # the buyer scans the QR: settlement, then a notification
        fake.count("charge")         # HTTP calls received, by operation
        fake.count("status", order_id)   # ...and about one transaction

`umkm-fake-midtrans --port 8900 --notify http://127.0.0.1:8000/webhooks/payments/midtrans` runs one for a demo.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import hashlib
import json
import secrets
import socket
import struct
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from umkm_midtrans.provider import midtrans_time, signature

MODES = ("timeout", "500", "malformed", "reset")
# What Midtrans puts in status_code for each transaction_status.
_STATUS_CODES = {"pending": "201", "settlement": "200", "cancel": "200", "expire": "407", "deny": "202",
                 "refund": "200", "partial_refund": "200"}


@dataclass
class Transaction:
    order_id: str
    transaction_id: str
    payment_type: str
    gross_amount: int
    bank: str | None
    transaction_time: str
    expiry_time: str
    status: str = "pending"
    qr_string: str | None = None
    va_number: str | None = None
    settlement_time: str | None = None
    refunds: dict[str, int] = field(default_factory=dict)  # refund_key -> amount

    @property
    def refunded(self) -> int:
        return sum(self.refunds.values())

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "status_code": _STATUS_CODES.get(self.status, "200"),
            "status_message": f"Success, transaction is {self.status}",
            "transaction_id": self.transaction_id, "order_id": self.order_id, "merchant_id": "G000000000",
            "gross_amount": f"{self.gross_amount}.00", "currency": "IDR", "payment_type": self.payment_type,
            "transaction_time": self.transaction_time, "transaction_status": self.status, "fraud_status": "accept",
            "expiry_time": self.expiry_time,
        }
        if self.qr_string:
            body.update(qr_string=self.qr_string, acquirer="gopay", actions=[
                {"name": "generate-qr-code", "method": "GET", "url": f"/v2/qris/{self.transaction_id}/qr-code"}])
        if self.va_number and self.bank == "permata":
            body["permata_va_number"] = self.va_number
        elif self.va_number:
            body["va_numbers"] = [{"bank": self.bank, "va_number": self.va_number}]
        if self.settlement_time:
            body["settlement_time"] = self.settlement_time
        return body


@dataclass
class Fault:
    operation: str
    mode: str
    seconds: float


class FakeMidtrans:
    def __init__(self, server_key: str = "SB-Mid-server-FAKE", notification_url: str | None = None,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        self.server_key = server_key
        self.notification_url = notification_url
        self.delay = 0.0  # seconds before every answer
        self.transactions: dict[str, Transaction] = {}
        self.calls: Counter[str] = Counter()
        self.calls_per_order: Counter[tuple[str, str]] = Counter()  # (operation, order_id): status, cancel, refund
        self._faults: list[Fault] = []
        self._replies: dict[str, tuple[str, int, dict[str, Any]]] = {}  # idempotency key -> (body digest, status, answer)
        self._host, self._port = host, port
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def __aenter__(self) -> FakeMidtrans:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v2/charge", self._charge)
        app.router.add_get("/v2/{order_id}/status", self._status)
        app.router.add_post("/v2/{order_id}/cancel", self._cancel)
        app.router.add_post("/v2/{order_id}/refund", self._refund)
        app.router.add_post("/_pay/{order_id}", self._demo_pay)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://{self._host}:{port}"

    async def close(self) -> None:
        self._closing.set()  # hung answers end now
        if self._runner is not None:
            await self._runner.cleanup()

    # -- Control, for tests and demos ------------------------------------------------------------------------------

    def fail(self, operation: str, mode: str, times: int = 1, seconds: float = 30.0) -> None:
        """The next `times` calls of charge, status, cancel or refund fail: timeout (the call is carried out, but its
        answer waits `seconds`), 500, malformed (not JSON) or reset (the connection drops), the last three before
        anything is done."""
        if mode not in MODES:
            raise ValueError(f"mode is one of {MODES}")
        self._faults.extend(Fault(operation, mode, seconds) for _ in range(times))

    def count(self, operation: str | None = None, order_id: str | None = None) -> int:
        if order_id is not None:
            return self.calls_per_order[(operation or "", order_id)] if operation else \
                sum(n for (_, order), n in self.calls_per_order.items() if order == order_id)
        return self.calls[operation] if operation else sum(self.calls.values())

    async def pay(self, order_id: str, *, notify: bool = True) -> int | None:
        """The buyer pays: the transaction settles, and Midtrans notifies (unless notify=False: a lost notification)."""
        txn = self.transactions[order_id]
        if txn.status == "pending":
            txn.status, txn.settlement_time = "settlement", midtrans_time(dt.datetime.now(dt.UTC))
        return await self.notify(order_id) if notify else None

    async def expire(self, order_id: str, *, notify: bool = True) -> int | None:
        txn = self.transactions[order_id]
        if txn.status == "pending":
            txn.status = "expire"
        return await self.notify(order_id) if notify else None

    def notification(self, order_id: str, status: str | None = None, server_key: str | None = None, *,
                     gross_amount: str | None = None, claim: str | None = None) -> bytes:
        """The raw body Midtrans would send about a transaction now (or in another status), signed with the server
        key (or, to forge one, another key). For attacks: `gross_amount` is signed and sent as this text instead
        ("1.50", "NaN", ""), and `claim` replaces transaction_status after signing (Midtrans does not sign it, so the
        signature still matches: a genuine pending notification, status_code 201, that says "settlement")."""
        body = self.transactions[order_id].as_json()
        if status is not None:
            body.update(transaction_status=status, status_code=_STATUS_CODES.get(status, "200"))
        if gross_amount is not None:
            body["gross_amount"] = gross_amount
        body["signature_key"] = signature(order_id, body["status_code"], body["gross_amount"],
                                          server_key or self.server_key)
        if claim is not None:
            body["transaction_status"] = claim
        return json.dumps(body).encode()

    async def notify(self, order_id: str, body: bytes | None = None) -> int:
        """POST a notification to notification_url, as Midtrans does; the HTTP status our side answered."""
        if not self.notification_url:
            raise RuntimeError("FakeMidtrans has no notification_url")
        payload = body if body is not None else self.notification(order_id)
        async with aiohttp.ClientSession() as session:
            async with session.post(self.notification_url, data=payload,
                                    headers={"Content-Type": "application/json"}) as response:
                await response.read()
                return response.status

    async def _demo_pay(self, request: web.Request) -> web.Response:
        order_id = request.match_info["order_id"]
        if order_id not in self.transactions:
            return _json(404, {"status_code": "404", "status_message": "Transaction doesn't exist."})
        answered = await self.pay(order_id, notify=bool(self.notification_url))
        return _json(200, {"order_id": order_id, "transaction_status": self.transactions[order_id].status,
                           "webhook_answered": answered})

    # -- The Core API ---------------------------------------------------------------------------------------------

    async def _charge(self, request: web.Request) -> web.StreamResponse:
        return await self._answer(request, "charge", self._do_charge)

    async def _status(self, request: web.Request) -> web.StreamResponse:
        return await self._answer(request, "status", self._do_status)

    async def _cancel(self, request: web.Request) -> web.StreamResponse:
        return await self._answer(request, "cancel", self._do_cancel)

    async def _refund(self, request: web.Request) -> web.StreamResponse:
        return await self._answer(request, "refund", self._do_refund)

    async def _answer(self, request: web.Request, operation: str, handle: Any) -> web.StreamResponse:
        self.calls[operation] += 1
        if "order_id" in request.match_info:
            self.calls_per_order[(operation, request.match_info["order_id"])] += 1
        if self.delay:
            await self._wait(self.delay)
        fault = next((f for f in self._faults if f.operation == operation), None)
        if fault is not None:
            self._faults.remove(fault)
        if fault and fault.mode == "reset":
            _drop(request)
            raise asyncio.CancelledError  # nothing more is written on a dropped connection
        if fault and fault.mode == "500":
            return _json(500, {"status_code": "500", "status_message": "Sorry. Our system is recovering from "
                                                                     "unexpected issues. Please retry."})
        if fault and fault.mode == "malformed":
            return web.Response(status=200, text="<html><body>502 Bad Gateway</body></html>", content_type="text/html")
        if request.headers.get("Authorization") != _basic(self.server_key):
            return _json(401, {"status_code": "401", "status_message": "Access denied due to unauthorized "
                                                                     "transaction, please check client or server key"})
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return _json(400, {"status_code": "400", "status_message": "Request body is not valid JSON"})
        status, answer = self._idempotent(request, raw, lambda: handle(request, body))
        if fault and fault.mode == "timeout":
            await self._wait(fault.seconds)
        return _json(status, answer)

    def _idempotent(self, request: web.Request, raw: bytes, handle: Any) -> tuple[int, dict[str, Any]]:
        key = request.headers.get("X-Idempotency-Key")
        if key is None:
            return handle()  # type: ignore[no-any-return]
        digest = hashlib.sha256(raw).hexdigest()
        if key in self._replies:
            seen, status, answer = self._replies[key]
            if seen != digest:
                return 409, {"status_code": "409", "status_message": "idempotency-key is not unique"}
            return status, answer
        status, answer = handle()
        self._replies[key] = (digest, status, answer)
        return status, answer

    def _do_charge(self, request: web.Request, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        details = body.get("transaction_details") or {}
        order_id, amount = details.get("order_id"), details.get("gross_amount")
        if not isinstance(order_id, str) or not 0 < len(order_id) <= 50 or not isinstance(amount, int) or amount < 1:
            return 400, {"status_code": "400", "status_message": "transaction_details is invalid"}
        items = body.get("item_details") or []
        if sum(item["price"] * item["quantity"] for item in items) != amount:
            return 400, {"status_code": "400", "status_message": "transaction_details.gross_amount is not equal to "
                                                                 "the sum of item_details"}
        if order_id in self.transactions:
            return 406, {"status_code": "406", "status_message": "The request could not be completed due to a "
                                                                 "conflict with the current state of the target resource"}
        now = dt.datetime.now(dt.UTC)
        minutes = int((body.get("custom_expiry") or {}).get("expiry_duration") or 24 * 60)
        txn = Transaction(order_id=order_id, transaction_id=_uuid(), payment_type=body.get("payment_type", ""),
                          gross_amount=amount, bank=None, transaction_time=midtrans_time(now),
                          expiry_time=midtrans_time(now + dt.timedelta(minutes=minutes)))
        if txn.payment_type == "qris":
            txn.qr_string = _qris(order_id, amount)
        elif txn.payment_type == "bank_transfer":
            txn.bank = (body.get("bank_transfer") or {}).get("bank")
            if txn.bank not in ("bca", "bni", "bri", "permata"):
                return 400, {"status_code": "400", "status_message": "bank_transfer.bank is not supported"}
            txn.va_number = "".join(secrets.choice("0123456789") for _ in range(11 if txn.bank == "bca" else 16))
        else:
            return 400, {"status_code": "400", "status_message": "payment_type is not supported"}
        self.transactions[order_id] = txn
        answer = txn.as_json()
        answer["status_message"] = f"{txn.payment_type} transaction is created"
        return 200, answer

    def _do_status(self, request: web.Request, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        txn = self.transactions.get(request.match_info["order_id"])
        if txn is None:
            return 404, {"status_code": "404", "status_message": "Transaction doesn't exist."}
        return 200, txn.as_json()

    def _do_cancel(self, request: web.Request, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        txn = self.transactions.get(request.match_info["order_id"])
        if txn is None:
            return 404, {"status_code": "404", "status_message": "Transaction doesn't exist."}
        if txn.status not in ("pending", "cancel"):
            return 412, {"status_code": "412", "status_message": "Merchant cannot modify the status of the transaction"}
        txn.status = "cancel"
        answer = txn.as_json()
        answer["status_message"] = "Success, transaction is canceled"
        return 200, answer

    def _do_refund(self, request: web.Request, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        txn = self.transactions.get(request.match_info["order_id"])
        key, amount = body.get("refund_key"), body.get("amount")
        if txn is None:
            return 404, {"status_code": "404", "status_message": "Transaction doesn't exist."}
        if not isinstance(key, str) or not isinstance(amount, int) or amount < 1:
            return 400, {"status_code": "400", "status_message": "refund_key and a positive amount are required"}
        if key not in txn.refunds:  # the same refund_key is the same refund
            if txn.payment_type != "qris" or txn.status not in ("settlement", "partial_refund"):
                return 412, {"status_code": "412", "status_message": "Transaction status cannot be updated"}
            if txn.refunded + amount > txn.gross_amount:
                return 412, {"status_code": "412", "status_message": "Refund amount exceeds the remaining amount"}
            txn.refunds[key] = amount
            txn.status = "refund" if txn.refunded == txn.gross_amount else "partial_refund"
        answer = txn.as_json()
        answer.update(status_code="200", status_message="Success, refund request is approved", refund_key=key,
                      refund_amount=f"{txn.refunds[key]}.00", refund_chargeback_id=list(txn.refunds).index(key) + 1)
        return 200, answer

    async def _wait(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._closing.wait(), seconds)
        except TimeoutError:
            pass


def _json(status: int, body: dict[str, Any]) -> web.Response:
    return web.json_response(body, status=status)


def _basic(server_key: str) -> str:
    return "Basic " + base64.b64encode(f"{server_key}:".encode()).decode()


def _uuid() -> str:
    raw = secrets.token_hex(16)
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"


def _drop(request: web.Request) -> None:
    """Close with a TCP reset (SO_LINGER 0), as a crashing load balancer would."""
    transport = request.transport
    sock = transport.get_extra_info("socket") if transport else None
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    if transport is not None:
        transport.abort()


def _qris(order_id: str, amount: int) -> str:
    """A dynamic QRIS payload (EMVCo tags: merchant, amount 54, country, name, city, order id in 62, CRC 63)."""
    def tag(number: str, value: str) -> str:
        return f"{number}{len(value):02d}{value}"

    body = (tag("00", "01") + tag("01", "12") + tag("26", tag("00", "ID.CO.QRIS.WWW") + tag("01", "936009140000000001"))
            + tag("52", "5411") + tag("53", "360") + tag("54", str(amount)) + tag("58", "ID")
            + tag("59", "UMKM MALANG") + tag("60", "MALANG") + tag("62", tag("01", order_id[:25])) + "6304")
    return body + f"{_crc16(body.encode()):04X}"


def _crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE, as QRIS specifies."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def main(argv: list[str] | None = None) -> int:
    """Run a fake Midtrans for a demo: every pending transaction can be paid at POST /_pay/{order_id}."""
    parser = argparse.ArgumentParser(prog="umkm-fake-midtrans", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument("--server-key", default="SB-Mid-server-FAKE")
    parser.add_argument("--notify", default="http://127.0.0.1:8000/webhooks/payments/midtrans",
                        help="where notifications go (our webhook)")
    args = parser.parse_args(argv)

    async def serve() -> None:
        async with FakeMidtrans(args.server_key, args.notify, port=args.port) as fake:
            print(f"fake Midtrans at {fake.url}; set UMKM_MIDTRANS_BASE_URL={fake.url} "
                  f"UMKM_MIDTRANS_SERVER_KEY={args.server_key}")
            print("pay a transaction:  curl -X POST " + fake.url + "/_pay/<order reference>")
            await asyncio.Event().wait()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass
    return 0
