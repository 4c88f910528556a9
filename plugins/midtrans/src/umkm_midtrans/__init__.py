"""Midtrans Core API payments for umkm-graph: QRIS and virtual accounts (BCA, BNI, BRI, Permata)."""

__version__ = "0.1.0"
