"""Midtrans Iris, the payout (disbursement) API: a shop's balance sent to its bank account by bank transfer.

Iris facts this relies on:
- Two keys, as Iris separates the two roles: the creator's API key makes payouts, the approver's approves them. Both
  are Basic auth user names with an empty password.
- `POST /api/v1/payouts` {"payouts": [{beneficiary_name, beneficiary_account, beneficiary_bank, amount, notes}]} with
  an `X-Idempotency-Key` header: the same key answers the same payout, so a retry never pays twice. Our payout
  reference is the key. The answer is 201 {"payouts": [{"status": "queued", "reference_no": ...}]}; a payout Iris will
  not make (an unknown bank or account) is answered 4xx with an error_message.
- `POST /api/v1/payouts/approve` {"reference_nos": [...]} by the approver; then the payout is processed by the bank.
- `GET /api/v1/payouts/{reference_no}`: its status: queued, approved, processed, completed, failed or rejected.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from umkm_graph.hookspecs import (
    DisbursementProvider,
    PayoutRequest,
    PayoutResult,
    PayoutState,
    PayoutStatusRequest,
    ProviderRefused,
)

SANDBOX_URL = "https://app.sandbox.midtrans.com/iris"
_STATES = {"completed": PayoutState.PAID, "failed": PayoutState.FAILED, "rejected": PayoutState.FAILED}


class IrisUnavailable(Exception):
    """No usable answer (a 5xx, a body that is not JSON, a dropped connection): the host may retry."""


@dataclass(frozen=True)
class IrisConfig:
    creator_key: str
    approver_key: str
    base_url: str = SANDBOX_URL
    timeout: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str], timeout: float = 10.0) -> IrisConfig | None:
        creator = env.get("UMKM_MIDTRANS_IRIS_CREATOR_KEY", "").strip()
        approver = env.get("UMKM_MIDTRANS_IRIS_APPROVER_KEY", "").strip()
        if not (creator and approver):
            return None
        return cls(creator, approver, (env.get("UMKM_MIDTRANS_IRIS_BASE_URL") or SANDBOX_URL).rstrip("/"), timeout)


class Iris(DisbursementProvider):
    code = "midtrans_iris"
    display_name = "Midtrans Iris (bank transfer)"

    def __init__(self, config: IrisConfig) -> None:
        self.config = config

    async def create_payout(self, request: PayoutRequest) -> PayoutResult:
        body = {"payouts": [{
            "beneficiary_name": request.account.account_name, "beneficiary_account": request.account.account_number,
            "beneficiary_bank": request.account.bank, "amount": f"{request.amount}.0", "notes": request.note[:100],
        }]}
        status, answer = await self._call("POST", "/api/v1/payouts", self.config.creator_key, body,
                                          idempotency_key=request.reference)
        payouts = answer.get("payouts")
        if status >= 400 or not isinstance(payouts, list) or not payouts or not isinstance(payouts[0], dict):
            details = answer.get("errors")
            why = "; ".join(map(str, details)) if isinstance(details, list) and details else answer.get("error_message")
            raise ProviderRefused(str(why or f"HTTP {status}")[:150])
        reference_no = str(payouts[0].get("reference_no", ""))[:128]
        if not reference_no:
            raise IrisUnavailable("a payout answer without its reference_no")
        if payouts[0].get("status") == "queued":
            await self._call("POST", "/api/v1/payouts/approve", self.config.approver_key,
                             {"reference_nos": [reference_no]})
        found = await self.get_payout_status(PayoutStatusRequest(request.reference, reference_no))
        return found or PayoutResult(state=PayoutState.PENDING, provider_reference=reference_no)

    async def get_payout_status(self, request: PayoutStatusRequest) -> PayoutResult | None:
        if request.provider_reference is None:
            return None
        status, answer = await self._call("GET", f"/api/v1/payouts/{request.provider_reference}",
                                          self.config.creator_key)
        if status == 404:
            return None
        state = _STATES.get(str(answer.get("status")), PayoutState.PENDING)
        reason = str(answer.get("error_message") or answer.get("status") or "")[:150] if state == PayoutState.FAILED \
            else ""
        return PayoutResult(state=state, provider_reference=request.provider_reference, reason=reason)

    async def _call(self, method: str, path: str, key: str, body: dict[str, Any] | None = None, *,
                    idempotency_key: str | None = None) -> tuple[int, dict[str, Any]]:
        import aiohttp  # here, not at the top: it costs a server's start a few tenths of a second, even unconfigured

        token = base64.b64encode(f"{key}:".encode()).decode()
        headers = {"Authorization": f"Basic {token}", "Accept": "application/json", "Content-Type": "application/json"}
        if idempotency_key:
            headers["X-Idempotency-Key"] = idempotency_key
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.config.timeout)) as session:
                async with session.request(method, self.config.base_url + path, json=body, headers=headers) as response:
                    text, status = await response.text(), response.status
        except aiohttp.ClientError as exc:
            raise IrisUnavailable(f"{method} {path}: {type(exc).__name__}") from exc
        if status == 401:
            raise IrisUnavailable("Iris does not accept the key (UMKM_MIDTRANS_IRIS_CREATOR_KEY or _APPROVER_KEY)")
        if status >= 500:
            raise IrisUnavailable(f"{method} {path}: HTTP {status}")
        try:
            answer = json.loads(text)
        except ValueError:
            raise IrisUnavailable(f"{method} {path}: the answer is not JSON") from None
        if not isinstance(answer, dict):
            raise IrisUnavailable(f"{method} {path}: the answer is not a JSON object")
        return status, answer
