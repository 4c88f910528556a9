"""Every analyst example in examples/analytics/ runs, as written and with its variables file, against the seeded demo
data. The demo has a dozen ASN across eight OPDs, so most tests here run with k = 2 (UMKM_MIN_GROUP_SIZE=2); one shows
what the default k = 5 leaves of them."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from tests.helpers.api import Api
from tests.helpers.paths import REPO
from umkm_graph.demo.seed import DEMO_PASSWORD, seed_open_database
from umkm_graph.settings import Settings

EXAMPLES = REPO / "examples" / "analytics"
TESTED = {
    "participation_by_opd", "set_spend_target", "my_spend_progress",
    "top_umkm_by_gmv", "slowest_to_accept_in_kecamatan", "best_rated_sembako_sellers", "shop_scorecard",
    "sembako_prices", "listings_above_ceiling", "reference_prices", "set_reference_price", "commodity_price_weekly",
    "product_price_history", "cod_vs_cashless_by_month", "asn_vs_residents_by_month", "sales_by_kecamatan_and_category",
    "gross_and_net_gmv_by_month", "programme_reach", "spread_by_month",
}
LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"
WHO = {"analyst": "analyst@malangkota.go.id", "officer": "officer@malangkota.go.id", "asn": "asn@example.id",
       "seller": "penjual@example.id"}


@pytest.fixture
def k() -> int:
    return 2


@pytest.fixture
def settings(settings: Settings, k: int) -> Settings:
    return dataclasses.replace(settings, min_group_size=k)


@dataclasses.dataclass
class Demo:
    api: Api
    tokens: dict[str, str]

    async def run(self, name: str, who: str = "analyst", **overrides: Any) -> dict[str, Any]:
        document = (EXAMPLES / f"{name}.graphql").read_text()
        variables_file = EXAMPLES / f"{name}.variables.json"
        variables = json.loads(variables_file.read_text()) if variables_file.exists() else {}
        return await self.api.gql(document, {**variables, **overrides}, self.tokens[who])


@pytest.fixture
async def demo(api: Api) -> Demo:
    await seed_open_database()
    tokens = {who: (await api.gql(LOGIN, {"e": email, "p": DEMO_PASSWORD}))["login"]["token"]
              for who, email in WHO.items()}
    return Demo(api, tokens)


def test_every_analytics_example_is_run_by_a_test() -> None:
    assert {path.stem for path in EXAMPLES.glob("*.graphql")} == TESTED


def test_every_variables_file_belongs_to_an_example() -> None:
    for path in EXAMPLES.glob("*.variables.json"):
        assert (EXAMPLES / path.name.replace(".variables.json", ".graphql")).exists(), path.name


async def test_participation_examples_show_the_city_and_withhold_small_groups(demo: Demo) -> None:
    report = (await demo.run("participation_by_opd"))["asnParticipation"]
    assert (report["period"], report["minGroupSize"], report["target"]) == (
        {"first": "2026-10-01", "last": "2026-10-31"}, 2, 200_000)  # the seeded target
    city = report["city"]
    assert city["registeredAsn"] == 24 and 0 < city["buyingAsn"] <= 24
    assert city["buyingShare"] == pytest.approx(city["buyingAsn"] / 24)
    assert city["medianSpend"] * city["buyingAsn"] <= city["totalSpend"] * 2, "a median is no more than twice the mean"
    assert len(report["opds"]) == 4
    for row in report["opds"]:
        if row["registeredAsn"] is None:
            assert row["suppressed"] and row["totalSpend"] is None
        else:
            assert row["registeredAsn"] >= 2 and (row["buyingAsn"] == 0 or row["buyingAsn"] >= 2)


@pytest.mark.parametrize("k", [5])
async def test_at_the_default_k_the_demo_shows_the_city_and_its_two_large_opds(demo: Demo) -> None:
    """What the README's analyst example answers: 8 ASN each at Diskominfo and Disdikbud, 6 at Dinkes, 2 at Diskopindag.
    Diskopindag is too small, and Dinkes is withheld with it, or the city's row minus the others would reveal it."""
    report = (await demo.run("participation_by_opd"))["asnParticipation"]
    assert report["minGroupSize"] == 5 and report["city"]["registeredAsn"] == 24
    shown = {row["opd"]: row["registeredAsn"] for row in report["opds"] if row["registeredAsn"] is not None}
    assert shown == {"Diskominfo": 8, "Disdikbud": 8}
    assert all(row["buyingAsn"] >= 5 for row in report["opds"] if row["opd"] in shown)


