"""Tortoise models, one module per aggregate."""

from umkm_graph.models.analytics import PriceChange, PriceUnit, ReferencePrice, SpendTarget
from umkm_graph.models.catalog import Category, Product, ProductUnit, Shop, ShopStatus
from umkm_graph.models.delivery import CourierShipment, ShipmentEvent, ShipmentEventSource
from umkm_graph.models.orders import Checkout, Order, OrderLine, OrderStatus, OrderTransition
from umkm_graph.models.payments import Payment, PaymentEventRecord, PaymentEventSource, PaymentRefund, PaymentStatus
from umkm_graph.models.people import Role, User
from umkm_graph.models.reviews import Review

__all__ = [
    "Category",
    "Checkout",
    "CourierShipment",
    "Order",
    "OrderLine",
    "OrderStatus",
    "OrderTransition",
    "Payment",
    "PaymentEventRecord",
    "PaymentEventSource",
    "PaymentRefund",
    "PaymentStatus",
    "PriceChange",
    "PriceUnit",
    "Product",
    "ProductUnit",
    "ReferencePrice",
    "Review",
    "Role",
    "ShipmentEvent",
    "ShipmentEventSource",
    "Shop",
    "ShopStatus",
    "SpendTarget",
    "User",
]

MODEL_MODULES = ["umkm_graph.models"]
