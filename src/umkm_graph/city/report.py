"""The city's monthly report: ASN participation by OPD, the top UMKM by GMV, and sembako prices at the month's end, as
CSV (one table after another, each under its name), JSON, or PDF with charts (report_pdf.py). `umkm-graph report` writes it; the figures are the API's,
with the same k-anonymity.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import asdict, dataclass
from typing import Any

from umkm_graph.city import participation, price_watch, scorecards
from umkm_graph.city.analytics import Interval, parse_month
from umkm_graph.city.buckets import DEFAULT_SETTLE_DAYS
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.shops.models import Shop

FORMATS = ("csv", "json", "pdf")
TOP_UMKM = 10
MONTHS_CHARTED = 6  # the PDF's chart of the months up to the report's, as the dashboard's


@dataclass
class MonthlyReport:
    month: str
    min_group_size: int
    target: int | None
    participation: list[dict[str, Any]]
    top_umkm: list[dict[str, Any]]
    sembako_prices: list[dict[str, Any]]
    roster_month: str | None = None  # the BKPSDM roster whose ASN participation counts; None: registered accounts


# Each table's columns, in order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "participation": ("opd", "suppressed", "registered_asn", "buying_asn", "buying_share", "total_spend",
                      "median_spend", "compliant_asn", "compliance_share"),
    "top_umkm": ("rank", "shop", "kecamatan", "gmv", "orders", "completed_orders", "buyers", "fulfilment_rate",
                 "seller_cancellation_rate", "median_minutes_to_accept", "average_rating", "review_count"),
    "sembako_prices": ("commodity", "per", "kecamatan", "listings", "min_price", "median_price", "max_price", "ceiling"),
}


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


async def monthly_report(month: str, k: int, top: int = TOP_UMKM,
                         settle_days: int = DEFAULT_SETTLE_DAYS) -> MonthlyReport:
    period = parse_month(month, "month")
    found = await participation.participation(period, k, settle_days)
    rows = [found.city, *found.opds]
    table = [
        {"opd": row.opd or "(all ASN)", "suppressed": row.suppressed, "registered_asn": row.registered,
         "buying_asn": row.buyers, "buying_share": _share(row.buying_share), "total_spend": row.spend,
         "median_spend": row.median_spend, "compliant_asn": row.compliant,
         "compliance_share": _share(row.compliance_share)}
        for row in rows
    ]
    board = await scorecards.leaderboard(scorecards.LeaderboardQuery(period), k, settle_days)
    leaders = [card for card in await board.page(0, top) if card.gmv > 0]
    shops = {shop.id: shop for shop in await Shop.filter(id__in=[card.shop_id for card in leaders])}
    top_umkm = [
        {"rank": card.rank, "shop": shops[card.shop_id].name, "kecamatan": shops[card.shop_id].kecamatan,
         "gmv": card.gmv, "orders": card.orders, "completed_orders": card.completed_orders, "buyers": card.buyers,
         "fulfilment_rate": _share(card.fulfilment_rate),
         "seller_cancellation_rate": _share(card.seller_cancellation_rate),
         "median_minutes_to_accept": card.median_minutes_to_accept, "average_rating": card.average_rating,
         "review_count": card.review_count}
        for card in leaders
    ]
    ceilings = {(r.commodity, r.unit): r.price
                for r in await price_watch.reference_prices(in_effect_on=period.last) if r.variant == ""}
    points = []
    for by_kecamatan in (False, True):
        points += await price_watch.price_series(period, Interval.MONTH, price_watch.PriceFilter(),
                                                 by_kecamatan=by_kecamatan)
    prices = [
        {"commodity": p.commodity, "per": p.per.value, "kecamatan": p.kecamatan or "(Kota Malang)",
         "listings": p.listings, "min_price": p.min_price, "median_price": p.median_price, "max_price": p.max_price,
         "ceiling": ceilings.get((p.commodity, p.per))}
        for p in points
    ]
    return MonthlyReport(period.month or month, k, found.target, table, top_umkm, prices, found.roster_month)


async def participation_by_month(month: str, k: int, months: int = MONTHS_CHARTED,
                                 settle_days: int = DEFAULT_SETTLE_DAYS) -> list[dict[str, Any]]:
    """All ASN's participation in each of the `months` months up to this one, oldest first."""
    last = parse_month(month, "month").first
    firsts = [dt.date(last.year + (last.month - 1 - back) // 12, (last.month - 1 - back) % 12 + 1, 1)
              for back in range(months - 1, -1, -1)]
    rows = []
    for first in firsts:
        found = await participation.participation(parse_month(first.strftime("%Y-%m"), "month"), k, settle_days)
        rows.append({"month": first.strftime("%Y-%m"), "registered_asn": found.city.registered,
                     "buying_asn": found.city.buyers, "total_spend": found.city.spend,
                     "compliance_share": _share(found.city.compliance_share), "target": found.target})
    return rows


def to_json(report: MonthlyReport) -> str:
    return json.dumps(asdict(report), ensure_ascii=False, indent=2) + "\n"


def to_csv(report: MonthlyReport) -> str:
    """The tables one after another: a line with the table's name, its header, its rows, an empty line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["month", report.month, "min_group_size", report.min_group_size, "target", _cell(report.target),
                     "roster_month", _cell(report.roster_month)])
    for name, columns in COLUMNS.items():
        writer.writerow([])
        writer.writerow([name])
        writer.writerow(columns)
        writer.writerows([_cell(row[column]) for column in columns] for row in getattr(report, name))
    return out.getvalue()


def _cell(value: object) -> object:
    """Withheld or undefined figures are empty cells; booleans are written as spreadsheets read them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


async def render(month: str, fmt: str, k: int, settle_days: int = DEFAULT_SETTLE_DAYS) -> str | bytes:
    """The report as text (csv, json) or bytes (pdf)."""
    if fmt not in FORMATS:
        raise DomainError(ErrorCode.INVALID, f"--format is one of {', '.join(FORMATS)}", "format")
    report = await monthly_report(month, k, settle_days=settle_days)
    if fmt == "pdf":
        from umkm_graph.city.report_pdf import to_pdf  # imports this module

        return to_pdf(report, await participation_by_month(month, k, settle_days=settle_days))
    return to_json(report) if fmt == "json" else to_csv(report)
