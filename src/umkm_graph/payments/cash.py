"""A shop's cash on delivery, day by day (WIB): the cash its orders were expected to bring, what was collected and by
whom, the discrepancy between them, what is still outstanding, and what couriers owe and remitted, read from the
payments and the cash ledger (CashCollection, CashRemittance). Expected is every cash-on-delivery order not cancelled, on
the day it was placed."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.payments.models import CashCollection, CashCollector, CashRemittance, Payment, PaymentStatus
from umkm_graph.people.models import User
from umkm_graph.plugin_host import Providers
from umkm_graph.shops.service import get_owned_shop

WIB = ZoneInfo("Asia/Jakarta")
MAX_DAYS = 92  # a quarter at most per statement
_OWED = (PaymentStatus.PENDING, PaymentStatus.PAID)  # a cancelled order's cash was never owed


@dataclass(frozen=True)
class CashDay:
    day: dt.date
    expected: int  # cash of the cash-on-delivery orders placed that day
    collected: int  # cash collected that day, whichever day its order was placed
    collected_by_courier: int  # ...of which a courier took, owed by the courier to the shop
    discrepancy: int  # collected minus expected, of that day's collections: short is negative
    outstanding: int  # at the end of the day: expected of every order so far whose cash is not collected yet
    orders_collected: int
    remitted: int  # cash couriers paid the shop that day
    remittance_discrepancy: int  # remitted minus what the courier owed, of that day's remittances: short is negative
    owed_by_courier: int  # at the end of the day: cash couriers collected and have not remitted yet


def _day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(WIB).date()


async def cash_statement(
    user: User | None, shop_id: int, first: dt.date, last: dt.date, providers: Providers
) -> list[CashDay]:
    """The shop's cash statement from `first` to `last` (WIB days, both included), for its seller."""
    await get_owned_shop(user, shop_id)
    if last < first:
        raise DomainError(ErrorCode.INVALID, "The last day comes on or after the first", "to")
    if (last - first).days >= MAX_DAYS:
        raise DomainError(ErrorCode.INVALID, f"A statement covers at most {MAX_DAYS} days", "to")
    cash_methods = [code for code, option in providers.payment_options.items() if option.method.cash_on_delivery]
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), WIB)
    owed = await Payment.filter(order__shop_id=shop_id, method__in=cash_methods, status__in=_OWED,
                                order__created_at__lt=end).values("id", "amount", "order__created_at")
    collections = {c.payment_id: c for c in await CashCollection.filter(  # type: ignore[attr-defined]
        shop_id=shop_id, collected_at__lt=end)}
    remittances = {r.payment_id: r for r in await CashRemittance.filter(  # type: ignore[attr-defined]
        shop_id=shop_id, remitted_at__lt=end)}
    expected: dict[dt.date, int] = defaultdict(int)
    for row in owed:
        expected[_day(row["order__created_at"])] += row["amount"]
    days = []
    day = first
    while day <= last:
        today = [c for c in collections.values() if _day(c.collected_at) == day]
        remitted_today = [r for r in remittances.values() if _day(r.remitted_at) == day]
        uncollected = sum(row["amount"] for row in owed if _day(row["order__created_at"]) <= day
                          and _uncollected_by(collections.get(row["id"]), day + dt.timedelta(days=1)))
        days.append(CashDay(
            day=day, expected=expected[day], collected=sum(c.collected for c in today),
            collected_by_courier=sum(c.collected for c in today if c.collector == CashCollector.COURIER),
            discrepancy=sum(c.collected - c.expected for c in today), outstanding=uncollected,
            orders_collected=len(today), remitted=sum(r.remitted for r in remitted_today),
            remittance_discrepancy=sum(r.remitted - r.owed for r in remitted_today),
            owed_by_courier=sum(c.collected for c in collections.values() if c.collector == CashCollector.COURIER
                                and _day(c.collected_at) <= day
                                and _unremitted_by(remittances.get(c.payment_id), day + dt.timedelta(days=1))),
        ))
        day += dt.timedelta(days=1)
    return days


def _uncollected_by(collection: CashCollection | None, day: dt.date) -> bool:
    """Whether the order's cash was still uncollected at the start of `day`."""
    return collection is None or _day(collection.collected_at) >= day


def _unremitted_by(remittance: CashRemittance | None, day: dt.date) -> bool:
    """Whether a courier still owed the order's cash at the start of `day`."""
    return remittance is None or _day(remittance.remitted_at) >= day
