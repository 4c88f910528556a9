"""Where the plugin contract's ShipmentStatus meets the courier shipment's columns: the one mapping between them."""

from __future__ import annotations

from umkm_graph.delivery.models import CourierStatus
from umkm_graph.hookspecs import ShipmentStatus

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
