"""Links people give us to show to others (product images): https on a public host, nothing a browser or a future
fetcher could be pointed with at the city's own network.

    public_https_url_fault(url)   None for an acceptable URL, else the reason it is refused
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000
# Names that never lead to a public host (RFC 6761, 6762, 8375 and common private suffixes).
_PRIVATE_SUFFIXES = ("localhost", "local", "localdomain", "internal", "intranet", "lan", "home.arpa", "invalid",
                     "test", "onion")
_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
_TOP_LABEL = re.compile(r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?")  # never all digits or 0x..: a resolver could read an IP


def public_https_url_fault(url: str) -> str | None:
    """Why url is not an https URL on a public host (port 443, no user name or password), or None when it is."""
    if not 0 < len(url) <= MAX_URL_LENGTH:
        return f"must have 1 to {MAX_URL_LENGTH} characters"
    if any(char.isspace() or unicodedata.category(char) in ("Cc", "Cf") or char == "\\" for char in url):
        return "must not contain spaces, control, invisible characters or backslashes"
    parts = urlsplit(url)
    if parts.scheme.lower() != "https":
        return "must be an https URL"
    if "@" in parts.netloc:
        return "must be an https URL without a user name or password"
    try:
        port = parts.port
    except ValueError:
        return "must be an https URL with a valid port"
    if port not in (None, 443):
        return "must be an https URL on the standard port (443)"
    host = parts.hostname or ""
    try:
        host = host.encode("idna").decode("ascii").lower() if host else ""
    except UnicodeError:
        return "must be an https URL with a valid host name"
    if not host:
        return "must be an https URL with a host"
    return _host_fault(host.removesuffix("."))


def _host_fault(host: str) -> str | None:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
        if not (mapped or address).is_global or (mapped or address).is_multicast:
            return "must be an https URL on a public host, not a private, loopback or link-local address"
        return None
    labels = host.split(".")
    if any(host == suffix or host.endswith("." + suffix) for suffix in _PRIVATE_SUFFIXES):
        return "must be an https URL on a public host, not localhost or a local network name"
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels) or not _TOP_LABEL.fullmatch(labels[-1]):
        return "must be an https URL on a public host name (such as cdn.example.id)"
    return None
