"""How long orders wait on people (issue 13), before and after notifications, reminders and auto-complete: simulated
sellers and buyers act on the seeded demo through GraphQL, the real jobs run on a moved clock, and the figures are
read from the orders' own recorded transitions.

    .venv/bin/python bench/order_times.py                 # 80 orders, seed 7
    .venv/bin/python bench/order_times.py --orders 200 --seed 3

Each scenario seeds the demo into its own in-memory SQLite app and places `--orders` cash-on-delivery pickup orders,
one line each, by random demo buyers at random verified demo shops that offer pickup, at uniformly random moments in
the first simulated day. The clock every service reads (`datetime.datetime.now`, tortoise's timestamps, tokens) is
moved through the simulation: this script replaces `datetime.datetime` with a subclass whose `now()` adds an offset,
before anything else is imported, and sets the offset at each step. The jobs (`jobs.run_once` with the outbox, and
`jobs.run_order_jobs` with the deadlines) run every `--tick` simulated minutes on that clock. Notifications leave by
the real outbox to a real SMTP server on 127.0.0.1 (aiosmtpd); an actor reads a mail at the tick that sent it.

The actors (all times drawn from `random.Random(seed)`):
- **Sellers poll.** Each seller opens the app at random moments, gaps exponential with mean `POLL_MEAN` (3.5 h), so
  an order placed at any moment waits for the next opening (memoryless: median 3.5 h x ln 2, about 146 minutes, as
  the issue's 150 were measured). They accept at that opening, after `HANDLE` (1 to 5 minutes).
- **Sellers read notifications** (after only): on the new-order mail or the accept reminder, a seller accepts after a
  delay lognormal with median `READ_MEDIAN` (20 minutes) and sigma `READ_SIGMA` (1.2), unless an opening comes first.
- **Preparing and pickup** (both): ready after 20 to 90 minutes; the buyer comes after a delay lognormal with median
  3 hours (sigma 0.8); the seller then marks it delivered with the pickup code and confirms the cash at once.
- **Buyers complete.** Before: one buyer in four presses "complete", after an exponential delay with mean 24 hours; the
  others never do. After: on the "delivered" mail, half press "complete" after a delay lognormal with median 1 hour
  (sigma 1.0); the others leave it to the auto-complete deadline (72 hours).
- **Before**: no notifications (the outbox is not sent), no accept deadline, no reminder, no auto-complete. **After**:
  the settings' defaults (accept in 24 h, reminder 4 h before, auto-complete after 72 h) and the outbox sent each tick.

It prints, per scenario, the median and the 90th percentile of PLACED -> ACCEPTED and of DELIVERED -> COMPLETED, read
from each order's transitions (an order never completed within the horizon counts as never: a median of "never"
means more than half stayed DELIVERED), and how many orders were cancelled unaccepted.
"""

from __future__ import annotations

import datetime as _datetime

_REAL_DATETIME = _datetime.datetime


class MovedClock(_REAL_DATETIME):
    """datetime.datetime with `now()` moved forward by `offset`: the one clock every service reads."""

    offset = _datetime.timedelta(0)

    @classmethod
    def now(cls, tz: _datetime.tzinfo | None = None) -> MovedClock:  # type: ignore[override]
        return super().now(tz) + cls.offset  # type: ignore[return-value]

    @classmethod
    def utcnow(cls) -> MovedClock:  # type: ignore[override]
        return super().now(_datetime.UTC).replace(tzinfo=None) + cls.offset  # type: ignore[return-value]


_datetime.datetime = MovedClock  # type: ignore[misc]  # before any other import, so every module takes this one

import sqlite3

# sqlite3 adapts by exact type, and its defaults were registered for whichever class the name held at import.
for _kind in (MovedClock, _REAL_DATETIME):
    sqlite3.register_adapter(_kind, lambda value: value.isoformat(" "))

# ruff: noqa: E402 - the imports below must see the moved clock
import argparse
import asyncio
import dataclasses
import heapq
import itertools
import math
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/helpers: the in-process client, the SMTP server

