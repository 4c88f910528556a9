"""A courier market for the delivery tests: a verified shop in Klojen with its point on the map and two staples, and a
buyer in Lowokwaru with a phone for the driver."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from tests.helpers.api import Api
from tests.helpers.catalog import add_product
from tests.helpers.people import REGISTER, Person, city_person, sign_up
from tests.helpers.shops import verified_shop

KAUMAN = {"latitude": -7.9826, "longitude": 112.6308}  # Toko Bu Endang, Klojen
HOME = {"kecamatan": "Lowokwaru", "kelurahan": "Dinoyo", "street": "Jl. MT Haryono No. 5",
        "latitude": -7.9465, "longitude": 112.6150}


@dataclass
class Shop:
    officer: Person
    seller: Person
    shop: dict[str, Any]
    beras: dict[str, Any]
    minyak: dict[str, Any]
    buyer: Person


async def courier_market(api: Api, **shop: Any) -> Shop:
    """A verified shop in Klojen with its point on the map, and a buyer in Lowokwaru with a phone for the driver."""
    officer = await city_person(api)
    seller = await sign_up(api, "SELLER", "Bu Endang")
    place = await verified_shop(api, seller, officer, name="Toko Bu Endang", **{**KAUMAN, **shop})
    beras = await add_product(api, seller, place["id"], name="Beras Medium 5 kg", price=67500, stock=20)
    minyak = await add_product(api, seller, place["id"], category="minyak-goreng", name="MinyaKita 1 L", unit="LITRE",
                               packSize=1, price=15700, stock=30)
    result = await api.ok(REGISTER, {"input": {"email": f"siti{time.monotonic_ns()}@example.id", "password": "rahasia-123",
                                               "name": "Siti Aminah", "role": "BUYER", "phone": "081355512345"}})
    buyer = Person(id=result["user"]["id"], email="", token=result["token"])
    return Shop(officer, seller, place, beras, minyak, buyer)


def quote_input(m: Shop, lines: list[tuple[dict[str, Any], int]], address: dict[str, Any] | None = HOME) -> dict[str, Any]:
    value: dict[str, Any] = {"shopId": m.shop["id"], "lines": [{"productId": p["id"], "quantity": q} for p, q in lines]}
    if address is not None:
        value["address"] = address
    return {"input": value}
