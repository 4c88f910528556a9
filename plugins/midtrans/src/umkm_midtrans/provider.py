"""The Midtrans provider: Core API calls over aiohttp (charge, status, cancel, refund) and notification verification.

Midtrans facts this relies on:
- Basic auth with the server key as the user name and an empty password.
- `POST /v2/charge` with an `X-Idempotency-Key` header: the same key and body give the same answer, so a retry after a
  timeout never creates a second transaction. Our payment reference is the order_id and the key.
- Answers carry their own `status_code` ("200", "201", "404", "407", "412", ...) in the body, besides the HTTP status.
- Times are Western Indonesia Time (WIB, UTC+7) without an offset: "2026-03-05 14:30:00".
- A notification is signed with SHA512(order_id + status_code + gross_amount + server_key), over the values exactly as
  sent: gross_amount is a string such as "650000.00". transaction_status is not signed: only its agreement with the
  signed status_code (200 paid, 201 waiting, 202 and 407 failed or expired) binds it, so a notification whose status
  disagrees is refused, and the host asks GET /v2/{order_id}/status before it lets a notification change a payment.
- gross_amount is whole rupiah in ASCII digits, with ".00": anything else ("1.50", "NaN", "", "1e5") is refused.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from umkm_graph.hookspecs import (
    PaymentAction,
    PaymentCancelRequest,
    PaymentEvent,
    PaymentEventStatus,
    PaymentMethodInfo,
    PaymentProvider,
    PaymentRequest,
    PaymentResult,
    PaymentStatusRequest,
    ProviderRefused,
    RefundRequest,
    RefundResult,
    WebhookPayloadError,
    WebhookSignatureError,
)

SANDBOX_URL = "https://api.sandbox.midtrans.com"
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")
QRIS_MAX = 10_000_000  # Bank Indonesia's cap on one QRIS payment
VA_BANKS = ("bca", "bni", "bri", "permata")

# Midtrans transaction_status -> ours. "capture" is a card payment: paid only once fraud review accepts it.
_STATUSES = {
    "settlement": PaymentEventStatus.PAID,
    "capture": PaymentEventStatus.PAID,
    "pending": PaymentEventStatus.PENDING,
    "authorize": PaymentEventStatus.PENDING,
    "deny": PaymentEventStatus.FAILED,
    "cancel": PaymentEventStatus.FAILED,
    "failure": PaymentEventStatus.FAILED,
    "expire": PaymentEventStatus.EXPIRED,
    "refund": PaymentEventStatus.REFUNDED,
    "partial_refund": PaymentEventStatus.PARTIALLY_REFUNDED,
}


# The signed status_code each transaction_status comes with: anything else is a notification whose (unsigned) status
# was changed. A card capture waiting on fraud review ("challenge") comes with 201, as pending does.
_CODES = {
    "settlement": {"200"}, "capture": {"200", "201"}, "refund": {"200"}, "partial_refund": {"200"},
    "pending": {"201"}, "authorize": {"200", "201"},
    "deny": {"202"}, "cancel": {"200", "202"}, "failure": {"202"}, "expire": {"202", "407"},
}
_PAID_CODE = "200"
_RUPIAH = re.compile(r"(?P<whole>[0-9]{1,15})(?:\.(?P<fraction>[0-9]{1,6}))?")


class MidtransUnavailable(Exception):
    """No usable answer (a 5xx, a body that is not JSON, a dropped connection): the host may retry."""


@dataclass(frozen=True)
class MidtransConfig:
    server_key: str
    base_url: str = SANDBOX_URL
    timeout: float = 10.0
    qris_acquirer: str = "gopay"

    @classmethod
    def from_env(cls, env: Mapping[str, str], timeout: float = 10.0) -> MidtransConfig | None:
        key = env.get("UMKM_MIDTRANS_SERVER_KEY", "").strip()
        if not key:
            return None
        return cls(
            server_key=key,
            base_url=(env.get("UMKM_MIDTRANS_BASE_URL") or SANDBOX_URL).rstrip("/"),
            timeout=timeout,
            qris_acquirer=env.get("UMKM_MIDTRANS_QRIS_ACQUIRER") or "gopay",
        )


def signature(order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    return hashlib.sha512(f"{order_id}{status_code}{gross_amount}{server_key}".encode()).hexdigest()


def midtrans_time(moment: dt.datetime) -> str:
    return moment.astimezone(WIB).strftime("%Y-%m-%d %H:%M:%S")


def parse_time(text: object) -> dt.datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return dt.datetime.strptime(text[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=WIB).astimezone(dt.UTC)
    except ValueError:
        return None


def rupiah(text: object) -> int | None:
    """"650000.00" -> 650000; None for anything that is not a whole number of rupiah written as Midtrans writes it
    (ASCII digits, an optional fraction of zeros): "1.50", "NaN", "", "1e5", " 650000", "1_000" are None."""
    match = _RUPIAH.fullmatch(text) if isinstance(text, str) else None
    if match is None or (match["fraction"] or "0").strip("0"):
        return None
    return int(match["whole"])


def _methods() -> tuple[PaymentMethodInfo, ...]:
    qris = PaymentMethodInfo(code="MIDTRANS_QRIS", display_name="QRIS (any bank or e-wallet app)", max_amount=QRIS_MAX,
                             refundable=True, partial_refunds=True)
    # Midtrans refunds no bank transfer through the API: a paid VA order is refunded by hand.
    vas = tuple(PaymentMethodInfo(code=f"MIDTRANS_{bank.upper()}_VA", display_name=f"{bank.upper()} virtual account")
                for bank in VA_BANKS)
    return (qris, *vas)


class Midtrans(PaymentProvider):
    code = "midtrans"
    display_name = "Midtrans"

    def __init__(self, config: MidtransConfig) -> None:
        self.config = config
        self.methods = _methods()
        token = base64.b64encode(f"{config.server_key}:".encode()).decode()
        self._headers = {"Authorization": f"Basic {token}", "Accept": "application/json",
                         "Content-Type": "application/json"}
        # Midtrans rejects a reused idempotency key with a different body, and custom_expiry depends on the time of
        # the first attempt: so a retry sends the very body of the first one.
        self._charges: OrderedDict[str, dict[str, Any]] = OrderedDict()

    async def create_payment(self, request: PaymentRequest) -> PaymentResult:
        body = self._charges.get(request.reference) or self._charge_body(request)
        self._charges[request.reference] = body
        while len(self._charges) > 1024:
            self._charges.popitem(last=False)
        answer = await self._call("POST", "/v2/charge", body, idempotency_key=request.reference)
        _expect(answer, "201", "200")
        return PaymentResult(
            provider_reference=_text(answer.get("transaction_id")),
            action=_action(answer),
            expires_at=parse_time(answer.get("expiry_time")),
        )

    async def get_status(self, request: PaymentStatusRequest) -> PaymentEvent | None:
        answer = await self._call("GET", f"/v2/{request.reference}/status")
        if answer.get("status_code") == "404":
            return None
        event = _event(answer)
        if event is None:
            raise MidtransUnavailable(f"status answer without a known transaction_status: {answer.get('status_code')}")
        return event

    async def cancel_payment(self, request: PaymentCancelRequest) -> None:
        answer = await self._call("POST", f"/v2/{request.reference}/cancel")
        if answer.get("status_code") == "404":
            return  # the charge never reached Midtrans: nothing to cancel
        _expect(answer, "200")

    async def refund_payment(self, request: RefundRequest) -> RefundResult:
        body = {"refund_key": request.idempotency_key, "amount": request.amount, "reason": request.reason[:255]}
        answer = await self._call("POST", f"/v2/{request.reference}/refund", body)
        _expect(answer, "200")
        return RefundResult(provider_reference=_text(answer.get("refund_chargeback_id")))

    def parse_webhook(self, raw: bytes, headers: Mapping[str, str]) -> list[PaymentEvent]:
        # Numbers keep their raw text, so the signature is checked over exactly what Midtrans signed.
        try:
            body = json.loads(raw, parse_float=str, parse_int=str)
        except (ValueError, UnicodeDecodeError) as exc:
            raise WebhookPayloadError("not JSON") from exc
        fields = ("order_id", "status_code", "gross_amount", "signature_key", "transaction_status")
        if not isinstance(body, dict) or not all(isinstance(body.get(name), str) for name in fields):
            raise WebhookPayloadError(f"a notification has string fields {', '.join(fields)}")
        expected = signature(body["order_id"], body["status_code"], body["gross_amount"], self.config.server_key)
        if not hmac.compare_digest(expected.encode(), body["signature_key"].encode()):
            raise WebhookSignatureError("signature_key does not match")
        event = _event(body)
        if event is None:
            raise WebhookPayloadError(f"unknown transaction_status {body['transaction_status'][:32]!r}")
        _check_signed_values(body, event)
        return [event]

    def _charge_body(self, request: PaymentRequest) -> dict[str, Any]:
        items = [{"id": str(item.product_id), "price": item.unit_price, "quantity": item.quantity, "name": item.name[:50]}
                 for item in request.items]
        if request.delivery_fee:
            items.append({"id": "delivery", "price": request.delivery_fee, "quantity": 1, "name": "Ongkos kirim"})
        if request.discount:  # Midtrans wants item_details to sum to gross_amount: the vouchers are a negative item
            items.append({"id": "discount", "price": -request.discount, "quantity": 1, "name": "Diskon voucher"})
        body: dict[str, Any] = {
            "transaction_details": {"order_id": request.reference, "gross_amount": request.amount},
            "item_details": items,
            "customer_details": {"first_name": request.buyer.name[:50], "email": request.buyer.email,
                                 "phone": request.buyer.phone or ""},
        }
        method = request.method.removeprefix("MIDTRANS_").lower()
        if method == "qris":
            body.update(payment_type="qris", qris={"acquirer": self.config.qris_acquirer})
        else:
            body.update(payment_type="bank_transfer", bank_transfer={"bank": method.removesuffix("_va")})
        if request.expires_at is not None:
            now = dt.datetime.now(dt.UTC)
            minutes = max(1, round((request.expires_at - now).total_seconds() / 60))
            body["custom_expiry"] = {"order_time": midtrans_time(now) + " +0700", "expiry_duration": minutes,
                                     "unit": "minute"}
        return body

    async def _call(
        self, method: str, path: str, body: dict[str, Any] | None = None, *, idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """One HTTP call; the answer's JSON object, whatever its status_code; MidtransUnavailable when there is none."""
        import aiohttp  # here, not at the top: it costs a server's start a few tenths of a second, even unconfigured

        headers = dict(self._headers)
        if idempotency_key:
            headers["X-Idempotency-Key"] = idempotency_key
        timeout = aiohttp.ClientTimeout(total=self.config.timeout)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.request(method, self.config.base_url + path, json=body, headers=headers) as response:
                    text = await response.text()
                    status = response.status
        except aiohttp.ClientError as exc:
            raise MidtransUnavailable(f"{method} {path}: {type(exc).__name__}") from exc
        if status == 401:
            raise MidtransUnavailable("Midtrans does not accept the server key (UMKM_MIDTRANS_SERVER_KEY)")
        if status >= 500:
            raise MidtransUnavailable(f"{method} {path}: HTTP {status}")
        try:
            answer = json.loads(text)
        except ValueError:
            raise MidtransUnavailable(f"{method} {path}: the answer is not JSON") from None
        if not isinstance(answer, dict):
            raise MidtransUnavailable(f"{method} {path}: the answer is not a JSON object")
        if str(answer.get("status_code", "")).startswith("5"):
            raise MidtransUnavailable(f"{method} {path}: status_code {answer['status_code']}")
        answer["status_code"] = str(answer.get("status_code", status))
        return answer