from tests.helpers.api import Api, asgi_client, started_app
from tests.helpers.checkout import cart, check_out
from tests.helpers.mail import Mailbox, mailing, smtp_server
from tests.helpers.orders import attempt
from tests.helpers.people import Person
from umkm_graph import jobs
from umkm_graph.demo.seed import seed_open_database
from umkm_graph.orders.models import Order, OrderStatus, OrderTransition
from umkm_graph.people.models import Role, User
from umkm_graph.people.service import issue_token
from umkm_graph.settings import Settings
from umkm_graph.shops.models import Shop, ShopStatus

dt = _datetime
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
POLL_MEAN = 3.5 * HOUR
HANDLE = (1, 5)  # minutes
READ_MEDIAN, READ_SIGMA = 20 * MINUTE, 1.2
PREPARE = (20, 90)  # minutes
PICKUP_MEDIAN, PICKUP_SIGMA = 3 * HOUR, 0.8
BEFORE_COMPLETE_SHARE, BEFORE_COMPLETE_MEAN = 0.25, 24 * HOUR
AFTER_COMPLETE_SHARE, AFTER_COMPLETE_MEDIAN, AFTER_COMPLETE_SIGMA = 0.5, 1 * HOUR, 1.0
PLACING = 24 * HOUR  # orders are placed over the first simulated day
HORIZON = 7 * dt.timedelta(days=1)  # enough for the accept deadline, pickup and auto-complete of the last order
TOKEN_TTL = 60 * 24 * 3600


def set_clock(moment: dt.datetime) -> None:
    MovedClock.offset = dt.timedelta(0)
    MovedClock.offset = moment - MovedClock.now(dt.UTC)


@dataclass
class SimOrder:
    order: dict[str, Any]
    seller: Person
    buyer: Person
    accepted: bool = False
    delivered: bool = False
    buyer_told: bool = False


