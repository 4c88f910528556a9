"""One seed run: its fixed moment and size (demo/data/demo.toml), the logins it documents, and the state its steps
share (one random stream, the rows made so far, the clock of the history).

Determinism: `SeedRun.rng` makes every choice, and every timestamp is placed relative to ANCHOR, a fixed moment (not the
run date), so the same seed gives the same rows on any day; the steps must keep drawing from it in the same order.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from typing import TextIO

from tortoise.models import Model

from umkm_graph.catalog.models import Product
from umkm_graph.demo.loading import load
from umkm_graph.people.models import Role, User
from umkm_graph.shops.models import Shop

_DEMO = load("demo")
_COUNTS = _DEMO.table("counts")

# Every timestamp lies before this moment: 1 November 2026, 10:00 WIB (kept in UTC, as the rows are).
ANCHOR: dt.datetime = _DEMO["anchor"].astimezone(dt.UTC)
# Orders spread over this many days before ANCHOR; shops and buyers register before that.
HISTORY_DAYS: int = _DEMO["history_days"]
DEMO_PASSWORD: str = _DEMO["password"]
MAX_SCALE = 50
# At scale 1; --scale multiplies each.
SHOPS_PER_KECAMATAN: int = _COUNTS["shops_per_kecamatan"]
PENDING_SHOPS: int = _COUNTS["pending_shops"]
ASN_BUYERS: int = _COUNTS["asn_buyers"]
RESIDENT_BUYERS: int = _COUNTS["resident_buyers"]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: Role
    who: str


DEMO_LOGINS = tuple(DemoLogin(row["email"], Role(row["role"]), row["who"]) for row in _DEMO.tables("login"))
DEMO_EMAILS = frozenset(login.email for login in DEMO_LOGINS)


class SeedError(Exception):
    """The seed cannot run: a bad argument, or a database that already holds data."""


@dataclass
class SeedSummary:
    seed: int
    scale: int
    users: int = 0
    asn_buyers: int = 0
    verified_shops: int = 0
    pending_shops: int = 0
    products: int = 0
    orders: int = 0
    reviews: int = 0
    logins: tuple[DemoLogin, ...] = DEMO_LOGINS
    password: str = DEMO_PASSWORD

    def lines(self) -> list[str]:
        """What the CLI prints: the counts, then the demo logins."""
        out = [
            f"Seeded Kota Malang demo data (seed {self.seed}, scale {self.scale}): {self.users} users "
            f"({self.asn_buyers} ASN), {self.verified_shops} verified and {self.pending_shops} pending shops, "
            f"{self.products} products, {self.orders} orders, {self.reviews} reviews.",
            f"Demo logins (password for every seeded account: {self.password}):",
        ]
        out += [f"  {login.email:<28} {login.role.value:<13} {login.who}" for login in self.logins]
        return out


class Progress:
    """A progress bar on stderr, written by hand; silent when no stream is given."""

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO | None) -> None:
        self.total, self.done, self.stream = max(total, 1), 0, stream

    def step(self, label: str, n: int = 1) -> None:
        if self.stream is None:
            return
        self.done = min(self.done + n, self.total)
        filled = self.WIDTH * self.done // self.total
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\rseeding {label:<9} [{bar}] {self.done}/{self.total}")
        self.stream.flush()

    def grow(self, n: int) -> None:
        """More work found on the way (the orders, once they are planned)."""
        self.total += n

    def close(self) -> None:
        if self.stream is not None:
            self.stream.write("\n")
            self.stream.flush()


def check_scale(scale: int) -> None:
    if not 1 <= scale <= MAX_SCALE:
        raise SeedError(f"--scale must be 1 to {MAX_SCALE}, got {scale}")


@dataclass
class Buyer:
    user: User
    kecamatan: str
    kelurahan: str
    address: str
    registered_days_ago: int


@dataclass
class SeededShop:
    shop: Shop
    owner: User
    kind: str
    products: list[Product] = field(default_factory=list)


@dataclass
class SeedRun:
    """What the steps of one run share: the random stream, the history's clock, and what was made so far."""

    rng: random.Random
    scale: int
    anchor: dt.datetime
    summary: SeedSummary
    password_hash: str = ""
    emails: set[str] = field(default_factory=set)
    nips: set[str] = field(default_factory=set)
    officer: User | None = None
    shops: list[SeededShop] = field(default_factory=list)  # the verified ones, which take orders
    buyers: list[Buyer] = field(default_factory=list)

    def moment(self, days_ago_low: float, days_ago_high: float) -> dt.datetime:
        """A moment between two ages, during Malang's waking hours (06:00-21:00 WIB), to the second."""
        day = self.anchor - dt.timedelta(days=self.rng.randint(math.ceil(days_ago_low), math.floor(days_ago_high)))
        wib_seconds = self.rng.randint(6 * 3600, 21 * 3600)
        start_of_day_wib = (day + dt.timedelta(hours=7)).replace(hour=0, minute=0, second=0, microsecond=0)
        return start_of_day_wib + dt.timedelta(seconds=wib_seconds) - dt.timedelta(hours=7)

    def later(self, at: dt.datetime, low_hours: float, high_hours: float) -> dt.datetime:
        """A moment some hours after another, never past the anchor."""
        later = at + dt.timedelta(seconds=int(self.rng.uniform(low_hours, high_hours) * 3600))
        return max(at, min(later, self.anchor - dt.timedelta(minutes=1)))

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(n))


async def stamp(model: type[Model], row_id: int, when: dt.datetime, **extra: object) -> None:
    """The services stamp rows with the time of the run; move a row to its place in the history."""
    await model.filter(id=row_id).update(created_at=when, **extra)
