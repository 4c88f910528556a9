"""How demand spreads, as the city sees it (issue 17, section 2): share links made, their visits, the orders attributed
to them, and the new buyers who came by referral, per kecamatan and per OPD, since the start. For city officers and
analysts.

- Per kecamatan: of the shop shared (links, visits, attributed orders), and of the shops a referred account bought from.
- Per OPD: of the ASN who shared (links, visits, attributed orders) or whose code the new account used (referrals).
- Counted orders are placed and not cancelled (cashless ones once paid), as trending counts them.
- k-anonymity (city/disclosure.py, UMKM_MIN_GROUP_SIZE): each column's cells count people: the distinct sharers
  behind shares and visits, the distinct buyers behind attributed orders, the referred buyers themselves; a column's
  cells go through disclosure.withheld, so no figure stands for fewer than k people.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from umkm_graph.city import disclosure
from umkm_graph.city.analytics import require_reader
from umkm_graph.city.analytics_sql.base import fetch
from umkm_graph.growth.trending import COUNTED
from umkm_graph.people.models import User

SHOP_KECAMATAN = ("s.kecamatan", "JOIN shops s ON s.id = {shop}", "")
SHARER_OPD = ("u.opd", "JOIN users u ON u.id = {person}", "AND u.nip IS NOT NULL AND u.opd IS NOT NULL")


@dataclass
class SpreadRow:
    """One kecamatan's or OPD's figures; a figure is None when withheld."""

    key: str
    shares: int | None = None
    visits: int | None = None
    attributed_orders: int | None = None
    attributed_rupiah: int | None = None
    referred_buyers: int | None = None


@dataclass(frozen=True)
class Spread:
    by_kecamatan: list[SpreadRow]
    by_opd: list[SpreadRow]
    k: int


# The moment each figure is dated by, in its statement: the link made, the visit, the attributed order placed, the
# referred account's order placed.
MOMENTS = {"shares": "l.created_at", "visits": "v.visited_at", "attributed": "o.created_at", "referred": "o.created_at"}


def statements(by: tuple[str, str, str], bucket: Callable[[str], str] | None = None) -> dict[str, str]:
    """Each figure's statement; with a bucket (a column's WIB day, week or month), per bucket within [:start, :end)."""
    key, join, where = by
    link_join = join.format(shop="l.shop_id", person="l.sharer_id")
    figures = {
        "shares": f"""SELECT {key} AS key, COUNT(*) AS figure, COUNT(DISTINCT l.sharer_id) AS people
            FROM share_links l {link_join} WHERE 1 = 1 {where}""",
        "visits": f"""SELECT {key} AS key, COUNT(*) AS figure, COUNT(DISTINCT l.sharer_id) AS people
            FROM share_visits v JOIN share_links l ON l.id = v.link_id {link_join} WHERE 1 = 1 {where}""",
        "attributed": f"""SELECT {key} AS key, COUNT(*) AS figure, COALESCE(SUM(o.total), 0) AS rupiah,
                   COUNT(DISTINCT o.buyer_id) AS people
            FROM share_attributions a JOIN orders o ON o.id = a.order_id JOIN share_links l ON l.id = a.link_id
            {link_join} WHERE o.status IN :counted {where}""",
        "referred": f"""SELECT {key} AS key, COUNT(DISTINCT r.referred_id) AS figure,
                   COUNT(DISTINCT r.referred_id) AS people
            FROM referrals r JOIN orders o ON o.buyer_id = r.referred_id AND o.status IN :counted
            {join.format(shop="o.shop_id", person="r.referrer_id")} WHERE 1 = 1 {where}""",
    }
    if bucket is None:
        return {name: f"{sql} GROUP BY {key}" for name, sql in figures.items()}
    return {name: sql.replace("SELECT ", f"SELECT {bucket(MOMENTS[name])} AS bucket, ", 1)
            + f" AND {MOMENTS[name]} >= :start AND {MOMENTS[name]} < :end GROUP BY 1, {key}"
            for name, sql in figures.items()}


def fill(rows: dict[str, SpreadRow], found: dict[str, list[dict[str, Any]]], k: int) -> list[SpreadRow]:
    """The rows in key order, each figure set where its column's disclosure shows it."""
    ordered = [rows[key] for key in sorted(rows)]
    for name, figures in found.items():
        values = {str(row["key"]): row for row in figures}
        people = [int(values[row.key]["people"]) if row.key in values else 0 for row in ordered]
        hidden = disclosure.withheld(people, k)
        for index, row in enumerate(ordered):
            if index in hidden:
                continue
            value = values.get(row.key)
            figure = int(value["figure"]) if value else 0
            if name == "shares":
                row.shares = figure
            elif name == "visits":
                row.visits = figure
            elif name == "attributed":
                row.attributed_orders, row.attributed_rupiah = figure, int(value["rupiah"]) if value else 0
            else:
                row.referred_buyers = figure
    return ordered


async def _table(by: tuple[str, str, str], k: int) -> list[SpreadRow]:
    found = {name: await fetch(sql, counted=COUNTED) for name, sql in statements(by).items()}
    rows = {str(row["key"]): SpreadRow(key=str(row["key"])) for figures in found.values() for row in figures}
    return fill(rows, found, k)


async def city_spread(user: User | None, k: int) -> Spread:
    require_reader(user)
    return Spread(by_kecamatan=await _table(SHOP_KECAMATAN, k), by_opd=await _table(SHARER_OPD, k), k=k)