@dataclass
class Simulation:
    api: Api
    app: Any
    settings: Settings
    mailbox: Mailbox
    rng: random.Random
    after: bool
    tick: dt.timedelta
    queue: list[tuple[dt.datetime, int, Callable[[], Awaitable[None]]]] = field(default_factory=list)
    serial: itertools.count = field(default_factory=itertools.count)
    orders: dict[str, SimOrder] = field(default_factory=dict)  # by reference
    mails_read: int = 0

    def at(self, moment: dt.datetime, action: Callable[[], Awaitable[None]]) -> None:
        heapq.heappush(self.queue, (moment, next(self.serial), action))

    def lognormal(self, median: dt.timedelta, sigma: float) -> dt.timedelta:
        return median * math.exp(self.rng.gauss(0.0, sigma))

    def exponential(self, mean: dt.timedelta) -> dt.timedelta:
        return mean * self.rng.expovariate(1.0)

    async def run(self, start: dt.datetime) -> None:
        end, next_jobs = start + HORIZON, start
        state = self.app.state
        outbox = jobs.OutboxPolicy.from_settings(self.settings) if self.after else None
        while True:
            upcoming = self.queue[0][0] if self.queue else end
            if next_jobs <= upcoming and next_jobs < end:
                set_clock(next_jobs)
                await jobs.run_once(state.providers, state.events, next_jobs, outbox=outbox)
                await jobs.run_order_jobs(state.providers, state.events, self.settings, next_jobs)
                self.read_mail(next_jobs)
                next_jobs += self.tick
                continue
            if not self.queue or upcoming >= end:
                return
            moment, _, action = heapq.heappop(self.queue)
            set_clock(moment)
            await action()

    # -- the actors ---------------------------------------------------------------------------------------------------

    async def place(self, buyer: Person, seller: Person, shop_id: str, product_id: str, now: dt.datetime) -> None:
        placed = await check_out(self.api, buyer, cart([({"id": product_id}, 1)], [({"id": shop_id}, "pickup")]))
        (order,) = placed["orders"]
        sim = SimOrder(order, seller, buyer)
        self.orders[order["reference"]] = sim
        self.at(now + self.exponential(POLL_MEAN), lambda: self.seller_looks(sim, polled=True))

    async def seller_looks(self, sim: SimOrder, *, polled: bool) -> None:
        if sim.accepted:
            return
        now = MovedClock.now(dt.UTC)
        if polled:  # the app shows the order; the next opening is scheduled in case this one does not get to it
            self.at(now + dt.timedelta(minutes=self.rng.uniform(*HANDLE)), lambda: self.accept(sim))
        else:
            self.at(now, lambda: self.accept(sim))

    async def accept(self, sim: SimOrder) -> None:
        if sim.accepted:
            return
        result = await attempt(self.api, "acceptOrder", sim.order, sim.seller)
        sim.accepted = True  # accepted now, or cancelled by the deadline already: either way the seller is done
        if result["errors"]:
            return
        now = MovedClock.now(dt.UTC)
        ready = now + dt.timedelta(minutes=self.rng.uniform(*PREPARE))
        self.at(ready, lambda: self.step(sim, "markReadyForPickup"))
        self.at(ready + self.lognormal(PICKUP_MEDIAN, PICKUP_SIGMA), lambda: self.picked_up(sim))

    async def step(self, sim: SimOrder, name: str) -> None:
        result = await attempt(self.api, name, sim.order, sim.buyer if name == "completeOrder" else sim.seller)
        assert not result["errors"] or name == "completeOrder", (name, result["errors"])

    async def picked_up(self, sim: SimOrder) -> None:
        await self.step(sim, "markDelivered")
        await self.step(sim, "confirmCashCollected")
        sim.delivered = True
        if not self.after and self.rng.random() < BEFORE_COMPLETE_SHARE:
            self.at(MovedClock.now(dt.UTC) + self.exponential(BEFORE_COMPLETE_MEAN),
                    lambda: self.step(sim, "completeOrder"))

    def read_mail(self, now: dt.datetime) -> None:
        """The mails the last jobs run sent, read by their people as they arrive."""
        with self.mailbox.lock:
            new = self.mailbox.messages[self.mails_read:]
            self.mails_read = len(self.mailbox.messages)
        new.sort(key=lambda mail: (str(mail["To"]), str(mail["Subject"])))  # sent side by side: one order per run
        for mail in new:
            subject, to = str(mail["Subject"]), str(mail["To"])
            for reference, sim in self.orders.items():
                if reference not in subject:
                    continue
                if to == sim.seller.email and not sim.accepted:  # a new order, or the reminder
                    self.at(now + self.lognormal(READ_MEDIAN, READ_SIGMA), lambda s=sim: self.seller_looks(s, polled=False))
                elif to == sim.buyer.email and sim.delivered and not sim.buyer_told:
                    sim.buyer_told = True
                    if self.rng.random() < AFTER_COMPLETE_SHARE:
                        self.at(now + self.lognormal(AFTER_COMPLETE_MEDIAN, AFTER_COMPLETE_SIGMA),
                                lambda s=sim: self.step(s, "completeOrder"))


# -- the scenario -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    accepted: list[float]  # minutes PLACED -> ACCEPTED, per accepted order
    cancelled_unaccepted: int
    completed: list[float]  # minutes DELIVERED -> COMPLETED, math.inf for never
    by_system: int  # of the completed, how many the auto-complete deadline completed
    seconds: float


async def scenario(base: Settings, *, after: bool, orders: int, seed: int, tick: dt.timedelta) -> Figures:
    started = time.perf_counter()
    set_clock(_REAL_DATETIME.now(dt.UTC))
    windows = {} if after else {"accept_deadline_hours": 0, "accept_reminder_hours": 0, "auto_complete_hours": 0}
    with smtp_server() as (mailbox, port):
        settings = mailing(base, port, **windows)
        async with started_app(settings) as app:
            await seed_open_database(seed=1, providers=app.state.providers)
            client = asgi_client(app)
            try:
                sim = Simulation(Api(client), app, settings, mailbox, random.Random(seed), after, tick)
                start = MovedClock.now(dt.UTC)
                await plan_orders(sim, settings, orders, start)
                await sim.run(start)
            finally:
                await client.aclose()
            figures = await measure([s.order["id"] for s in sim.orders.values()], start + HORIZON)
    return dataclasses.replace(figures, seconds=time.perf_counter() - started)