async def test_an_officer_sets_the_target_and_an_asn_sees_their_progress(demo: Demo) -> None:
    result = (await demo.run("set_spend_target", "officer"))["setSpendTarget"]
    assert result == {"spendTarget": {"month": "2026-11", "amount": 250_000}, "errors": []}
    progress = (await demo.run("my_spend_progress", "asn"))["me"]
    assert progress["opd"] == "Diskominfo"
    mine = progress["asnProgress"]
    assert (mine["month"], mine["target"]) == ("2026-09", 200_000) and mine["completedOrders"] >= 1
    assert mine["reached"] == (mine["spent"] >= 200_000) and mine["remaining"] == max(200_000 - mine["spent"], 0)
    november = (await demo.run("my_spend_progress", "asn", month="2026-11"))["me"]["asnProgress"]
    assert november["target"] == 250_000
    refused = await demo.api.post((EXAMPLES / "set_spend_target.graphql").read_text(),
                                  {"month": "2026-12", "amount": 1}, demo.tokens["analyst"])
    assert refused["data"]["setSpendTarget"]["errors"][0]["code"] == "FORBIDDEN"


async def test_leaderboard_and_scorecard_examples(demo: Demo) -> None:
    top = (await demo.run("top_umkm_by_gmv"))["shopLeaderboard"]
    nodes = [edge["node"] for edge in top["edges"]]
    assert top["totalCount"] == 15 and len(nodes) == 10 and top["pageInfo"]["hasNextPage"]
    assert [node["rank"] for node in nodes] == list(range(1, 11))
    assert [node["gmv"] for node in nodes] == sorted((node["gmv"] for node in nodes), reverse=True)
    slow = [edge["node"] for edge in (await demo.run("slowest_to_accept_in_kecamatan"))["shopLeaderboard"]["edges"]]
    minutes = [node["medianMinutesToAccept"] for node in slow if node["medianMinutesToAccept"] is not None]
    assert minutes and minutes == sorted(minutes, reverse=True)
    rated = (await demo.run("best_rated_sembako_sellers"))["shopLeaderboard"]
    ratings = [edge["node"]["averageRating"] for edge in rated["edges"]]
    assert ratings == sorted(ratings, reverse=True) and all(1 <= rating <= 5 for rating in ratings)
    card = (await demo.run("shop_scorecard"))["shopScorecard"]
    assert card["shop"]["name"] == "Toko Sembako Bu Sri" and card["gmv"] > 0
    assert card["completedOrders"] <= card["decidedOrders"] <= card["orders"]
    assert card == (await demo.run("shop_scorecard", "seller"))["shopScorecard"], "the seller sees the same card"


async def test_price_watch_examples(demo: Demo) -> None:
    prices = (await demo.run("sembako_prices"))["sembakoPrices"]
    assert {row["commodity"] for row in prices["city"]} == {"beras", "minyak-goreng", "telur", "gula"}
    for row in prices["city"] + prices["byKecamatan"]:
        assert row["minPrice"] <= row["medianPrice"] <= row["maxPrice"]
    beras = next(row for row in prices["city"] if row["commodity"] == "beras")
    assert beras["ceiling"] == 13_500 and beras["aboveCeiling"] >= 1
    flags = (await demo.run("listings_above_ceiling"))["priceFlags"]
    nodes = [edge["node"] for edge in flags["edges"]]
    assert flags["totalCount"] == len(nodes) >= 2
    assert all(node["unitPrice"] > node["ceiling"] for node in nodes)
    assert [node["excessPercent"] for node in nodes] == sorted((node["excessPercent"] for node in nodes), reverse=True)
    assert {(node["commodity"], node["unitPrice"]) for node in nodes} >= {("beras", 13_900), ("gula", 18_200)}
    references = (await demo.run("reference_prices"))["referencePrices"]
    assert {(r["commodity"], r["variant"], r["price"]) for r in references} == {
        ("beras", "", 13_500), ("beras", "premium", 14_900), ("minyak-goreng", "MinyaKita", 15_700),
        ("gula", "", 17_500)}
    telur = (await demo.run("set_reference_price", "officer"))["setReferencePrice"]
    assert telur["errors"] == [] and telur["referencePrice"]["price"] == 30_000
    weeks = (await demo.run("commodity_price_weekly"))["commodityPriceSeries"]
    assert [week["start"] for week in weeks] == ["2026-09-28", "2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26"]
    assert weeks[-1]["medianPrice"] > weeks[0]["medianPrice"], "a seller raised beras above the ceiling on 31 October"
    history = await demo.run("product_price_history")
    assert history["product"]["name"] == "Beras Medium 5 kg" and history["priceHistory"]["totalCount"] >= 1
    latest = history["priceHistory"]["edges"][0]["node"]
    assert (latest["per"], latest["unitPrice"] * 5) == ("KG", latest["price"])


