"""The Biteship courier as a umkm-graph DeliveryProvider: instant and same-day couriers priced by coordinates and grams,
booked when the seller marks the order ready, tracked by webhook (or by asking); for cash on delivery, Biteship's
remittance of the cash its courier collected (an order.cod_remitted webhook, or the order's cash_on_delivery when asked).

HTTP calls to Biteship: a quote is 1 (POST /v1/rates/couriers, all couriers at once), a booking is 1 (POST /v1/orders), a
poll is 1 (GET /v1/orders/{id}, for the status or the remittance), a cancellation is 1 (POST /v1/orders/{id}/cancel), a
webhook is 0. The host retries a
failed quote, poll or cancellation (each is safe to repeat), never a booking.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
import math
from collections.abc import Mapping
from typing import Any

from umkm_biteship.client import BiteshipClient
from umkm_biteship.settings import BiteshipSettings
from umkm_graph.hookspecs import (
    CashRemittance,
    DeliveryKind,
    DeliveryProvider,
    DeliveryQuote,
    Item,
    ProviderRefused,
    QuoteRequest,
    Shipment,
    ShipmentCancelRequest,
    ShipmentEvent,
    ShipmentRequest,
    ShipmentStatus,
    ShipmentStatusRequest,
    WebhookPayloadError,
    WebhookSignatureError,
)

log = logging.getLogger("umkm_biteship")

_UNITS = {"minutes": 1, "minute": 1, "hours": 60, "hour": 60, "days": 1440, "day": 1440}


class BiteshipCourier(DeliveryProvider):
    code = "biteship"
    display_name = "Biteship"
    kind = DeliveryKind.DELIVERY
    books_when_ready = True
    needs_coordinates = True

    def __init__(self, settings: BiteshipSettings, client: BiteshipClient | None = None) -> None:
        self.settings = settings
        self.client = client or BiteshipClient(settings)

    async def quote(self, request: QuoteRequest) -> list[DeliveryQuote]:
        shop, to = request.shop, request.destination
        if to is None or None in (shop.latitude, shop.longitude, to.latitude, to.longitude):
            return []  # the host does not ask without coordinates; a plugin still answers sensibly
        answer = await self.client.rates({
            "origin_latitude": shop.latitude, "origin_longitude": shop.longitude,
            "destination_latitude": to.latitude, "destination_longitude": to.longitude,
            "couriers": ",".join(self.settings.couriers),
            "items": _items(request.items, request.weight_grams, request.order_value),
        })
        return [quote for price in answer.get("pricing") or [] if (quote := _quote(price)) is not None]

    async def create_shipment(self, request: ShipmentRequest) -> Shipment:
        company, _, service = request.service.partition(":")
        shop, buyer, to = request.shop, request.buyer, request.destination
        if to is None or to.latitude is None or to.longitude is None or shop.latitude is None or shop.longitude is None:
            raise ProviderRefused("the shop's and the buyer's coordinates are needed")
        if not buyer.phone:
            raise ProviderRefused("the driver needs the buyer's phone number; the buyer can add it to their account")
        body: dict[str, Any] = {
            "reference_id": request.reference,
            "shipper_contact_name": shop.name, "shipper_contact_phone": shop.phone, "shipper_organization": shop.name,
            "origin_contact_name": shop.name, "origin_contact_phone": shop.phone,
            "origin_address": f"{shop.address}, {shop.kelurahan}, {shop.kecamatan}, Kota Malang",
            "origin_coordinate": {"latitude": shop.latitude, "longitude": shop.longitude},
            "destination_contact_name": buyer.name, "destination_contact_phone": buyer.phone,
            "destination_contact_email": buyer.email,
            "destination_address": f"{to.address}, {to.kelurahan}, {to.kecamatan}, Kota Malang",
            "destination_coordinate": {"latitude": to.latitude, "longitude": to.longitude},
            "courier_company": company, "courier_type": service, "delivery_type": "now",
            "order_note": f"Order {request.reference}",
            "items": _items(request.items, request.weight_grams, sum(i.unit_price * i.quantity for i in request.items)),
        }
        if request.cash_on_delivery_amount > 0:
            # COD through the courier: it collects this much from the buyer and Biteship pays it out to the shop.
            body["destination_cash_on_delivery"] = request.cash_on_delivery_amount
            body["destination_cash_on_delivery_type"] = "7_days"
        order = await self.client.create_order(body)
        order_id = order.get("id")
        if not isinstance(order_id, str) or not order_id:
            raise ValueError(f"Biteship booked without an order id: {order!r}")
        return Shipment(reference=order_id, tracking_url=_link(order))

    async def cancel_shipment(self, request: ShipmentCancelRequest) -> None:
        if request.provider_reference is None:
            return  # never booked
        await self.client.cancel_order(request.provider_reference, request.reason)

    async def get_shipment_status(self, request: ShipmentStatusRequest) -> ShipmentEvent | None:
        if request.provider_reference is None:
            return None
        order = await self.client.get_order(request.provider_reference)
        if order is None:
            return None
        return _event(order.get("id") or request.provider_reference, order.get("status"), order.get("reference_id"),
                      order.get("updated_at"), _link(order), _driver(order.get("courier") or {}))

    async def get_cash_remittance(self, request: ShipmentStatusRequest) -> CashRemittance | None:
        if request.provider_reference is None:
            return None
        order = await self.client.get_order(request.provider_reference)
        if order is None:
            return None
        cod = (order.get("destination") or {}).get("cash_on_delivery")
        paid = cod.get("remittance") if isinstance(cod, dict) else None
        if not isinstance(cod, dict) or not isinstance(paid, dict):
            return None  # no cash to collect, or not remitted yet
        return _remittance(order.get("id") or request.provider_reference, order.get("reference_id"),
                           cod.get("collected_amount"), paid.get("amount"), paid.get("id"), paid.get("remitted_at"))

    def parse_webhook(self, raw: bytes, headers: Mapping[str, str]) -> list[ShipmentEvent | CashRemittance]:
        secret = self.settings.webhook_secret
        given = headers.get(self.settings.webhook_header, "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            raise WebhookSignatureError(f"{self.settings.webhook_header} does not match")
        if not raw.strip():
            return []  # Biteship's test call when the webhook is installed
        try:
            body = json.loads(raw)
        except ValueError as error:
            raise WebhookPayloadError("not JSON") from error
        if not isinstance(body, dict):
            raise WebhookPayloadError("not a JSON object")
        if body.get("event") not in ("order.status", "order.cod_remitted"):
            return []  # order.price and order.waybill_id change nothing here
        order_id = body.get("order_id")
        if not isinstance(order_id, str) or not order_id:
            raise WebhookPayloadError(f"{body.get('event')} without an order_id")
        if body["event"] == "order.cod_remitted":
            remitted = _remittance(order_id, body.get("reference_id"), body.get("cod_amount"),
                                   body.get("remitted_amount"), body.get("remittance_id"), body.get("remitted_at"))
            if remitted is None:
                raise WebhookPayloadError("order.cod_remitted without a remitted_amount in whole rupiah")
            return [remitted]
        driver = {k.removeprefix("courier_"): v for k, v in body.items() if k.startswith("courier_driver")}
        event = _event(order_id, body.get("status"), body.get("reference_id"), body.get("updated_at"),
                       body.get("courier_link"), _driver(driver))
        return [] if event is None else [event]


def _items(items: tuple[Item, ...], weight_grams: int, value: int) -> list[dict[str, Any]]:
    """Biteship wants every item's weight; packs of unknown weight share what the host's total leaves for them."""
    known = sum((item.weight_grams or 0) * item.quantity for item in items)
    unknown_packs = sum(item.quantity for item in items if item.weight_grams is None)
    share = math.ceil(max(weight_grams - known, 0) / unknown_packs) if unknown_packs else 0
    if not items:
        return [{"name": "Belanja UMKM", "value": value, "quantity": 1, "weight": max(weight_grams, 1)}]
    return [
        {"name": item.name[:100], "value": item.unit_price, "quantity": item.quantity,
         "weight": max(item.weight_grams if item.weight_grams is not None else share, 1)}
        for item in items
    ]


def _quote(price: dict[str, Any]) -> DeliveryQuote | None:
    company, service = price.get("courier_code"), price.get("courier_service_code")
    fee = price.get("price")
    if not (isinstance(company, str) and isinstance(service, str) and isinstance(fee, (int, float))) or fee < 0:
        log.warning("biteship: skipping a price it could not read: %r", price)
        return None
    name = f"{price.get('courier_name') or company} {price.get('courier_service_name') or service}"
    return DeliveryQuote(service=f"{company}:{service}", display_name=name, fee=int(fee),
                         eta_minutes=_eta(price), cash_on_delivery=bool(price.get("available_for_cash_on_delivery")))


def _eta(price: dict[str, Any]) -> int | None:
    """The slow end of Biteship's range ("1 - 2" hours is 120 minutes): a promise the buyer can hold us to."""
    unit = _UNITS.get(str(price.get("shipment_duration_unit") or "").lower())
    bounds = [part.strip() for part in str(price.get("shipment_duration_range") or "").split("-")]
    if unit is None or not bounds[-1].isdigit():
        return None
    return int(bounds[-1]) * unit


