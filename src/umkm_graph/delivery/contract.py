"""Where the plugin contract meets the courier shipment: the one mapping between ShipmentStatus and its columns, and
which of a courier's optional questions it can be asked."""

from __future__ import annotations

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.delivery.models import CourierShipment, CourierStatus
from umkm_graph.hookspecs import DeliveryProvider, ShipmentStatus, ShipmentStatusRequest
from umkm_graph.plugin_host import Providers

_STORED = {
    ShipmentStatus.CONFIRMED: CourierStatus.CONFIRMED,
    ShipmentStatus.ALLOCATED: CourierStatus.ALLOCATED,
    ShipmentStatus.PICKING_UP: CourierStatus.PICKING_UP,
    ShipmentStatus.PICKED: CourierStatus.PICKED,
    ShipmentStatus.DROPPING_OFF: CourierStatus.DROPPING_OFF,
    ShipmentStatus.ON_HOLD: CourierStatus.ON_HOLD,
    ShipmentStatus.RETURN_IN_TRANSIT: CourierStatus.RETURN_IN_TRANSIT,
    ShipmentStatus.RETURNED: CourierStatus.RETURNED,
    ShipmentStatus.CANCELLED: CourierStatus.CANCELLED,
    ShipmentStatus.DELIVERED: CourierStatus.DELIVERED,
}


def courier_status(status: ShipmentStatus) -> CourierStatus:
    """How a shipment and its ledger store a courier's report."""
    return _STORED[status]


def answers(provider: DeliveryProvider, method: str) -> bool:
    """Whether the provider implements this optional method (get_shipment_status, get_cash_remittance), so it can be
    asked: a provider keeping the contract's default cannot."""
    return getattr(type(provider), method) is not getattr(DeliveryProvider, method)


def courier_to_ask(
    shipment: CourierShipment, providers: Providers, method: str, field: list[str]
) -> tuple[DeliveryProvider, ShipmentStatusRequest]:
    """The booked shipment's courier and what to ask it about the shipment, if it can be asked; else NOT_AVAILABLE."""
    provider = providers.delivery.get(shipment.provider)
    if provider is None or not answers(provider, method):
        raise DomainError(ErrorCode.NOT_AVAILABLE, f"The {shipment.provider!r} courier cannot be asked", field)
    return provider, ShipmentStatusRequest(reference=shipment.booking_reference or "",
                                           provider_reference=shipment.provider_reference)
