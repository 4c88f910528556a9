"""umkm-graph's WhatsApp notifier: template messages through the WhatsApp Business Cloud API."""

__version__ = "0.1.0"
