"""The monthly report's PDF form: its figures, read back from the PDF, are the API's answers to an analyst for the same
month (participation, the leaderboard, the month-end prices), withheld ones included. (`umkm-graph report --format
pdf` is tested with the other formats, in test_analytics_report.py.)"""

from __future__ import annotations

import dataclasses

import pytest

from tests.helpers.api import Api
from tests.helpers.city import City
from tests.helpers.documents import pdf_lines, pdf_metadata, rp, share
from tests.helpers.people import city_person
from umkm_graph.city.report import render
from umkm_graph.people.models import Role
from umkm_graph.settings import Settings

MONTH = "2026-10"
FIGURES = """
query ($month: String!) {
  asnParticipation(period: { month: $month }) {
    target
    city { registeredAsn buyingAsn buyingShare totalSpend medianSpend compliantAsn complianceShare }
    opds { opd registeredAsn buyingAsn buyingShare totalSpend medianSpend compliantAsn complianceShare }
  }
  shopLeaderboard(period: { month: $month }, sort: GMV, first: 10) {
    edges { node { rank shop { name kecamatan } gmv orders completedOrders buyers fulfilmentRate averageRating } }
  }
  %s
}
"""
COMMODITIES = ("beras", "gula", "minyak-goreng", "telur")
MONTHS = ("2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10")  # the six up to the report's, as the dashboard


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """k = 2, so that the small city of tests/helpers/city.py shows figures beside withheld ones."""
    return dataclasses.replace(settings, min_group_size=2)


def count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}".replace(",", ".")


def rating(value: float | None) -> str:
    return "-" if value is None else f"{round(value, 2):g}".replace(".", ",")


async def test_the_report_pdf_shows_the_apis_figures(api: Api, settings: Settings) -> None:
    await City().build()
    analyst = await city_person(api, Role.ANALYST)
    months = " ".join(f'm{i}: asnParticipation(period: {{ month: "{month}" }}) '
                      "{ target city { registeredAsn buyingAsn totalSpend complianceShare } }"
                      for i, month in enumerate(MONTHS))
    series = months + " " + " ".join(f'p{i}: commodityPriceSeries(commodity: "{c}", period: {{ month: $month }}, interval: MONTH) '
                      "{ commodity per listings minPrice medianPrice maxPrice }" for i, c in enumerate(COMMODITIES))
    data = await api.gql(FIGURES % series, {"month": MONTH}, analyst.token)

    pdf = await render(MONTH, "pdf", settings.min_group_size)
    assert isinstance(pdf, bytes)
    lines = pdf_lines(pdf)
    assert pdf_metadata(pdf)["/Title"] == f"Laporan bulanan UMKM Kota Malang {MONTH}"
    for i, month in enumerate(MONTHS):
        city, target = data[f"m{i}"]["city"], data[f"m{i}"]["target"]
        assert (f"{month} {count(city['registeredAsn'])} {count(city['buyingAsn'])} {rp(city['totalSpend'])} "
                f"{share(city['complianceShare'])} {rp(target) if target is not None else 'belum ditetapkan'}") in lines
        assert f"{month} {share(city['complianceShare'])}" in lines, f"the bar of {month}"
    assert "2026-10 6 6 Rp668.000 33,3% Rp100.000" in lines
    participation = data["asnParticipation"]
    assert f"Target belanja bulanan per ASN: {rp(participation['target'])}." in " ".join(lines)
    rows = [("Semua ASN", participation["city"]), *((o["opd"], o) for o in participation["opds"])]
    for name, row in rows:
        assert (f"{name} {count(row['registeredAsn'])} {count(row['buyingAsn'])} {share(row['buyingShare'])} "
                f"{rp(row['totalSpend'])} {rp(row['medianSpend'])} {count(row['compliantAsn'])} "
                f"{share(row['complianceShare'])}") in lines, name
        assert f"{name} {rp(row['medianSpend'])}" in lines, f"the bar of {name}"
    assert "Semua ASN 6 6 100% Rp668.000 Rp51.750 2 33,3%" in lines
    assert "Diskominfo 3 3 100% Rp618.000 Rp135.000 - -" in lines, "withheld: they would tell Bappeda's apart"

    leaders = [edge["node"] for edge in data["shopLeaderboard"]["edges"] if edge["node"]["gmv"] > 0]
    assert len(leaders) == 2
    for shop in leaders:
        assert (f"{shop['rank']} {shop['shop']['name']} {shop['shop']['kecamatan']} {rp(shop['gmv'])} "
                f"{count(shop['orders'])} {count(shop['completedOrders'])} {count(shop['buyers'])} "
                f"{share(shop['fulfilmentRate'])} {rating(shop['averageRating'])}") in lines
        assert f"{shop['shop']['name']} {rp(shop['gmv'])}" in lines, "its bar"

    points = [point for i in range(len(COMMODITIES)) for point in data[f"p{i}"]]
    assert len(points) == 4
    for point in points:
        label = f"{point['commodity']} /{point['per']} (Kota Malang) {point['listings']}"
        assert any(line.startswith(f"{label} {rp(point['minPrice'])} {rp(point['medianPrice'])} "
                                   f"{rp(point['maxPrice'])}") for line in lines), label
    assert "beras /KG (Kota Malang) 3 Rp13.200 Rp13.500 Rp15.200 Rp13.500" in lines, "with its ceiling (HET)"

