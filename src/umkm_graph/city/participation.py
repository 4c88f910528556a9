"""ASN participation: per OPD, how many registered ASN bought from UMKM in a period, how much, and how many reached the
monthly spend target; and one ASN's own progress.

A purchase is a COMPLETED order, dated by when it was placed (WIB), worth its goods (subtotal, without the delivery
fee), and completed before its month settled. An ASN is an account with a NIP, in the OPD it was in when the period
ended (opd_memberships); registered ASN are those whose NIP was registered before the period ended. Once the city has
imported the BKPSDM roster, the ASN of a period are the roster's in force in its last month, under the OPD it lists
them in, with or without an account ("of Diskominfo's 180 ASN, 41 bought"); an account whose NIP it does not list counts
as a resident. Every figure about
people passes through disclosure.withheld, so no answer shows fewer than k of them; and the period snaps to whole
calendar months, withheld whole until they have settled (buckets), so that no two answers differ by a day's purchases,
nor by a completion or a registration made after the month.

Across tables (hardening II, item 5): the month's sales (salesAggregates, with no dimension) are all ASN plus the
residents, so the residents are one more cell of the OPD table. When 1 to k-1 residents bought, the city's row is
withheld, and with it at least one OPD of k or more buyers, so that neither the month's total minus the city's spend nor
minus the shown OPDs reveals them. Spend by kecamatan and by category is no longer given: crossed with the sales of the
same kecamatan or category it revealed the residents who bought there (docs/security.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from umkm_graph.city import analytics_sql as sql
from umkm_graph.city.analytics import Period, month_key, parse_month, today_wib
from umkm_graph.city.buckets import DEFAULT_SETTLE_DAYS, is_settled, whole_months
from umkm_graph.city.disclosure import shown, withheld
from umkm_graph.city.models import SpendTarget
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.people.models import User
from umkm_graph.people.roster import grade_of
from umkm_graph.people.roster_lookup import roster_for, roster_grade

MAX_TARGET = 100_000_000


@dataclass(frozen=True)
class OpdParticipation:
    """One OPD's row, or all ASN's (opd None). Withheld figures are None, and suppressed says that some are; a row
    withheld whole has no figures."""

    opd: str | None
    registered: int | None
    buyers: int | None
    spend: int | None
    median_spend: int | None
    compliant: int | None  # buyers whose spend reached the target; None without a target, or withheld
    suppressed: bool = False

    @property
    def buying_share(self) -> float | None:
        return _share(self.buyers, self.registered)

    @property
    def compliance_share(self) -> float | None:
        return _share(self.compliant, self.registered)


@dataclass(frozen=True)
class Participation:
    period: Period
    min_group_size: int
    target: int | None  # the month's spend target; None for a date range or when the city has set none
    city: OpdParticipation
    opds: list[OpdParticipation]
    closed: bool = False  # settled: every month ended UMKM_ANALYTICS_SETTLE_DAYS ago or more; until then withheld
    roster_month: str | None = None  # YYYY-MM of the BKPSDM roster counted as the ASN; None: registered accounts


@dataclass(frozen=True)
class _Group:
    """One group's counts, as SQL gives them: an OPD's, or all ASN's (opd '')."""

    opd: str
    registered: int = 0
    buyers: int = 0
    spend: int = 0
    median_spend: int | None = None
    compliant: int = 0


def _share(part: int | None, whole: int | None) -> float | None:
    return None if part is None or not whole else part / whole


async def target_for(month_first: dt.date, grade: str = "") -> SpendTarget | None:
    """The target in force in a month: the latest one set from that month or before, for this grade when it has one
    of its own, else for every grade."""
    before = SpendTarget.filter(effective_from__lte=month_first).order_by("-effective_from")
    own = await before.filter(grade=grade).first() if grade else None
    return own or await before.filter(grade="").first()


async def grade_targets(month_first: dt.date) -> dict[str, int]:
    """The grades with a target of their own in force in a month, and its amount."""
    found: dict[str, int] = {}
    for target in await SpendTarget.filter(effective_from__lte=month_first).exclude(grade="").order_by("effective_from"):
        found[target.grade] = target.amount  # a later month's replaces an earlier one
    return found


async def participation(period: Period, k: int, settle_days: int = DEFAULT_SETTLE_DAYS) -> Participation:
    """Participation per OPD and for the city over the whole months the period touches, with every group of fewer than
    k people withheld, and every figure withheld while one of those months has not settled.

    Over several months a row is shown only when each of its months shows it: spend adds up month by month, so
    July to September minus August to September would otherwise be July's, a month that may have withheld it."""
    period = whole_months(period)
    if period.month is not None:
        return await _participation(period, k, settle_days)
    months = [await _participation(month, k, settle_days) for month in months_of(period)]
    hidden_opds = {row.opd for month in months for row in month.opds if row.registered is None}
    city_hidden = any(month.city.registered is None for month in months)
    return await _participation(period, k, settle_days, frozenset(hidden_opds), city_hidden)


def months_of(period: Period) -> list[Period]:
    """The calendar months of a period of whole months, in order."""
    months, first = [], period.first
    while first <= period.last:
        month = parse_month(month_key(first), "period")
        months.append(month)
        first = month.last + dt.timedelta(days=1)
    return months


