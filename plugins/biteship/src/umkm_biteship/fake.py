"""A fake Biteship on 127.0.0.1, for tests and the demo: the same paths, bodies, errors and webhooks as the real API.

- `POST /v1/rates/couriers`: prices by the straight-line distance between the coordinates and by weight, for the
  couriers asked (gojek and grab instant and same day, anteraja same day with cash on delivery).
- `POST /v1/orders`: books a courier; `GET /v1/orders/{id}` tells where it is; `POST /v1/orders/{id}/cancel` cancels it
  before pickup.
- Every call needs the API key as the Authorization header (401 otherwise).
- Knobs for tests: `delay(route, seconds)`, `fail(route, status, times)`, `advance(order_id, status)` (which pushes an
  order.status webhook to `webhook_url` with the secret header, unless told not to), `remit(order_id, ...)` (Biteship
  pays the shop the cash its courier collected: the order's cash_on_delivery shows the remittance, and an
  order.cod_remitted webhook is pushed unless told not to), and `calls` (every request seen).

Run it alone with `python -m umkm_biteship.fake [--port 8101]`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import secrets
import socket
from collections import Counter
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from umkm_biteship.settings import DEFAULT_WEBHOOK_HEADER

FAKE_API_KEY = "biteship_test.fake-key-for-umkm-graph"
FAKE_WEBHOOK_SECRET = "fake-biteship-webhook-secret"
ROUTES = ("rates", "orders", "order", "cancel")
# Once a driver has the parcel, Biteship no longer cancels the booking.
_CANCELLABLE = {"confirmed", "allocated", "picking_up"}


@dataclass(frozen=True)
class Service:
    company: str
    courier_name: str
    code: str
    name: str
    per_km: int
    minimum: int
    per_kg: int
    max_km: float
    max_grams: int
    eta: tuple[int, int, str]
    cod: bool = False

    def price(self, km: float, grams: int) -> int:
        raw = self.minimum + max(0.0, km - 2) * self.per_km + math.ceil(grams / 1000) * self.per_kg
        return int(math.ceil(raw / 500) * 500)  # couriers round to Rp500


CATALOG = (
    Service("gojek", "GoSend", "instant", "Instant", 2500, 12000, 0, 40, 20_000, (1, 2, "hours")),
    Service("gojek", "GoSend", "same_day", "Same Day", 1000, 15000, 0, 40, 20_000, (6, 8, "hours")),
    Service("grab", "GrabExpress", "instant", "Instant", 2600, 11000, 0, 40, 20_000, (1, 2, "hours")),
    Service("grab", "GrabExpress", "same_day", "Same Day", 900, 16000, 0, 40, 20_000, (6, 8, "hours")),
    Service("anteraja", "AnterAja", "same_day", "Same Day", 0, 15000, 1000, 60, 50_000, (6, 10, "hours"), cod=True),
)


class FakeBiteship:
    def __init__(
        self,
        *,
        api_key: str = FAKE_API_KEY,
        webhook_secret: str = FAKE_WEBHOOK_SECRET,
        webhook_header: str = DEFAULT_WEBHOOK_HEADER,
        webhook_url: str | None = None,
    ) -> None:
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.webhook_header = webhook_header
        self.webhook_url = webhook_url
        self.calls: list[tuple[str, str]] = []  # (route, path) of every request, in order
        self.orders: dict[str, dict[str, Any]] = {}
        self.base_url = ""
        self._delays: dict[str, float] = {}
        self._failures: dict[str, list[int]] = {}
        self._runner: web.AppRunner | None = None

    # -- knobs ----------------------------------------------------------------------------------------------------------

    def delay(self, route: str, seconds: float) -> None:
        """Answer this route only after `seconds` (0 for no delay)."""
        self._delays[_route(route)] = seconds

    def fail(self, route: str, status: int = 500, times: int = 1) -> None:
        """Answer the next `times` calls to this route with this HTTP status."""
        self._failures.setdefault(_route(route), []).extend([status] * times)

    def count(self, route: str) -> int:
        return Counter(name for name, _ in self.calls)[_route(route)]

    async def advance(self, order_id: str, status: str, *, notify: bool = True, secret: str | None = None) -> int | None:
        """The courier moves on: the order gets this status, and (unless notify=False) a webhook tells the shop's
        platform, signed with `secret` (the right one by default). The webhook's HTTP status, or None if not sent."""
        order = self.orders[order_id]
        order["status"] = status
        order["updated_at"] = _now()
        if status == "allocated":
            order["courier"].update(driver_name="Pak Slamet", driver_phone="081298765432", driver_plate_number="N 4321 AB")
        return await self.push(order_id, secret=secret) if notify else None

    async def remit(
        self, order_id: str, *, remitted: int | None = None, collected: int | None = None, notify: bool = True
    ) -> int | None:
        """Biteship pays the shop the cash its courier collected for a delivered cash-on-delivery order: `collected`
        from the buyer (by default what it was asked to), `remitted` to the shop (by default all of it). The webhook's
        HTTP status, or None if not sent."""
        cod = self.orders[order_id]["destination"]["cash_on_delivery"]
        if cod is None:
            raise ValueError("this order has no cash to collect")
        cod["collected_amount"] = cod["amount"] if collected is None else collected
        cod["remittance"] = {"id": f"rmt_{secrets.token_hex(6)}", "remitted_at": _now(),
                             "amount": cod["collected_amount"] if remitted is None else remitted}
        return await self.push(order_id, body=self.remittance_body(order_id)) if notify else None

    def remittance_body(self, order_id: str) -> bytes:
        order = self.orders[order_id]
        cod = order["destination"]["cash_on_delivery"]
        return json.dumps({
            "event": "order.cod_remitted", "order_id": order_id, "reference_id": order["reference_id"],
            "cod_amount": cod["collected_amount"], "remitted_amount": cod["remittance"]["amount"],
            "remittance_id": cod["remittance"]["id"], "remitted_at": cod["remittance"]["remitted_at"],
        }).encode()

    async def push(self, order_id: str, *, secret: str | None = None, body: bytes | None = None) -> int:
        """Send an order.status webhook about the order as it is now (or `body` as it is); the answer's status."""
        if self.webhook_url is None:
            raise RuntimeError("set webhook_url first")
        payload = body if body is not None else json.dumps(self.webhook_body(order_id)).encode()
        headers = {"Content-Type": "application/json", self.webhook_header: secret or self.webhook_secret}
        async with aiohttp.ClientSession() as session:
            async with session.post(self.webhook_url, data=payload, headers=headers) as response:
                await response.read()
                return response.status

    def webhook_body(self, order_id: str) -> dict[str, Any]:
        order = self.orders[order_id]
        courier = order["courier"]
        return {
            "event": "order.status", "order_id": order_id, "reference_id": order["reference_id"],
            "status": order["status"], "updated_at": order["updated_at"], "order_price": order["price"],
            "courier_tracking_id": courier["tracking_id"], "courier_waybill_id": courier["waybill_id"],
            "courier_company": courier["company"], "courier_type": courier["type"], "courier_link": courier["link"],
            "courier_driver_name": courier["driver_name"], "courier_driver_phone": courier["driver_phone"],
            "courier_driver_plate_number": courier["driver_plate_number"],
        }

    # -- server ---------------------------------------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        app = web.Application()
        app.add_routes([
            web.post("/v1/rates/couriers", self._guard("rates", self._rates)),
            web.post("/v1/orders", self._guard("orders", self._create)),
            web.get("/v1/orders/{id}", self._guard("order", self._get)),
            web.post("/v1/orders/{id}/cancel", self._guard("cancel", self._cancel)),
        ])
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))  # port 0: the system picks a free one, and we read which
        await web.SockSite(self._runner, sock).start()
        self.base_url = f"http://{host}:{sock.getsockname()[1]}"
        return self.base_url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBiteship:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    def _guard(self, route: str, handler: Any) -> Any:
        async def guarded(request: web.Request) -> web.Response:
            self.calls.append((route, request.path))
            if self._delays.get(route):
                await asyncio.sleep(self._delays[route])
            failures = self._failures.get(route)
            if failures:
                return _error(failures.pop(0), "Fake failure on demand", 50000000)
            if request.headers.get("Authorization") != self.api_key:
                return _error(401, "Authorization failed. Please check your API key.", 40100001)
            try:
                body = await request.json() if request.can_read_body else {}
            except ValueError:
                return _error(400, "Invalid JSON body", 40000001)
            return await handler(request, body if isinstance(body, dict) else {})

        return guarded

    async def _rates(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        points = [body.get(k) for k in ("origin_latitude", "origin_longitude", "destination_latitude", "destination_longitude")]
        if not all(isinstance(p, (int, float)) for p in points):
            return _error(400, "Instant couriers need origin and destination coordinates", 40001001)
        items = body.get("items")
        if not isinstance(items, list) or not items:
            return _error(400, "items is required", 40001002)
        grams = sum(int(i.get("weight", 0)) * int(i.get("quantity", 1)) for i in items if isinstance(i, dict))
        km = _km(*points)  # type: ignore[arg-type]
        wanted = {c.strip() for c in str(body.get("couriers", "")).split(",") if c.strip()}
        pricing = [_pricing(s, km, grams) for s in CATALOG
                   if s.company in wanted and km <= s.max_km and grams <= s.max_grams]
        return web.json_response({
            "success": True, "object": "courier_pricing", "message": "Success to retrieve courier pricing",
            "code": 20001003, "origin": {"latitude": points[0], "longitude": points[1]},
            "destination": {"latitude": points[2], "longitude": points[3]}, "pricing": pricing,
        })

    async def _create(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        required = ("origin_contact_name", "origin_contact_phone", "origin_address", "destination_contact_name",
                    "destination_contact_phone", "destination_address", "courier_company", "courier_type",
                    "delivery_type", "items")
        missing = [name for name in required if not body.get(name)]
        if missing:
            return _error(400, f"{missing[0]} is required", 40002001)
        service = next((s for s in CATALOG if s.company == body["courier_company"] and s.code == body["courier_type"]),
                       None)
        if service is None:
            return _error(400, "Courier service is not available", 40002002)
        origin, destination = body.get("origin_coordinate") or {}, body.get("destination_coordinate") or {}
        try:
            km = _km(origin["latitude"], origin["longitude"], destination["latitude"], destination["longitude"])
        except (KeyError, TypeError):
            return _error(400, "Instant couriers need origin_coordinate and destination_coordinate", 40002003)
        cod = body.get("destination_cash_on_delivery")
        if cod and not service.cod:
            return _error(400, f"{service.courier_name} {service.name} does not take cash on delivery", 40002004)
        grams = sum(int(i.get("weight", 0)) * int(i.get("quantity", 1)) for i in body["items"] if isinstance(i, dict))
        order_id = secrets.token_hex(12)
        order = {
            "success": True, "message": "Order successfully created", "object": "order", "id": order_id,
            "reference_id": body.get("reference_id"), "status": "confirmed", "price": service.price(km, grams),
            "updated_at": _now(), "items": body["items"], "note": body.get("order_note"),
            "origin": {"contact_name": body["origin_contact_name"], "coordinate": origin,
                       "address": body["origin_address"]},
            "destination": {
                "contact_name": body["destination_contact_name"], "contact_phone": body["destination_contact_phone"],
                "coordinate": destination, "address": body["destination_address"],
                "cash_on_delivery": None if not cod else {
                    "amount": cod, "amount_currency": "IDR", "type": body.get("destination_cash_on_delivery_type"),
                    "collected_amount": None, "remittance": None},
            },
            "courier": {"tracking_id": secrets.token_hex(12), "waybill_id": None, "company": service.company,
                        "type": service.code, "link": f"{self.base_url}/track/{order_id}", "driver_name": None,
                        "driver_phone": None, "driver_plate_number": None},
            "delivery": {"type": body["delivery_type"], "distance": round(km, 1), "distance_unit": "kilometer"},
        }
        self.orders[order_id] = order
        return web.json_response(order)

    async def _get(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        order = self.orders.get(request.match_info["id"])
        if order is None:
            return _error(404, "Order not found", 40400001)
        return web.json_response(order)

    async def _cancel(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        order = self.orders.get(request.match_info["id"])
        if order is None:
            return _error(404, "Order not found", 40400001)
        if order["status"] != "cancelled":  # cancelling twice is fine: the same answer
            if order["status"] not in _CANCELLABLE:
                return _error(400, f"An order that is {order['status']} can no longer be cancelled", 40003001)
            order["status"], order["updated_at"] = "cancelled", _now()
            order["cancellation_reason"] = body.get("cancellation_reason") or body.get("cancellation_reason_code")
        return web.json_response({**order, "message": "Order successfully cancelled"})


def _route(route: str) -> str:
    if route not in ROUTES:
        raise ValueError(f"route must be one of {ROUTES}")
    return route


def _error(status: int, message: str, code: int) -> web.Response:
    return web.json_response({"success": False, "error": message, "code": code}, status=status)


def _pricing(service: Service, km: float, grams: int) -> dict[str, Any]:
    low, high, unit = service.eta
    return {
        "company": service.company, "courier_name": service.courier_name, "courier_code": service.company,
        "courier_service_name": service.name, "courier_service_code": service.code, "type": service.code,
        "description": f"Estimasi tiba {low}-{high} jam", "duration": f"{low} - {high} {unit.title()}",
        "shipment_duration_range": f"{low} - {high}", "shipment_duration_unit": unit, "service_type": service.code,
        "shipping_type": "parcel", "price": service.price(km, grams),
        "available_for_cash_on_delivery": service.cod, "available_for_proof_of_delivery": False,
        "available_for_instant_waybill_id": True, "available_for_insurance": False,
    }


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance: instant couriers in a city price by distance."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


async def _serve(port: int, webhook_url: str | None) -> None:
    fake = FakeBiteship(webhook_url=webhook_url)
    print(f"fake Biteship at {await fake.start(port=port)}  (API key {fake.api_key!r})")
    try:
        await asyncio.Event().wait()
    finally:
        await fake.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the fake Biteship gateway on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument("--webhook-url", default=None, help="where to push order.status webhooks")
    args = parser.parse_args()
    try:
        asyncio.run(_serve(args.port, args.webhook_url))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
