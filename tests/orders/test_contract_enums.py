"""The plugin contract's enums and the database's columns: every contract value has its column value, of the same name
and value (so no migration follows a contract change unnoticed), and back."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

import pytest

from umkm_graph.delivery.contract import courier_status
from umkm_graph.delivery.models import CourierStatus
from umkm_graph.hookspecs import DeliveryKind, PaymentEventStatus, ShipmentStatus
from umkm_graph.orders.contract import delivery_kind, delivery_method
from umkm_graph.orders.models import DeliveryMethod
from umkm_graph.payments.contract import reported_status
from umkm_graph.payments.models import ReportedPaymentStatus

PAIRS: list[tuple[type[enum.Enum], type[enum.Enum], Callable[[Any], Any]]] = [
    (DeliveryKind, DeliveryMethod, delivery_method),
    (PaymentEventStatus, ReportedPaymentStatus, reported_status),
    (ShipmentStatus, CourierStatus, courier_status),
]


@pytest.mark.parametrize(("contract", "column", "stored"), PAIRS, ids=lambda p: getattr(p, "__name__", ""))
def test_every_contract_value_is_stored_as_the_column_value_of_its_name(
    contract: type[enum.Enum], column: type[enum.Enum], stored: Callable[[Any], Any]
) -> None:
    assert [(m.name, m.value) for m in contract] == [(m.name, m.value) for m in column]
    for member in contract:
        assert stored(member) is column[member.name]


def test_an_orders_stored_delivery_method_reads_back_as_the_contracts_kind() -> None:
    for kind in DeliveryKind:
        assert delivery_kind(delivery_method(kind)) is kind