async def _participation(period: Period, k: int, settle_days: int, hidden_opds: frozenset[str] = frozenset(),
                         city_hidden: bool = False) -> Participation:
    """One period's participation, with `hidden_opds` (and the city's row, when `city_hidden`) withheld anyway."""
    target = await target_for(period.first) if period.month else None
    amount = target.amount if target else None
    roster = await roster_for(period.last.replace(day=1))
    graded = await grade_targets(period.first) if period.month and roster else {}
    basis: dict[str, object] = {"roster": roster.id if roster else None}
    for i, (grade, grade_amount) in enumerate(sorted(graded.items())):
        basis |= {f"grade{i}": grade, f"grade_target{i}": grade_amount}
    has_target = amount is not None or bool(graded)
    groups = [
        _Group(opd=str(row["opd"]), registered=int(row["registered"]), buyers=int(row["buyers"]),
               spend=int(row["spend"]), compliant=int(row["compliant"]),
               median_spend=None if row["median_spend"] is None else int(row["median_spend"]))
        for row in await sql.fetch(sql.participation(sql.dialect(), roster is not None, len(graded)), start=period.start,
                                   end=period.end, target=amount, settle_seconds=settle_days * 86_400, **basis)
    ]
    (row,) = await sql.fetch(sql.resident_buyers(sql.dialect(), roster is not None), start=period.start,
                             end=period.end, settle_seconds=settle_days * 86_400, **basis)
    residents_few = not shown(int(row["residents"]), k)
    city = _city(next((g for g in groups if g.opd == ""), _Group("")), k, has_target, residents_few)
    if city_hidden:
        city = _hidden(None)
    opds = _opds(sorted((g for g in groups if g.opd != ""), key=lambda g: g.opd), k, has_target,
                 residents_few, hidden_opds)
    closed = is_settled(period, settle_days)
    if not closed:
        city, opds = _hidden(None), [_hidden(row.opd) for row in opds]
    return Participation(period, k, amount, city, opds, closed, f"{roster.month:%Y-%m}" if roster else None)


def _row(group: _Group, has_target: bool, compliance_hidden: bool) -> OpdParticipation:
    compliant = None if not has_target or compliance_hidden else group.compliant
    return OpdParticipation(
        opd=group.opd or None, registered=group.registered, buyers=group.buyers, spend=group.spend,
        median_spend=group.median_spend, compliant=compliant, suppressed=compliant is None and has_target,
    )


def _hidden(opd: str | None) -> OpdParticipation:
    return OpdParticipation(opd, None, None, None, None, None, suppressed=True)


def _city(group: _Group, k: int, has_target: bool, residents_few: bool) -> OpdParticipation:
    if group.registered < k or not shown(group.buyers, k) or residents_few:
        return _hidden(None)
    return _row(group, has_target, not shown(group.compliant, k))


def _opds(groups: list[_Group], k: int, has_target: bool, residents_few: bool,
          hidden_opds: frozenset[str] = frozenset()) -> list[OpdParticipation]:
    """Rows of OPDs with fewer than k registered ASN are withheld whole; so is a row whose buyers number 1 to k-1, and
    its complement, so the city's row minus the shown ones never reveals a small group. The residents are the last
    cell when they are few (withheld with the city's row), so that an OPD of k or more is withheld with them. Compliance
    counts are withheld the same way among the rows left."""
    small = {i for i, group in enumerate(groups) if group.registered < k or group.opd in hidden_opds}
    residents = [1] if residents_few else []  # 1 stands for 1 to k-1: only whether it is small matters
    hidden = withheld([group.buyers for group in groups] + residents, k, forced=small) - {len(groups)}
    compliance_hidden = withheld([group.compliant for group in groups], k, forced=hidden)
    return [_hidden(group.opd) if i in hidden else _row(group, has_target, i in compliance_hidden)
            for i, group in enumerate(groups)]


# --- targets and one ASN's progress ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AsnProgress:
    month: str
    target: int | None
    spent: int  # completed orders placed this month
    completed_orders: int
    pending: int  # orders placed this month and still on their way (they count once completed)

    @property
    def reached(self) -> bool | None:
        return None if self.target is None else self.spent >= self.target

    @property
    def remaining(self) -> int | None:
        return None if self.target is None else max(self.target - self.spent, 0)


async def asn_progress(user: User, month: str | None) -> AsnProgress | None:
    """An ASN's own spend in a month (this month, WIB, by default) against the target of their grade on the roster
    (or every grade's); None for anyone else."""
    if not user.is_asn:
        return None
    period = parse_month(month if month is not None else month_key(today_wib()), "month")
    target = await target_for(period.first, await roster_grade(user, period.first))
    (row,) = await sql.fetch(sql.ASN_PROGRESS, buyer=user.id, start=period.start, end=period.end)
    return AsnProgress(
        month=period.month or "", target=target.amount if target else None, spent=int(row["spent"] or 0),
        completed_orders=int(row["completed"] or 0), pending=int(row["pending"] or 0),
    )


async def set_spend_target(officer: User, month: str, amount: int, grade: str | None = None) -> SpendTarget:
    """The officer's target applies from this month on, until a later month's target (for the same grade: one given
    applies to the roster's ASN of that grade, none to every grade); setting a month again replaces its amount."""
    period = parse_month(month, "month")
    if not 1 <= amount <= MAX_TARGET:
        raise DomainError(ErrorCode.INVALID, f"A target is 1 to {MAX_TARGET} rupiah", "amount")
    graded = ""
    if grade is not None:
        graded = grade_of(grade) or ""
        if not graded:
            raise DomainError(ErrorCode.INVALID, "A grade is a golongan I/a to IV/e, or a PPPK grade I to XVII", "grade")
    values = {"amount": amount, "set_by_id": officer.id}
    key = {"effective_from": period.first, "grade": graded}
    if not await SpendTarget.filter(**key).update(**values):
        try:
            await SpendTarget.create(**key, **values)
        except IntegrityError:  # another officer set this month at the same moment: the last word wins
            await SpendTarget.filter(**key).update(**values)
    return await SpendTarget.get(**key)


async def spend_targets() -> list[SpendTarget]:
    return await SpendTarget.all().order_by("-effective_from", "grade")
