"""Biteship's HTTP API over aiohttp: the four calls the courier provider makes.

Biteship takes the API key as the whole Authorization header (no "Bearer"), and answers JSON with "success" and, on
failure, "error" and a numeric "code". A 4xx answer is Biteship saying no (ProviderRefused: the host does not retry it and
shows its message); a 5xx answer or a broken connection is BiteshipUnavailable (the host retries what is safe to retry).
"""

from __future__ import annotations

import json
from typing import Any

from umkm_biteship.settings import BiteshipSettings
from umkm_graph.hookspecs import ProviderRefused

JSONObject = dict[str, Any]


class BiteshipUnavailable(Exception):
    """Biteship could not be reached or failed on its side; worth another try."""


class BiteshipClient:
    def __init__(self, settings: BiteshipSettings) -> None:
        self.settings = settings

    async def rates(self, body: JSONObject) -> JSONObject:
        return await self._request("POST", "/v1/rates/couriers", body)

    async def create_order(self, body: JSONObject) -> JSONObject:
        return await self._request("POST", "/v1/orders", body)

    async def get_order(self, order_id: str) -> JSONObject | None:
        try:
            return await self._request("GET", f"/v1/orders/{order_id}")
        except _NotFound:
            return None

    async def cancel_order(self, order_id: str, reason: str) -> JSONObject:
        body = {"cancellation_reason_code": "others", "cancellation_reason": reason[:200]}
        return await self._request("POST", f"/v1/orders/{order_id}/cancel", body)

    async def _request(self, method: str, path: str, body: JSONObject | None = None) -> JSONObject:
        import aiohttp  # here, not at the top: it costs a server's start a few tenths of a second, even unconfigured

        headers = {"Authorization": self.settings.api_key, "Accept": "application/json"}
        timeout = aiohttp.ClientTimeout(total=self.settings.timeout_seconds)
        try:
            # A session per call: the host has no shutdown hook to close a shared one, and a call is one request.
            async with aiohttp.ClientSession(timeout=timeout, headers=headers) as session:
                async with session.request(method, self.settings.base_url + path, json=body) as response:
                    status, raw = response.status, await response.read()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise BiteshipUnavailable(f"{method} {path}: {type(error).__name__}") from error
        data = _json(raw)
        if status >= 500 or data is None:
            raise BiteshipUnavailable(f"{method} {path} answered {status}")
        if status == 404:
            raise _NotFound(path)
        if status >= 400 or data.get("success") is False:
            raise ProviderRefused(_refusal(status, data))
        return data


class _NotFound(ProviderRefused):
    pass


def _json(raw: bytes) -> JSONObject | None:
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _refusal(status: int, data: JSONObject) -> str:
    if status == 401:
        return "it does not accept our API key"
    message = data.get("error") or data.get("message") or f"HTTP {status}"
    return str(message)[:200]
