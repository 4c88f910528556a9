"""A fake Midtrans Iris: an aiohttp.web app on 127.0.0.1 that answers the payout calls the plugin makes, as Iris does
(a creator key and an approver key, X-Idempotency-Key, queued -> approved -> completed or failed), so payouts are tested
over real HTTP.

    async with FakeIris() as iris:
        iris.url                       # point UMKM_MIDTRANS_IRIS_BASE_URL here
        iris.refuse_account("999")     # a payout to this account number is refused at creation
        iris.complete(reference_no)    # the bank made the transfer
        iris.fail(reference_no, "Rekening tidak aktif")
        iris.count("create")           # HTTP calls received, by operation
"""

from __future__ import annotations

import base64
import secrets
from collections import Counter
from dataclasses import dataclass
from typing import Any

from aiohttp import web

CREATOR_KEY = "IRIS-creator-fake"
APPROVER_KEY = "IRIS-approver-fake"
BANKS = ("bca", "bni", "bri", "mandiri", "permata", "bsi", "cimb", "danamon", "btn", "jatim")


@dataclass
class FakePayout:
    reference_no: str
    amount: int
    bank: str
    account: str
    name: str
    notes: str
    status: str = "queued"
    error_message: str | None = None

    def as_json(self) -> dict[str, Any]:
        body = {"reference_no": self.reference_no, "amount": f"{self.amount}.0", "beneficiary_bank": self.bank,
                "beneficiary_account": self.account, "beneficiary_name": self.name, "notes": self.notes,
                "status": self.status}
        if self.error_message:
            body["error_message"] = self.error_message
        return body


class FakeIris:
    def __init__(self, creator_key: str = CREATOR_KEY, approver_key: str = APPROVER_KEY, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self.creator_key, self.approver_key = creator_key, approver_key
        self.payouts: dict[str, FakePayout] = {}
        self.calls: Counter[str] = Counter()
        self.unanswered_approvals = 0  # the next n approvals are made, but answered 503 (a lost answer)
        self._by_key: dict[str, str] = {}  # X-Idempotency-Key -> reference_no
        self._refused: set[str] = set()
        self._host, self._port = host, port
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def __aenter__(self) -> FakeIris:
        app = web.Application()
        app.router.add_post("/api/v1/payouts", self._create)
        app.router.add_post("/api/v1/payouts/approve", self._approve)
        app.router.add_get("/api/v1/payouts/{reference_no}", self._status)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        self.url = f"http://{self._host}:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- Control, for tests and demos ------------------------------------------------------------------------------

    def refuse_account(self, account_number: str) -> None:
        self._refused.add(account_number)

    def complete(self, reference_no: str) -> None:
        self.payouts[reference_no].status = "completed"

    def fail(self, reference_no: str, message: str) -> None:
        payout = self.payouts[reference_no]
        payout.status, payout.error_message = "failed", message

    def count(self, operation: str) -> int:
        return self.calls[operation]

    # -- The API ----------------------------------------------------------------------------------------------------

    def _signed_by(self, request: web.Request, key: str) -> bool:
        expected = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
        return secrets.compare_digest(request.headers.get("Authorization", ""), expected)

    async def _create(self, request: web.Request) -> web.Response:
        self.calls["create"] += 1
        if not self._signed_by(request, self.creator_key):
            return web.json_response({"error_message": "Unauthorized"}, status=401)
        key = request.headers.get("X-Idempotency-Key", "")
        if key in self._by_key:  # a retry: the same payout, as first answered
            return web.json_response({"payouts": [{"status": "queued", "reference_no": self._by_key[key]}]},
                                     status=201)
        body = await request.json()
        (item,) = body["payouts"]
        amount = float(item["amount"])
        if item["beneficiary_bank"] not in BANKS or item["beneficiary_account"] in self._refused:
            return web.json_response({"error_message": "An error occurred when creating payouts",
                                      "errors": ["Beneficiary account is invalid"]}, status=400)
        if amount <= 0 or amount != int(amount):
            return web.json_response({"error_message": "Amount is invalid"}, status=400)
        payout = FakePayout(reference_no=secrets.token_hex(10), amount=int(amount), bank=item["beneficiary_bank"],
                            account=item["beneficiary_account"], name=item["beneficiary_name"], notes=item["notes"])
        self.payouts[payout.reference_no] = payout
        if key:
            self._by_key[key] = payout.reference_no
        return web.json_response({"payouts": [{"status": "queued", "reference_no": payout.reference_no}]},
                                 status=201)

    async def _approve(self, request: web.Request) -> web.Response:
        self.calls["approve"] += 1
        if not self._signed_by(request, self.approver_key):
            return web.json_response({"error_message": "Unauthorized"}, status=401)
        for reference_no in (await request.json())["reference_nos"]:
            payout = self.payouts.get(reference_no)
            if payout is not None and payout.status == "queued":
                payout.status = "processed"  # approved, and the bank is on it; approving twice changes nothing
        if self.unanswered_approvals:
            self.unanswered_approvals -= 1
            return web.json_response({"error_message": "Service unavailable"}, status=503)
        return web.json_response({"status": "ok"})

    async def _status(self, request: web.Request) -> web.Response:
        self.calls["status"] += 1
        if not self._signed_by(request, self.creator_key):
            return web.json_response({"error_message": "Unauthorized"}, status=401)
        payout = self.payouts.get(request.match_info["reference_no"])
        if payout is None:
            return web.json_response({"error_message": "Payout not found"}, status=404)
        return web.json_response(payout.as_json())
