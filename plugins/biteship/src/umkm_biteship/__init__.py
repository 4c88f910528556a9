"""umkm-graph's Biteship plugin: quotes by coordinates and grams, bookings, and tracking webhooks for instant couriers."""

__version__ = "0.1.0"
