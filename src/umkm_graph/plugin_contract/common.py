"""What every provider sees: the parties of an order, its items, the errors a provider raises, and MaybeAwaitable."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")
MaybeAwaitable = T | Awaitable[T]


# -- What orders and parcels look like to a provider -------------------------------------------------------------------


@dataclass(frozen=True)
class ShopInfo:
    id: int
    name: str
    kecamatan: str
    kelurahan: str
    address: str
    phone: str
    latitude: float | None
    longitude: float | None
    offers_pickup: bool
    delivery_fees: dict[str, int] = field(default_factory=dict)  # the shop's own flat fee per destination kecamatan


@dataclass(frozen=True)
class Destination:
    kecamatan: str
    kelurahan: str
    address: str
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class BuyerInfo:
    id: int
    name: str
    email: str
    phone: str | None


@dataclass(frozen=True)
class Item:
    product_id: int
    name: str
    unit_price: int
    quantity: int
    weight_grams: int | None = None  # of one pack; None when the seller did not say


# -- What a provider raises -------------------------------------------------------------------------------------------


class WebhookSignatureError(Exception):
    """parse_webhook: the request is not signed by the gateway; the host answers 401 and changes nothing."""


class WebhookPayloadError(Exception):
    """parse_webhook: the request is signed (or unsigned) but cannot be read; the host answers 400."""


class ProviderRefused(Exception):
    """The gateway answered, and the answer is no (e.g. a refund above what was paid): not retried, and its message
    is shown to the user, so keep it short and free of secrets."""
