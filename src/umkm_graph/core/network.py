"""Who a request comes from: the client's address as the rate limits and the login throttle count it."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any


def client_address(scope: Mapping[str, Any]) -> str:
    """The client's IP (behind a proxy, run uvicorn with --proxy-headers and --forwarded-allow-ips); an IPv6 client is
    counted by its /64 network, which one subscriber usually holds whole."""
    host = (scope.get("client") or ("unknown", 0))[0]
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