def _event(
    order_id: str, status: object, reference: object, updated_at: object, link: object, note: str | None
) -> ShipmentEvent | None:
    try:
        known = ShipmentStatus(str(status))
    except ValueError:
        log.warning("biteship: order %s has a status umkm-graph does not know: %r", order_id, status)
        return None
    return ShipmentEvent(
        event_id=f"{order_id}:{known.value}",  # one event per status of a booking: a repeat is the same event
        status=known, provider_reference=order_id, reference=reference if isinstance(reference, str) else None,
        occurred_at=_when(updated_at), raw_status=known.value, note=note,
        tracking_url=link[:500] if isinstance(link, str) and link else None,
    )


def _remittance(
    order_id: str, reference: object, collected: object, remitted: object, remittance_id: object, remitted_at: object
) -> CashRemittance | None:
    """Biteship paid the shop the cash its courier collected; None when the amount is not whole rupiah."""
    if not _rupiah(remitted) or not (collected is None or _rupiah(collected)):
        return None
    return CashRemittance(
        event_id=f"{order_id}:cod_remitted",  # Biteship remits a booking's cash once: a repeat is the same event
        remitted=int(remitted), collected=None if collected is None else int(collected),  # type: ignore[call-overload]
        provider_reference=order_id, reference=reference if isinstance(reference, str) else None,
        remitted_at=_when(remitted_at),
        remittance_reference=str(remittance_id)[:128] if remittance_id else None,
    )


def _rupiah(value: object) -> bool:
    """Whole rupiah: an integer, or a number with nothing after the point (JSON may carry 85000.0)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0 and float(value).is_integer()


def _when(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def _link(order: dict[str, Any]) -> str | None:
    courier = order.get("courier")
    link = courier.get("link") if isinstance(courier, dict) else None
    return link[:500] if isinstance(link, str) and link else None


def _driver(courier: dict[str, Any]) -> str | None:
    name, plate = courier.get("driver_name"), courier.get("driver_plate_number")
    if not isinstance(name, str) or not name:
        return None
    return f"Driver {name}" + (f" ({plate})" if isinstance(plate, str) and plate else "")
