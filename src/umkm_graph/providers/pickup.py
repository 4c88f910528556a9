"""Self-pickup (ambil sendiri): no fee; the buyer collects the order at the shop with a pickup code."""

from __future__ import annotations

import secrets

from umkm_graph.hookspecs import (
    DeliveryKind,
    DeliveryProvider,
    DeliveryQuote,
    QuoteRequest,
    Shipment,
    ShipmentRequest,
    hookimpl,
)

# No 0/O, 1/I/L: the code is read aloud at a shop counter.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6


def new_pickup_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))


class Pickup(DeliveryProvider):
    code = "pickup"
    display_name = "Self-pickup (ambil sendiri)"
    kind = DeliveryKind.PICKUP

    def quote(self, request: QuoteRequest) -> list[DeliveryQuote]:
        if not request.shop.offers_pickup:
            return []
        name = f"Pick up at {request.shop.name}"
        return [DeliveryQuote(service="standard", display_name=name, fee=0, cash_on_delivery=True)]

    def create_shipment(self, request: ShipmentRequest) -> Shipment:
        return Shipment(pickup_code=new_pickup_code())


@hookimpl
def register_delivery_providers() -> list[DeliveryProvider]:
    return [Pickup()]
