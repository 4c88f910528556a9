"""The city's figure of office procurement: per OPD and month, the value bought from UMKM on the marketplace (by the
month its BAST was signed by both sides, WIB) and the year so far, against the 40% of the OPD's goods and services
budget that Perpres 12/2021 asks to go to micro and small businesses and cooperatives.

The same privacy rules as the other city figures: city officers and analysts read it, and a value bought from fewer
than k shops (UMKM_MIN_GROUP_SIZE) is withheld, with complementary suppression (city/disclosure.py), since the city's
total is shown too. Budgets and targets are the city's own numbers and always shown.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from umkm_graph.city.analytics import Period, parse_month, require_officer, require_reader
from umkm_graph.city.disclosure import shown, withheld
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.people.models import Opd, User
from umkm_graph.procurement.models import Procurement, ProcurementBudget, ProcurementStatus

TARGET_SHARE = 0.4  # Perpres 12/2021: at least 40% of goods and services spending to micro and small businesses
MAX_BUDGET = 10**14


@dataclass(frozen=True)
class OpdSpending:
    opd_code: str  # '' for the city's row
    opd_name: str
    budget: int | None  # the year's goods and services budget; None when the city has set none
    target: int | None  # 40% of it, rounded up
    spent: int | None  # in the month; None: withheld
    spent_year_to_date: int | None  # January to the month's end
    shops: int  # how many shops the month's value was bought from (0 when withheld)

    @property
    def target_share(self) -> float | None:
        """The year so far as a share of the target (1.0: met)."""
        if self.spent_year_to_date is None or not self.target:
            return None
        return self.spent_year_to_date / self.target


@dataclass(frozen=True)
class ProcurementSpending:
    month: str
    min_group_size: int
    target_share: float
    city: OpdSpending
    opds: list[OpdSpending]


async def set_budget(user: User | None, opd_code: str, year: int, amount: int) -> ProcurementBudget:
    officer = require_officer(user)
    opd = await Opd.get_or_none(code=opd_code.strip().upper())
    if opd is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No OPD on the list has this code", "opdCode")
    if not 2000 <= year <= 2100:
        raise DomainError(ErrorCode.INVALID, "The budget year lies between 2000 and 2100", "year")
    if not 0 < amount <= MAX_BUDGET:
        raise DomainError(ErrorCode.INVALID, f"A budget is above 0 and at most {MAX_BUDGET} rupiah", "amount")
    budget, _ = await ProcurementBudget.update_or_create(defaults={"amount": amount, "set_by_id": officer.id},
                                                         opd_id=opd.id, year=year)
    return await ProcurementBudget.get(id=budget.id).select_related("opd")


async def _bought(start: dt.datetime, end: dt.datetime) -> dict[int, tuple[int, set[int]]]:
    """Per OPD id: the value handed over in [start, end) and the shops it was bought from."""
    rows = await Procurement.filter(status=ProcurementStatus.HANDED_OVER, handed_over_at__gte=start,
                                    handed_over_at__lt=end).values_list("opd_id", "order__total", "order__shop_id")
    found: dict[int, tuple[int, set[int]]] = {}
    for opd_id, total, shop_id in rows:
        value, shops = found.get(opd_id, (0, set()))
        shops.add(shop_id)
        found[opd_id] = (value + total, shops)
    return found


def _city_value(bought: dict[int, tuple[int, set[int]]], k: int) -> int | None:
    """Every OPD's value together, shown when it was bought from no shop or from k shops or more."""
    shops = set().union(*(shops for _, shops in bought.values()))
    return sum(value for value, _ in bought.values()) if shown(len(shops), k) else None


def target_of(budget: int | None) -> int | None:
    return None if budget is None else math.ceil(budget * TARGET_SHARE)


async def procurement_spending(user: User | None, month: str, k: int) -> ProcurementSpending:
    require_reader(user)
    period: Period = parse_month(month, "month")
    month_bought = await _bought(period.start, period.end)
    year_bought = await _bought(parse_month(f"{period.first.year:04d}-01", "month").start, period.end)
    budgets = dict(await ProcurementBudget.filter(year=period.first.year).values_list("opd_id", "amount"))
    opds = [opd for opd in await Opd.all().order_by("short_name", "id")
            if opd.active or opd.id in budgets or opd.id in year_bought]
    month_shops = [len(month_bought.get(opd.id, (0, set()))[1]) for opd in opds]
    year_shops = [len(year_bought.get(opd.id, (0, set()))[1]) for opd in opds]
    hidden_month, hidden_year = withheld(month_shops, k), withheld(year_shops, k)
    rows = []
    for i, opd in enumerate(opds):
        budget = budgets.get(opd.id)
        rows.append(OpdSpending(
            opd_code=opd.code, opd_name=opd.short_name, budget=budget, target=target_of(budget),
            spent=None if i in hidden_month else month_bought.get(opd.id, (0, set()))[0],
            spent_year_to_date=None if i in hidden_year else year_bought.get(opd.id, (0, set()))[0],
            shops=0 if i in hidden_month else month_shops[i]))
    city_budget = sum(budgets.values()) if budgets else None
    city_shops = len(set().union(*(shops for _, shops in month_bought.values())))
    city = OpdSpending(opd_code="", opd_name="Kota Malang", budget=city_budget, target=target_of(city_budget),
                       spent=_city_value(month_bought, k), spent_year_to_date=_city_value(year_bought, k),
                       shops=city_shops if shown(city_shops, k) else 0)
    return ProcurementSpending(month=period.month or month, min_group_size=k, target_share=TARGET_SHARE, city=city,
                               opds=rows)
