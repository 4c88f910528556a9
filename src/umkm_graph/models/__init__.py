"""Tortoise models, one module per aggregate."""

from umkm_graph.models.catalog import Category, Product, ProductUnit, Shop, ShopStatus
from umkm_graph.models.orders import Checkout, Order, OrderLine, OrderStatus, OrderTransition
from umkm_graph.models.payments import Payment, PaymentStatus
from umkm_graph.models.people import Role, User
from umkm_graph.models.reviews import Review

__all__ = [
    "Category",
    "Checkout",
    "Order",
    "OrderLine",
    "OrderStatus",
    "OrderTransition",
    "Payment",
    "PaymentStatus",
    "Product",
    "ProductUnit",
    "Review",
    "Role",
    "Shop",
    "ShopStatus",
    "User",
]

MODEL_MODULES = ["umkm_graph.models"]
