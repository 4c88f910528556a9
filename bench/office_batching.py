"""Office delivery on payday, measured on the demo seed: courier trips and delivery fee per order for the ASN's delivered
orders, as they were (one trip each, to the buyer's address) and as office batches would carry them (one trip per shop,
OPD office and delivery day, its fee shared by the office_delivery rule).

    python bench/office_batching.py                      # seeds the demo (seed 1) into a temporary SQLite file
    python bench/office_batching.py --scale 10            # a demo ten times as large
    python bench/office_batching.py --database-url sqlite:///tmp/demo.db   # an already seeded demo database

Each scenario names the office's delivery days; an order rides on the first delivery day after the day it was placed
(the cut-off is the evening before). The trip's fee is the shop's own delivery fee to the office's kecamatan (what
shop_courier quotes); an order whose shop does not deliver there, or whose buyer's OPD has no office address, keeps
its own trip. The figures are printed, nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from umkm_graph.core.wib import WIB
from umkm_graph.db import close_database, open_database
from umkm_graph.demo.seed import seed_database
from umkm_graph.office_delivery.batches import shares
from umkm_graph.orders.models import DeliveryMethod, Order, OrderStatus
from umkm_graph.people.models import Opd

Rule = Callable[[dt.date], bool]  # whether the office takes deliveries that day
SCENARIOS: dict[str, Rule] = {
    "every working day": lambda day: day.weekday() < 5,
    "Tuesdays and Fridays": lambda day: day.weekday() in (1, 4),
    "payday: first 3 working days of the month": lambda day: day.weekday() < 5 and _working_days_before(day) < 3,
}


def _working_days_before(day: dt.date) -> int:
    return sum(1 for d in range(1, day.day) if day.replace(day=d).weekday() < 5)


@dataclass(frozen=True)
class Delivered:
    shop_id: int
    opd_id: int | None
    placed_on: dt.date
    fee: int  # what the order paid for its own trip
    office_fee: int | None  # the shop's fee to the buyer's office's kecamatan, when it delivers there


@dataclass(frozen=True)
class Figures:
    orders: int
    trips: int
    fees: list[int]

    def line(self, label: str) -> str:
        mean = statistics.fmean(self.fees) if self.fees else 0
        return (f"{label:<54} {self.orders:>6} orders  {self.trips:>6} trips  {self.orders / max(self.trips, 1):>5.2f} "
                f"orders/trip  fee/order mean Rp{mean:>8,.0f}  median Rp{statistics.median(self.fees or [0]):>8,.0f}  "
                f"total Rp{sum(self.fees):>11,}")


async def delivered_asn_orders() -> list[Delivered]:
    offices = {opd.id: opd.kecamatan for opd in await Opd.all() if opd.kecamatan and opd.address}
    orders = await (Order.filter(delivery_method=DeliveryMethod.DELIVERY, buyer__opd_unit_id__not_isnull=True)
                    .exclude(status=OrderStatus.CANCELLED).prefetch_related("buyer", "shop"))
    found = []
    for order in orders:
        opd_id = order.buyer.opd_unit_id  # type: ignore[attr-defined]
        office_fee = order.shop.delivery_fees.get(offices[opd_id]) if opd_id in offices else None
        found.append(Delivered(order.shop_id, opd_id, order.created_at.astimezone(WIB).date(),  # type: ignore[attr-defined]
                               order.delivery_fee, office_fee))
    return found


def alone(orders: list[Delivered]) -> Figures:
    return Figures(len(orders), len(orders), [o.fee for o in orders])


def batched(orders: list[Delivered], takes: Rule) -> Figures:
    batches: dict[tuple[int, int, dt.date], list[int]] = defaultdict(list)
    fees: list[int] = []
    trips = 0
    for order in orders:
        if order.office_fee is None or order.opd_id is None:
            trips += 1
            fees.append(order.fee)
            continue
        day = order.placed_on + dt.timedelta(days=1)
        while not takes(day):
            day += dt.timedelta(days=1)
        batches[(order.shop_id, order.opd_id, day)].append(order.office_fee)
    for trip_fees in batches.values():
        trips += 1
        fees.extend(shares(trip_fees[0], len(trip_fees)))
    return Figures(len(orders), trips, fees)


async def measure(database_url: str) -> None:
    await open_database(database_url)
    try:
        orders = await delivered_asn_orders()
    finally:
        await close_database()
    reachable = sum(1 for o in orders if o.office_fee is not None)
    print(f"ASN delivery orders on the seed (not cancelled): {len(orders)}; the shop delivers to the buyer's office "
          f"kecamatan for {reachable}")
    print(alone(orders).line("without batching (one trip per order)"))
    for name, rule in SCENARIOS.items():
        print(batched(orders, rule).line(f"office batches, {name}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a seeded demo database; without it, one is seeded in a temporary file")
    parser.add_argument("--scale", type=int, default=1, help="the demo seed's scale (umkm-graph seed --scale)")
    args = parser.parse_args()
    if args.database_url:
        asyncio.run(measure(args.database_url))
        return
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite://{Path(folder) / 'demo.sqlite3'}"
        asyncio.run(seed_database(url, scale=args.scale))
        asyncio.run(measure(url))


if __name__ == "__main__":
    main()
