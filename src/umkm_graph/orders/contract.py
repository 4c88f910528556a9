"""Where the plugin contract's DeliveryKind meets the orders column: the one mapping between them, both ways."""

from __future__ import annotations

from umkm_graph.hookspecs import DeliveryKind
from umkm_graph.orders.models import DeliveryMethod

_METHOD_OF = {DeliveryKind.PICKUP: DeliveryMethod.PICKUP, DeliveryKind.DELIVERY: DeliveryMethod.DELIVERY}
_KIND_OF = {method: kind for kind, method in _METHOD_OF.items()}


def delivery_method(kind: DeliveryKind) -> DeliveryMethod:
    """How an order stores a provider's kind."""
    return _METHOD_OF[kind]


def delivery_kind(method: DeliveryMethod) -> DeliveryKind:
    """An order's stored method, in the contract's words."""
    return _KIND_OF[method]
