"""The city's monthly report: its tables, worked out by hand on the small city of test_analytics_sql, as CSV and JSON;
and the `umkm-graph report` command on a seeded database."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.api import Api
from tests.helpers.city import City
from tests.helpers.demo_copy import seeded_sqlite
from tests.helpers.documents import pdf_lines
from umkm_graph.city.report import monthly_report, to_csv, to_json
from umkm_graph.cli import main

PARTICIPATION = [
    {"opd": "(all ASN)", "suppressed": False, "registered_asn": 6, "buying_asn": 6, "buying_share": 1.0,
     "total_spend": 668_000, "median_spend": 51_750, "compliant_asn": 2, "compliance_share": 0.3333},
    {"opd": "Bappeda", "suppressed": True, "registered_asn": None, "buying_asn": None, "buying_share": None,
     "total_spend": None, "median_spend": None, "compliant_asn": None, "compliance_share": None},
    {"opd": "Dinas Kesehatan", "suppressed": True, "registered_asn": None, "buying_asn": None, "buying_share": None,
     "total_spend": None, "median_spend": None, "compliant_asn": None, "compliance_share": None},
    {"opd": "Diskominfo", "suppressed": True, "registered_asn": 3, "buying_asn": 3, "buying_share": 1.0,
     "total_spend": 618_000, "median_spend": 135_000, "compliant_asn": None, "compliance_share": None},
]
TOP_UMKM = [
    {"rank": 1, "shop": "Toko Y", "kecamatan": "Sukun", "gmv": 438_000, "orders": 6, "completed_orders": 4,
     "buyers": 4, "fulfilment_rate": 0.6667, "seller_cancellation_rate": 0.1667, "median_minutes_to_accept": 40.0,
     "average_rating": 2.0, "review_count": 1},
    {"rank": 2, "shop": "Toko X", "kecamatan": "Klojen", "gmv": 321_000, "orders": 6, "completed_orders": 5,
     "buyers": 5, "fulfilment_rate": 1.0, "seller_cancellation_rate": 0.0, "median_minutes_to_accept": 4.5,
     "average_rating": 4.5, "review_count": 2},
]


def price(commodity: str, per: str, kecamatan: str, listings: int, low: int, median: int, high: int,
          ceiling: int | None) -> dict[str, Any]:
    return {"commodity": commodity, "per": per, "kecamatan": kecamatan, "listings": listings, "min_price": low,
            "median_price": median, "max_price": high, "ceiling": ceiling}


# At the end of October (00:00 WIB, 1 November), from the price history: p1's 13,500 from 12 October, p6 listed on the
# 20th; the listings without history at today's price since September.
SEMBAKO_PRICES = [
    price("beras", "KG", "(Kota Malang)", 3, 13_200, 13_500, 15_200, 13_500),
    price("gula", "KG", "(Kota Malang)", 2, 17_000, 17_500, 18_000, 17_500),
    price("minyak-goreng", "LITRE", "(Kota Malang)", 2, 16_000, 16_251, 16_501, None),
    price("telur", "KG", "(Kota Malang)", 1, 27_027, 27_027, 27_027, None),
    price("beras", "KG", "Klojen", 1, 13_500, 13_500, 13_500, 13_500),
    price("beras", "KG", "Sukun", 2, 13_200, 14_200, 15_200, 13_500),
    price("gula", "KG", "Klojen", 1, 18_000, 18_000, 18_000, 17_500),
    price("gula", "KG", "Sukun", 1, 17_000, 17_000, 17_000, 17_500),
    price("minyak-goreng", "LITRE", "Sukun", 2, 16_000, 16_251, 16_501, None),
    price("telur", "KG", "Klojen", 1, 27_027, 27_027, 27_027, None),
]


async def test_the_monthly_report_of_a_small_city(api: Api) -> None:
    await City().build()
    report = await monthly_report("2026-10", 2)
    assert (report.month, report.min_group_size, report.target) == ("2026-10", 2, 100_000)
    assert report.participation == PARTICIPATION
    assert report.top_umkm == TOP_UMKM
    assert report.sembako_prices == SEMBAKO_PRICES

    as_json = json.loads(to_json(report))
    assert as_json == {"month": "2026-10", "min_group_size": 2, "target": 100_000, "participation": PARTICIPATION,
                       "top_umkm": TOP_UMKM, "sembako_prices": SEMBAKO_PRICES, "roster_month": None}

    lines = to_csv(report).splitlines()
    assert lines[:8] == [
        "month,2026-10,min_group_size,2,target,100000,roster_month,",
        "",
        "participation",
        "opd,suppressed,registered_asn,buying_asn,buying_share,total_spend,median_spend,compliant_asn,compliance_share",
        "(all ASN),false,6,6,1.0,668000,51750,2,0.3333",
        "Bappeda,true,,,,,,,",
        "Dinas Kesehatan,true,,,,,,,",
        "Diskominfo,true,3,3,1.0,618000,135000,,",
    ]
    tables = _tables(to_csv(report))
    assert tables["top_umkm"][1] == ["1", "Toko Y", "Sukun", "438000", "6", "4", "4", "0.6667", "0.1667", "40.0", "2.0",
                                     "1"]
    assert tables["sembako_prices"][3] == ["minyak-goreng", "LITRE", "(Kota Malang)", "2", "16000", "16251", "16501", ""]


def _tables(text: str) -> dict[str, list[list[str]]]:
    """Each table of a report's CSV by its name: header first."""
    tables: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for row in csv.reader(io.StringIO(text)):
        if not row:
            current = None
        elif current is None and len(row) == 1:
            current = tables.setdefault(row[0], [])
        elif current is not None:
            current.append(row)
    return tables


