"""Calling providers safely: `Providers` awaits what a provider returns with the timeout, and turns a raise, a hang or an
unusable answer into a PROVIDER_ERROR for that one operation. Calls that are safe to repeat (quote within one timeout;
payments: create with its idempotency key, cancel, refund with its refund key, status; cancelling and polling a
shipment) are retried with exponential backoff first.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from umkm_graph import hookspecs, tracing
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.hookspecs import (
    CashRemittance,
    DeliveryKind,
    DeliveryProvider,
    DeliveryQuote,
    DisbursementProvider,
    Notifier,
    PaymentCancelRequest,
    PaymentEvent,
    PaymentMethodInfo,
    PaymentProvider,
    PaymentRequest,
    PaymentResult,
    PaymentStatusRequest,
    PayoutRequest,
    PayoutResult,
    PayoutStatusRequest,
    ProviderRefused,
    QuoteRequest,
    RefundRequest,
    RefundResult,
    Shipment,
    ShipmentCancelRequest,
    ShipmentEvent,
    ShipmentRequest,
    ShipmentStatusRequest,
)
from umkm_graph.plugin_host.checks import (
    PluginError,
    fits,
    payment_methods_of,
    unique_providers,
    usable_action,
    usable_payment_event,
    usable_payout,
    usable_courier_report,
    usable_quote,
    usable_remittance,
    usable_shipment_event,
)
from umkm_graph.observability import PROVIDER_CALLS, PROVIDER_FAILURES
from umkm_graph.plugin_host.notifiers import unique_notifiers

log = logging.getLogger("umkm_graph.plugin_host")


class RefusedByProvider(DomainError):
    """The provider answered no (ProviderRefused): unlike a failure or a hang, the outcome is known."""


@dataclass(frozen=True)
class PaymentOption:
    provider: PaymentProvider
    method: PaymentMethodInfo


class Providers:
    """The payment and delivery providers and the notifiers of one app, and the one way to call providers (notifiers
    are called through notifiers.send_once, by the outbox)."""

    def __init__(
        self,
        payment: Sequence[PaymentProvider],
        delivery: Sequence[DeliveryProvider],
        timeout: float,
        *,
        retries: int = 0,
        backoff: float = 0.1,
        notifiers: Sequence[Notifier] = (),
        disbursement: Sequence[DisbursementProvider] = (),
    ) -> None:
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff  # seconds before the first retry; doubled before each next one
        self.payment = {p.code: p for p in unique_providers(payment, "payment")}
        self.delivery = {p.code: p for p in unique_providers(delivery, "delivery")}
        self.notifiers = unique_notifiers(notifiers)
        self.disbursement = {p.code: p for p in unique_providers(disbursement, "disbursement")}
        self.payment_options: dict[str, PaymentOption] = {}
        self.plugin_of: dict[int, str] = {}  # id(provider) -> the name of the plugin that offered it
        for provider in self.payment.values():
            for method in payment_methods_of(provider):
                if method.code in self.payment_options:
                    raise PluginError(f"Two payment providers offer a method coded {method.code!r}")
                self.payment_options[method.code] = PaymentOption(provider, method)
        for provider in self.delivery.values():
            if not isinstance(provider.kind, DeliveryKind):
                raise PluginError(f"Delivery provider {provider.code!r} has no valid kind (PICKUP or DELIVERY)")
            if provider.books_when_ready and provider.kind != DeliveryKind.DELIVERY:
                raise PluginError(f"Delivery provider {provider.code!r} books a courier, so its kind must be DELIVERY")

    async def quote(self, provider: DeliveryProvider, request: QuoteRequest, field: list[str]) -> list[DeliveryQuote]:
        """Retried on quick failures, but within one timeout in all: a buyer is waiting for the answer."""
        try:
            call = self._call(provider, "quote", request, field, idempotent=True)
            quotes = await asyncio.wait_for(call, self.timeout)
        except TimeoutError:
            log.warning("provider %s timed out in quote after %ss", provider.code, self.timeout)
            message = f"{provider.display_name} did not answer within {self.timeout:g} seconds; try another option"
            raise DomainError(ErrorCode.PROVIDER_ERROR, message, field) from None
        if not isinstance(quotes, (list, tuple)) or not all(usable_quote(q) for q in quotes):
            raise _unusable(provider, "quote", quotes, field)
        return list(quotes)

    async def create_shipment(self, provider: DeliveryProvider, request: ShipmentRequest, field: list[str]) -> Shipment:
        shipment = await self._call(provider, "create_shipment", request, field)
        if not (isinstance(shipment, Shipment) and fits(shipment.reference, 128) and fits(shipment.pickup_code, 12)
                and fits(shipment.tracking_url, 500)):
            raise _unusable(provider, "create_shipment", shipment, field)
        return shipment

    async def cancel_shipment(self, provider: DeliveryProvider, request: ShipmentCancelRequest, field: list[str]) -> None:
        await self._call(provider, "cancel_shipment", request, field, idempotent=True)

    async def get_shipment_status(
        self, provider: DeliveryProvider, request: ShipmentStatusRequest, field: list[str]
    ) -> ShipmentEvent | None:
        event = await self._call(provider, "get_shipment_status", request, field, idempotent=True)
        if event is not None and not usable_shipment_event(event):
            raise _unusable(provider, "get_shipment_status", event, field)
        return event  # type: ignore[no-any-return]

    async def get_cash_remittance(
        self, provider: DeliveryProvider, request: ShipmentStatusRequest, field: list[str]
    ) -> CashRemittance | None:
        report = await self._call(provider, "get_cash_remittance", request, field, idempotent=True)
        if report is not None and not usable_remittance(report):
            raise _unusable(provider, "get_cash_remittance", report, field)
        return report  # type: ignore[no-any-return]

    async def parse_shipment_webhook(
        self, provider: DeliveryProvider, raw: bytes, headers: Mapping[str, str]
    ) -> list[ShipmentEvent | CashRemittance]:
        """As parse_webhook, for a courier's webhook: tracking reports and cash remittances."""
        return await self._read_webhook(provider, raw, headers, usable_courier_report)

    async def create_payment(self, provider: PaymentProvider, request: PaymentRequest, field: list[str]) -> PaymentResult:
        result = await self._call(provider, "create_payment", request, field, idempotent=True)
        if not (isinstance(result, PaymentResult) and fits(result.provider_reference, 128) and usable_action(result)):
            raise _unusable(provider, "create_payment", result, field)
        return result

    async def cancel_payment(self, provider: PaymentProvider, request: PaymentCancelRequest, field: list[str]) -> None:
        await self._call(provider, "cancel_payment", request, field, idempotent=True)

    async def refund_payment(self, provider: PaymentProvider, request: RefundRequest, field: list[str]) -> RefundResult:
        result = await self._call(provider, "refund_payment", request, field, idempotent=True)
        if not (isinstance(result, RefundResult) and fits(result.provider_reference, 128)):
            raise _unusable(provider, "refund_payment", result, field)
        return result

    async def get_status(
        self, provider: PaymentProvider, request: PaymentStatusRequest, field: list[str]
    ) -> PaymentEvent | None:
        event = await self._call(provider, "get_status", request, field, idempotent=True)
        if event is not None and not usable_payment_event(event):
            raise _unusable(provider, "get_status", event, field)
        return event  # type: ignore[no-any-return]

    async def create_payout(
        self, provider: DisbursementProvider, request: PayoutRequest, field: list[str]
    ) -> PayoutResult:
        """Retried with the payout's reference, which the gateway takes as its idempotency key."""
        result = await self._call(provider, "create_payout", request, field, idempotent=True)
        if not usable_payout(result):
            raise _unusable(provider, "create_payout", result, field)
        return result  # type: ignore[no-any-return]

    async def get_payout_status(
        self, provider: DisbursementProvider, request: PayoutStatusRequest, field: list[str]
    ) -> PayoutResult | None:
        result = await self._call(provider, "get_payout_status", request, field, idempotent=True)
        if result is not None and not usable_payout(result):
            raise _unusable(provider, "get_payout_status", result, field)
        return result  # type: ignore[no-any-return]

    async def parse_webhook(self, provider: PaymentProvider, raw: bytes, headers: Mapping[str, str]) -> list[PaymentEvent]:
        """The provider's events in a webhook. WebhookSignatureError and WebhookPayloadError pass through for the
        caller to answer; any other failure is a PROVIDER_ERROR. Never retried: the gateway retries a webhook itself."""
        return await self._read_webhook(provider, raw, headers, usable_payment_event)

    async def _read_webhook(
        self, provider: PaymentProvider | DeliveryProvider, raw: bytes, headers: Mapping[str, str],
        usable: Callable[[Any], bool],
    ) -> list[Any]:
        try:
            events = await self._timed(provider, "parse_webhook", 0, lambda: provider.parse_webhook(raw, headers))
        except TimeoutError:
            log.warning("provider %s timed out reading a webhook after %ss", provider.code, self.timeout)
            raise DomainError(ErrorCode.PROVIDER_ERROR, f"{provider.display_name} did not read the webhook in time") from None
        except (hookspecs.WebhookSignatureError, hookspecs.WebhookPayloadError):
            raise
        except Exception:
            log.exception("provider %s failed reading a webhook", provider.code)
            raise DomainError(ErrorCode.PROVIDER_ERROR, f"{provider.display_name} failed reading the webhook") from None
        if not isinstance(events, (list, tuple)) or not all(usable(e) for e in events):
            raise _unusable(provider, "parse_webhook", events, [])
        return list(events)

    async def _answer(self, result: Any) -> Any:
        if inspect.isawaitable(result):
            return await asyncio.wait_for(result, self.timeout)
        return result

    async def _timed(self, provider: PaymentProvider | DeliveryProvider, operation: str, attempt: int,
                     call: Callable[[], Any]) -> Any:
        """One attempt, timed and counted (umkm_provider_call_seconds, umkm_provider_failures_total) and traced."""
        started = time.perf_counter()
        attributes = {"umkm.provider": provider.code, "umkm.provider.operation": operation, "umkm.attempt": attempt + 1}
        try:
            with tracing.span(f"provider {provider.code} {operation}", attributes, client=True):
                return await self._answer(call())
        except BaseException:
            PROVIDER_FAILURES.labels(provider.code, operation).inc()
            raise
        finally:
            PROVIDER_CALLS.labels(provider.code, operation).observe(time.perf_counter() - started)

    async def _call(
        self,
        provider: PaymentProvider | DeliveryProvider | DisbursementProvider,
        operation: str,
        request: object,
        field: list[str],
        *,
        idempotent: bool = False,
    ) -> Any:
        attempts = 1 + (self.retries if idempotent else 0)
        for attempt in range(attempts):
            if attempt:
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                return await self._timed(provider, operation, attempt, lambda: getattr(provider, operation)(request))
            except ProviderRefused as refusal:
                log.warning("provider %s refused %s: %s", provider.code, operation, refusal)
                raise RefusedByProvider(ErrorCode.PROVIDER_ERROR, f"{provider.display_name} refused: {refusal}",
                                        field) from None
            except TimeoutError:
                log.warning("provider %s timed out in %s after %ss (attempt %d of %d)",
                            provider.code, operation, self.timeout, attempt + 1, attempts)
                timed_out = True
            except Exception:
                log.exception("provider %s failed in %s (attempt %d of %d)", provider.code, operation, attempt + 1, attempts)
                timed_out = False
        if timed_out:
            raise DomainError(
                ErrorCode.PROVIDER_ERROR,
                f"{provider.display_name} did not answer within {self.timeout:g} seconds; "
                "try again or choose another option",
                field,
            )
        raise DomainError(
            ErrorCode.PROVIDER_ERROR,
            f"{provider.display_name} failed ({operation.replace('_', ' ')}); try again or choose another option",
            field,
        )


def _unusable(provider: PaymentProvider | DeliveryProvider | DisbursementProvider, operation: str, value: object, field: list[str]) -> DomainError:
    log.error("provider %s answered %s with an unusable %r", provider.code, operation, value)
    return DomainError(
        ErrorCode.PROVIDER_ERROR, f"{provider.display_name} gave an unusable answer ({operation.replace('_', ' ')})", field
    )