async def test_sales_examples(demo: Demo) -> None:
    cod = (await demo.run("cod_vs_cashless_by_month"))["salesAggregates"]
    assert [row["start"] for row in cod["rows"]] == ["2026-08-01", "2026-09-01", "2026-10-01"]
    assert "COD" in {row["paymentKind"] for row in cod["rows"]}, "the demo orders are paid cash on delivery"
    by_month = (await demo.run("asn_vs_residents_by_month"))["salesAggregates"]["rows"]
    assert {row["buyerType"] for row in by_month} == {"ASN", "RESIDENT"}
    for row in by_month:
        assert row["suppressed"] == (row["gmv"] is None) and (row["buyers"] is None or row["buyers"] >= 2)
    crossed = (await demo.run("sales_by_kecamatan_and_category"))["salesAggregates"]["rows"]
    keys = [(row["start"], row["kecamatan"], row["category"]) for row in crossed]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert any(not row["suppressed"] for row in crossed) and any(row["suppressed"] for row in crossed)


async def test_the_spread_by_month_example_dates_the_demos_shares_and_visits_in_october(demo: Demo) -> None:
    series = (await demo.run("spread_by_month"))["citySpreadByPeriod"]
    assert [(b["first"], b["closed"]) for b in series["buckets"]] == [
        ("2026-08-01", True), ("2026-09-01", True), ("2026-10-01", True)]
    # Five buyers shared the documented (Klojen) shop or its product 20 days before 1 November; link i was opened i
    # times (1 + 2 + 3 + 4 + 5 = 15), 1 to 13 days before: all in October, none before.
    october = series["buckets"][2]
    (klojen,) = [row for row in october["byKecamatan"] if row["key"] == "Klojen"]
    assert (klojen["shares"], klojen["visits"], klojen["attributedOrders"]) == (5, 15, 0)
    for bucket in series["buckets"][:2]:
        assert all(row["shares"] in (0, None) and row["visits"] in (0, None) for row in bucket["byKecamatan"])


async def test_the_programme_reach_example_shows_both_demo_programmes_unspent(demo: Demo) -> None:
    rows = (await demo.run("programme_reach"))["cityProgrammeFigures"]
    # The seeded history predates the vouchers: no order used either, and the reward vouchers are held, not spent.
    assert [(r["programme"]["code"], r["programme"]["rewardFor"], r["suppressed"], r["spend"], r["orders"])
            for r in rows] == [("AJAKTEMAN", "BOTH", False, 0, 0), ("KAMISMBOIS", "NONE", False, 0, 0)]


async def test_the_gross_and_net_gmv_example_nets_nothing_where_no_voucher_was_used(demo: Demo) -> None:
    rows = (await demo.run("gross_and_net_gmv_by_month"))["salesAggregates"]["rows"]
    by_kind = (await demo.run("cod_vs_cashless_by_month"))["salesAggregates"]["rows"]
    assert [r["start"] for r in rows] == ["2026-08-01", "2026-09-01", "2026-10-01"]
    for row in rows:  # no seeded order used a voucher, so net is gross; gross is the month's COD plus cashless GMV
        assert row["gmvNet"] == row["gmv"] == sum(r["gmv"] for r in by_kind if r["start"] == row["start"]) > 0