async def test_a_month_without_sales_reports_empty_tables(api: Api) -> None:
    report = await monthly_report("2026-10", 5)
    assert report.participation[0]["opd"] == "(all ASN)" and report.top_umkm == [] and report.sembako_prices == []
    assert _tables(to_csv(report))["top_umkm"] == [list(TOP_UMKM[0])]


def test_the_report_command_writes_csv_json_or_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("UMKM_DATABASE_URL", seeded_sqlite(tmp_path / "demo.db"))
    assert main(["report", "--month", "2026-10"]) == 0
    tables = _tables(capsys.readouterr().out)
    assert set(tables) == {"participation", "top_umkm", "sembako_prices"}
    assert tables["participation"][1][:2] == ["(all ASN)", "false"], "24 ASN, most of them buying: shown at k = 5"
    assert [row[0] for row in tables["top_umkm"][1:]] == [str(rank) for rank in range(1, len(tables["top_umkm"]))]

    monkeypatch.setenv("UMKM_MIN_GROUP_SIZE", "2")
    output = tmp_path / "laporan.json"
    assert main(["report", "--month", "2026-10", "--format", "json", "--output", str(output)]) == 0
    assert capsys.readouterr().out == ""
    written = json.loads(output.read_text(encoding="utf-8"))
    assert (written["month"], written["min_group_size"], written["target"]) == ("2026-10", 2, 200_000)
    assert written["participation"][0]["registered_asn"] == 24
    assert {row["commodity"] for row in written["sembako_prices"]} == {"beras", "minyak-goreng", "telur", "gula"}

    output = tmp_path / "laporan.pdf"
    assert main(["report", "--month", "2026-10", "--format", "pdf", "--output", str(output)]) == 0
    lines = pdf_lines(output.read_bytes())
    assert lines[0] == "Laporan Bulanan UMKM Kota Malang, 2026-10"
    assert {"Partisipasi ASN per OPD", "UMKM teratas menurut GMV", "Harga sembako terhadap HET, akhir bulan"} <= set(lines)
    assert "Semua ASN 24" in " ".join(lines), "registered ASN, as in the JSON"

    assert main(["report", "--month", "2026-13"]) == 2
    assert "not a month written YYYY-MM" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["report", "--month", "2026-10", "--format", "xml"])
