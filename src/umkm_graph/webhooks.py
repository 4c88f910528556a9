"""POST /webhooks/payments/{provider}: a gateway tells us about its payments; POST /webhooks/delivery/{provider}: a
courier tells us where a parcel is (answered the same way, recorded by the delivery service); POST
/webhooks/notifications/{channel}: a messaging gateway reports how far sent messages got (recorded on the outbox,
notifications/delivery_reports.py).

The provider's plugin verifies the raw bytes and reads the events; the payments service records each once. Answers:
200 with the outcome of each event (a repeat included, so the gateway stops resending), 401 for a bad signature, 400 for a
body the plugin cannot read, 404 for a provider that does not exist or takes no webhooks, 413 for a body over 64 KiB, and
503 when the events could not be recorded now (the gateway retries; the ledger makes the retry safe). Never a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from umkm_graph.core.errors import DomainError
from umkm_graph.delivery import service as delivery
from umkm_graph.delivery.models import ShipmentEventSource
from umkm_graph.hookspecs import (
    DeliveryProvider,
    Notifier,
    PaymentProvider,
    WebhookPayloadError,
    WebhookSignatureError,
)
from umkm_graph.notifications import delivery_reports
from umkm_graph.notifications.sending import OutboxPolicy
from umkm_graph.orders import payment_events
from umkm_graph.payments.models import PaymentEventSource
from umkm_graph.plugin_host.notifiers import read_delivery_reports

log = logging.getLogger("umkm_graph.webhooks")

MAX_BODY = 64 * 1024


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def payment_webhook(request: Request) -> JSONResponse:
    providers, events = request.app.state.providers, request.app.state.events
    return await _receive(
        request, "payment", providers.payment.get(request.path_params["provider"]), PaymentProvider,
        providers.parse_webhook,
        lambda code, _, parsed: payment_events.record(code, parsed, PaymentEventSource.WEBHOOK, providers, events),
    )


async def delivery_webhook(request: Request) -> JSONResponse:
    providers, events = request.app.state.providers, request.app.state.events
    # A failure to record (e.g. the payment of a returned parcel could not be released) writes nothing of that event.
    return await _receive(
        request, "delivery", providers.delivery.get(request.path_params["provider"]), DeliveryProvider,
        providers.parse_shipment_webhook,
        lambda _, provider, parsed: delivery.record(provider, parsed, ShipmentEventSource.WEBHOOK, providers, events),
    )


async def notification_webhook(request: Request) -> JSONResponse:
    providers, policy = request.app.state.providers, OutboxPolicy.from_settings(request.app.state.settings)
    return await _receive(
        request, "notification", providers.notifiers.get(request.path_params["provider"]), Notifier,
        lambda notifier, raw, headers: read_delivery_reports(notifier, raw, headers, policy.timeout),
        lambda channel, _, reports: delivery_reports.record(channel, reports, policy),
    )


async def _receive(
    request: Request,
    kind: str,
    provider: Any,
    base: type,
    parse: Callable[[Any, bytes, Any], Awaitable[list[Any]]],
    record: Callable[[str, Any, list[Any]], Awaitable[list[str]]],
) -> JSONResponse:
    """The one webhook path: find the provider, read the bounded body, let the plugin verify and parse it, record."""
    code = request.path_params["provider"]
    if provider is None or type(provider).parse_webhook is base.parse_webhook:
        return _error(404, f"No {kind} provider {code[:64]!r} takes webhooks here")
    raw = await _body(request)
    if raw is None:
        return _error(413, f"A webhook body has at most {MAX_BODY} bytes")
    try:
        parsed = await parse(provider, raw, request.headers)
    except WebhookSignatureError:
        log.warning("webhook for %s with a bad signature from %s", code, request.client.host if request.client else "?")
        return _error(401, "The signature does not match")
    except WebhookPayloadError as error:
        return _error(400, f"The body cannot be read: {str(error)[:200]}")
    except DomainError as error:
        return _error(400, error.message)
    try:
        outcomes = await record(code, provider, parsed)
    except Exception:
        log.exception("recording %d event(s) of a %s webhook failed", len(parsed), code)
        return _error(503, "The events could not be recorded now; send them again later")
    return JSONResponse({"events": [{"id": e.event_id, "outcome": o} for e, o in zip(parsed, outcomes, strict=True)]})


async def _body(request: Request) -> bytes | None:
    """The raw bytes, or None once they pass MAX_BODY (read in chunks, so a huge body is never held whole)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