async def plan_orders(sim: Simulation, settings: Settings, count: int, start: dt.datetime) -> None:
    shops = await Shop.filter(status=ShopStatus.VERIFIED, offers_pickup=True).prefetch_related("owner", "products")
    offers = [(shop, product) for shop in shops for product in shop.products
              if product.stock >= 5 and getattr(product, "is_active", True)]
    buyers = await User.filter(role=Role.BUYER).order_by("id")
    people: dict[int, Person] = {}

    def person(user: User) -> Person:
        if user.id not in people:
            people[user.id] = Person(str(user.id), user.email, issue_token(user, settings.secret_key, TOKEN_TTL))
        return people[user.id]

    for _ in range(count):
        shop, product = sim.rng.choice(offers)
        buyer = sim.rng.choice([b for b in buyers if b.id != shop.owner.id])
        moment = start + PLACING * sim.rng.random()
        sim.at(moment, lambda b=person(buyer), s=person(shop.owner), shop_id=str(shop.id), product_id=str(product.id),
               m=moment: sim.place(b, s, shop_id, product_id, m))


async def measure(order_ids: list[str], horizon: dt.datetime) -> Figures:
    accepted, completed, cancelled, by_system = [], [], 0, 0
    for order in await Order.filter(id__in=[int(i) for i in order_ids]):
        transitions = await OrderTransition.filter(order_id=order.id).order_by("id")
        moves = {(t.from_status, t.to_status): t.created_at for t in transitions}
        by_system += any(t.to_status == OrderStatus.COMPLETED and t.actor_id is None  # type: ignore[attr-defined]
                         for t in transitions)
        taken = moves.get((OrderStatus.PLACED, OrderStatus.ACCEPTED))
        if taken is None:
            cancelled += 1
            continue
        accepted.append((taken - order.created_at) / MINUTE)
        delivered = next((at for (_, to), at in moves.items() if to == OrderStatus.DELIVERED), None)
        done = moves.get((OrderStatus.DELIVERED, OrderStatus.COMPLETED))
        if delivered is not None:
            completed.append((done - delivered) / MINUTE if done is not None and done <= horizon else math.inf)
    return Figures(accepted, cancelled, completed, by_system, 0.0)


def minutes(value: float) -> str:
    return "never" if math.isinf(value) else f"{value:,.0f} min ({value / 60:.1f} h)"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else math.nan


def report(name: str, figures: Figures) -> None:
    never = sum(math.isinf(v) for v in figures.completed)
    print(f"{name}: {len(figures.accepted)} accepted, {figures.cancelled_unaccepted} cancelled unaccepted; "
          f"{len(figures.completed)} delivered, {never} never completed, {figures.by_system} completed by the "
          f"auto-complete deadline  ({figures.seconds:.0f} s)")
    print(f"  PLACED -> ACCEPTED     median {minutes(statistics.median(figures.accepted))}, "
          f"p90 {minutes(percentile(figures.accepted, 0.9))}")
    print(f"  DELIVERED -> COMPLETED median {minutes(statistics.median(figures.completed))}, "
          f"p90 {minutes(percentile(figures.completed, 0.9))}")


async def main(orders: int, seed: int, tick_minutes: float) -> None:
    with tempfile.TemporaryDirectory() as media:
        base = Settings(database_url="sqlite://:memory:", secret_key="bench-secret-key-for-order-times-only",
                        media_dir=media, token_ttl_seconds=TOKEN_TTL)
        tick = dt.timedelta(minutes=tick_minutes)
        print(f"{orders} orders on the seeded demo, seed {seed}, jobs every {tick_minutes:g} simulated minutes")
        for name, after in (("before (polling, no deadlines)", False),
                            ("after (notifications, reminder, auto-complete)", True)):
            report(name, await scenario(base, after=after, orders=orders, seed=seed, tick=tick))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=80)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tick", type=float, default=5.0, help="simulated minutes between jobs runs")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.orders, arguments.seed, arguments.tick))