def _expect(answer: dict[str, Any], *codes: str) -> None:
    if answer["status_code"] not in codes:
        message = str(answer.get("status_message") or "no reason given")[:200]
        raise ProviderRefused(f"{message} (status {answer['status_code']})")


def _text(value: object) -> str | None:
    return None if value is None else str(value)[:128]


def _action(answer: dict[str, Any]) -> PaymentAction | None:
    if isinstance(answer.get("qr_string"), str):
        return PaymentAction(kind="QR_STRING", value=answer["qr_string"])
    for va in answer.get("va_numbers") or ():
        if isinstance(va, dict) and va.get("va_number"):
            return PaymentAction(kind="VA_NUMBER", value=str(va["va_number"]), bank=str(va.get("bank", "")).upper())
    if answer.get("permata_va_number"):
        return PaymentAction(kind="VA_NUMBER", value=str(answer["permata_va_number"]), bank="PERMATA")
    return None


def _check_signed_values(body: dict[str, Any], event: PaymentEvent) -> None:
    """What the signature does not cover must agree with what it does: the status with its status_code, and the
    amount must be whole rupiah."""
    raw, code = body["transaction_status"], body["status_code"]
    if code not in _CODES.get(raw, ()) or (event.status == PaymentEventStatus.PAID and code != _PAID_CODE):
        raise WebhookPayloadError(f"transaction_status {raw[:32]!r} does not agree with status_code {code[:8]!r}")
    if event.amount is None:
        raise WebhookPayloadError(f"gross_amount {body['gross_amount'][:32]!r} is not a whole number of rupiah")


def _event(body: dict[str, Any]) -> PaymentEvent | None:
    """A status answer or a notification as an event; each (transaction, status) pair is one event."""
    raw = str(body.get("transaction_status", ""))
    status = _STATUSES.get(raw)
    if status is None or not body.get("order_id"):
        return None
    if raw == "capture" and body.get("fraud_status") != "accept":
        status = PaymentEventStatus.PENDING
    transaction = str(body.get("transaction_id") or body["order_id"])
    return PaymentEvent(
        event_id=f"{transaction}:{raw}"[:191],
        reference=str(body["order_id"])[:128],
        status=status,
        amount=rupiah(body.get("gross_amount")),
        provider_reference=transaction[:128],
        occurred_at=parse_time(body.get("settlement_time") or body.get("transaction_time")),
        raw_status=raw[:64],
    )
