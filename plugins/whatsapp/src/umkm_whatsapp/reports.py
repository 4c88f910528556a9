"""Meta's status webhooks: how far each sent message got (sent, delivered, read, failed), signed with
X-Hub-Signature-256, the HMAC-SHA256 of the raw body with the app secret. The host records them on its outbox.

A body: {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": {"metadata":
{"phone_number_id": ...}, "statuses": [{"id": "wamid...", "status": "failed", "timestamp": "1733300000",
"recipient_id": "62812...", "errors": [{"code": 131026, "title": ...}]}]}}]}]}. The same field also carries incoming
messages and other numbers' statuses: those are skipped."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from umkm_graph.hookspecs import DeliveryReport, DeliveryState, WebhookPayloadError, WebhookSignatureError
from umkm_whatsapp.settings import WhatsAppSettings

SIGNATURE_HEADER = "X-Hub-Signature-256"
STATES = {"sent": DeliveryState.SENT, "delivered": DeliveryState.DELIVERED, "read": DeliveryState.READ,
          "failed": DeliveryState.FAILED}
# Meta's error codes that no retry cures: the number is not on WhatsApp or not allowed, the template or its parameters
# are wrong. Everything else (429, 5xx, 130429 throughput, 131000 "something went wrong") is tried again by the host.
REFUSED_CODES = frozenset({100, 131008, 131009, 131026, 131030, 131047, 131051, 132000, 132001, 132005, 132007,
                           132012, 133010})


def signature(raw: bytes, app_secret: str) -> str:
    """The X-Hub-Signature-256 header's value for this body."""
    return "sha256=" + hmac.new(app_secret.encode(), raw, hashlib.sha256).hexdigest()


def read_status_webhook(raw: bytes, headers: Mapping[str, str], settings: WhatsAppSettings) -> list[DeliveryReport]:
    given = headers.get(SIGNATURE_HEADER) or headers.get(SIGNATURE_HEADER.lower()) or ""
    if not settings.app_secret or not hmac.compare_digest(given.encode(), signature(raw, settings.app_secret).encode()):
        raise WebhookSignatureError("X-Hub-Signature-256 does not match the body signed with the app secret")
    try:
        body = json.loads(raw)
        changes = [change for entry in body["entry"] for change in entry.get("changes", [])]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise WebhookPayloadError(f"not a WhatsApp webhook: {type(exc).__name__}") from None
    reports = []
    for change in changes:
        value = change.get("value") if isinstance(change, dict) else None
        if not isinstance(value, dict) or change.get("field") != "messages":
            continue
        if str((value.get("metadata") or {}).get("phone_number_id", "")) != settings.phone_number_id:
            continue  # another number of the same business account
        reports.extend(_report(status) for status in value.get("statuses", []) if _known(status))
    return reports


def _known(status: Any) -> bool:
    return isinstance(status, dict) and status.get("status") in STATES and isinstance(status.get("id"), str) \
        and 0 < len(status["id"]) <= 128


def _report(status: dict[str, Any]) -> DeliveryReport:
    state = STATES[status["status"]]
    errors = [e for e in status.get("errors") or [] if isinstance(e, dict)]
    code = errors[0].get("code") if errors else None
    reason = None
    if state == DeliveryState.FAILED:
        first = errors[0] if errors else {}
        details = (first.get("error_data") or {}).get("details") if isinstance(first.get("error_data"), dict) else None
        reason = f"WhatsApp: {details or first.get('message') or first.get('title') or 'failed'} (error {code})"
    return DeliveryReport(event_id=f"{status['id']}:{status['status']}", provider_message_id=status["id"], state=state,
                          occurred_at=_when(status.get("timestamp")), reason=reason,
                          final=state == DeliveryState.FAILED and code in REFUSED_CODES)


def _when(timestamp: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(int(timestamp), dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
