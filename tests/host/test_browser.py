"""The web pages in a real browser, offline: GraphiQL at /graphql and the city dashboard at /dashboard, against
`umkm-graph serve --demo`, in headless chromium that may reach nothing but 127.0.0.1. One browser and one server per
module and worker; a screenshot of each page or view is kept under tests/artefacts/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers.browser import offline_browser, offline_context, require_chromium, screenshot_path
from tests.helpers.live import demo_server as serve_demo, post_graphql_sync
from umkm_graph.demo.seed import DEMO_PASSWORD
from umkm_graph.translations import catalog

ANALYST = "analyst@malangkota.go.id"
STOREFRONT = ('{ products(filter: { category: "sembako" }, sort: PRICE_ASC, first: 3) '
              '{ totalCount edges { node { name price shop { name } } } } }')
LOGIN = "mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()  # no server to start when the browser tests cannot run
    with serve_demo(tmp_path_factory.mktemp("browser-demo")) as base_url:
        yield base_url


# Per module, not per session: while a browser is open, Playwright's sync API holds a running event loop on this thread,
# and the async tests a worker runs next could not start theirs.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with offline_browser() as running:
        yield running


def analyst_token(base_url: str) -> str:
    return str(post_graphql_sync(base_url, LOGIN, {"email": ANALYST, "password": DEMO_PASSWORD})["login"]["token"])


def test_graphiql_runs_the_storefront_query_with_no_internet(demo_server: str, browser: Any) -> None:
    expected = post_graphql_sync(demo_server, STOREFRONT)["products"]["edges"][0]["node"]["name"]
    with offline_context(browser) as (context, refused):
        page = context.new_page()
        page.goto(f"{demo_server}/graphql")
        editor = page.locator(".graphiql-query-editor .CodeMirror").first
        editor.click()
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        page.keyboard.insert_text(STOREFRONT)
        page.locator(".graphiql-execute-button").click()
        result = page.locator(".graphiql-response")
        result.get_by_text(expected).first.wait_for(timeout=15_000)
        page.screenshot(path=screenshot_path("graphiql-storefront"))
        assert refused == []


def test_graphiql_sends_the_token_pasted_into_its_headers(demo_server: str, browser: Any) -> None:
    token = analyst_token(demo_server)
    with offline_context(browser) as (context, refused):
        page = context.new_page()
        page.goto(f"{demo_server}/graphql")
        page.locator(".graphiql-query-editor .CodeMirror").first.click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text("{ me { email role } }")
        page.get_by_role("button", name="Headers").click()
        page.locator(".graphiql-editor-tool .CodeMirror").last.click()
        page.keyboard.insert_text(f'{{"Authorization": "Bearer {token}"}}')
        page.locator(".graphiql-execute-button").click()
        page.locator(".graphiql-response").get_by_text(ANALYST).first.wait_for(timeout=15_000)
        assert "ANALYST" in page.locator(".graphiql-response").inner_text()
        assert refused == []


# What each dashboard view shows, asked of the API directly with the analyst's token, keyed as the page keys its cells.
def months_ending(month: str, count: int = 6) -> list[str]:
    year, mon = map(int, month.split("-"))
    index = year * 12 + mon - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def participation_figures(base_url: str, token: str, month: str) -> dict[str, Any]:
    query = ("query($m: String!) { asnParticipation(period: { month: $m }) { target "
             "city { registeredAsn buyingAsn totalSpend complianceShare } "
             "opds { opd registeredAsn buyingAsn totalSpend medianSpend complianceShare } } }")
    figures: dict[str, Any] = {}
    for shown in months_ending(month):
        answer = post_graphql_sync(base_url, query, {"m": shown}, token)["asnParticipation"]
        figures.update({f"bulan:{shown}:{field}": value for field, value in answer["city"].items()})
        figures[f"bulan:{shown}:target"] = answer["target"]
        if shown == month:
            for row in answer["opds"]:
                figures.update({f"opd:{row['opd']}:{field}": value for field, value in row.items() if field != "opd"})
    return figures


def price_figures(base_url: str, token: str, _: str) -> dict[str, Any]:
    answer = post_graphql_sync(base_url, "{ sembakoPrices { city { commodity per listings minPrice medianPrice maxPrice "
                               "ceiling aboveCeiling } } priceFlags(first: 20) { totalCount edges { node { unitPrice "
                               "ceiling excessPercent } } } }", token=token)
    figures: dict[str, Any] = {"flags:totalCount": answer["priceFlags"]["totalCount"]}
    for row in answer["sembakoPrices"]["city"]:
        figures.update({f"harga:{row['commodity']}:{row['per']}:{field}": value for field, value in row.items()
                        if field not in ("commodity", "per")})
    for index, edge in enumerate(answer["priceFlags"]["edges"]):
        figures.update({f"flag:{index}:{field}": value for field, value in edge["node"].items()})
    return figures


def leaderboard_figures(base_url: str, token: str, month: str) -> dict[str, Any]:
    answer = post_graphql_sync(base_url, "query($m: String!) { shopLeaderboard(period: { month: $m }, sort: GMV, first: 10) "
                               "{ edges { node { rank gmv orders completedOrders fulfilmentRate averageRating } } } }",
                               {"m": month}, token)
    return {f"umkm:{edge['node']['rank']}:{field}": value for edge in answer["shopLeaderboard"]["edges"]
            for field, value in edge["node"].items() if field != "rank"}


def sales_figures(base_url: str, token: str, month: str) -> dict[str, Any]:
    year, mon = map(int, month.split("-"))
    last = (dt.date(year + mon // 12, mon % 12 + 1, 1) - dt.timedelta(days=1)).isoformat()
    answer = post_graphql_sync(base_url, "query($from: Date!, $to: Date!) { salesAggregates(period: { from: $from, to: $to }, "
                               "interval: MONTH, by: [PAYMENT_KIND]) { rows { start paymentKind orders gmv buyers } } }",
                               {"from": f"{months_ending(month)[0]}-01", "to": last}, token)
    return {f"jual:{row['start'][:7]}:{row['paymentKind']}:{field}": value for row in answer["salesAggregates"]["rows"]
            for field, value in row.items() if field not in ("start", "paymentKind")}


def cash_figures(base_url: str, token: str, _: str) -> dict[str, Any]:
    cash = post_graphql_sync(base_url, "{ cityCashOnDelivery { handedOver handedOverUnconfirmed unconfirmedShare "
                             "byKecamatan { kecamatan orders rupiah } byShop { orders rupiah } } }", token=token)
    cash = cash["cityCashOnDelivery"]
    figures = {f"tunai:{field}": cash[field] for field in ("handedOver", "handedOverUnconfirmed", "unconfirmedShare")}
    for row in cash["byKecamatan"]:
        figures.update({f"tunai:{row['kecamatan']}:{field}": row[field] for field in ("orders", "rupiah")})
    for index, row in enumerate(cash["byShop"][:10]):
        figures.update({f"tunai-toko:{index}:{field}": value for field, value in row.items()})
    return figures


def complaint_figures(base_url: str, token: str, _: str) -> dict[str, Any]:
    answer = post_graphql_sync(base_url, "{ cityComplaintCounts { counts { kind count } byKecamatan { kecamatan "
                               "counts { kind count } } } }", token=token)["cityComplaintCounts"]
    city = {row["kind"]: row["count"] for row in answer["counts"]}
    figures = {f"aduan:kota:{kind}": n for kind, n in city.items()}
    for place in answer["byKecamatan"]:
        counts = {row["kind"]: row["count"] for row in place["counts"]}
        figures.update({f"aduan:{place['kecamatan']}:{kind}": counts.get(kind, 0) for kind in city})
    return figures


VIEWS = {"partisipasi": participation_figures, "harga": price_figures, "peringkat": leaderboard_figures,
         "penjualan": sales_figures, "tunai": cash_figures, "pengaduan": complaint_figures}
RUPIAH = ("totalSpend", "medianSpend", "target", "minPrice", "medianPrice", "maxPrice", "ceiling", "unitPrice", "gmv",
          "rupiah")


def shown_figures(page: Any, view: str) -> dict[str, tuple[float | None, str]]:
    cells = page.locator(f"#view-{view} [data-figure]").evaluate_all(
        "cells => cells.map(c => [c.dataset.figure, c.dataset.value, c.textContent.trim()])")
    return {key: (float(value) if value != "" else None, text) for key, value, text in cells}


def sign_in_as_analyst(page: Any) -> None:
    page.fill("input[name=email]", ANALYST)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("#form-masuk button[type=submit]")
    page.wait_for_selector("#view-partisipasi[data-loaded]", timeout=15_000)


def test_dashboard_shows_the_analyst_the_apis_own_figures_in_every_view(demo_server: str, browser: Any) -> None:
    token = analyst_token(demo_server)
    with offline_context(browser) as (context, refused):
        page = context.new_page()
        page.goto(f"{demo_server}/dashboard")
        sign_in_as_analyst(page)
        month = page.input_value("#bulan")
        for view, expected_figures in VIEWS.items():
            page.click(f"nav button[data-view={view}]")
            page.wait_for_selector(f"#view-{view}[data-loaded='{month}']", timeout=15_000)
            page.screenshot(path=screenshot_path(f"dashboard-{view}"), full_page=True)
            shown = shown_figures(page, view)
            expected = expected_figures(demo_server, token, month)
            assert set(shown) == set(expected), view
            assert {key: value for key, (value, _) in shown.items()} == {
                key: None if value is None else float(value) for key, value in expected.items()}, view
            assert any(value is not None for value, _ in shown.values()), f"{view}: every figure withheld"
            for key, (value, text) in shown.items():
                if value is not None and key.rsplit(":", 1)[1] in RUPIAH:  # Indonesian grouping: Rp15.700
                    assert text == "Rp" + f"{round(value):,}".replace(",", "."), (key, text)
        assert page.inner_text("#error-dasbor") == ""
        assert refused == []


def test_dashboard_turns_away_a_buyer(demo_server: str, browser: Any) -> None:
    with offline_context(browser) as (context, _):
        page = context.new_page()
        page.goto(f"{demo_server}/dashboard")
        page.fill("input[name=email]", "asn@example.id")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("#form-masuk button[type=submit]")
        page.get_by_text("hanya untuk akun CITY_OFFICER dan ANALYST").wait_for(timeout=15_000)
        assert page.locator("#dasbor").is_hidden()


def dashboard_text(language: str, key: str) -> str:
    return str(catalog("dashboard", language).get(key).string)


def test_dashboard_speaks_english_when_asked_and_keeps_the_choice(demo_server: str, browser: Any) -> None:
    with offline_context(browser) as (context, refused):
        page = context.new_page()
        page.goto(f"{demo_server}/dashboard")
        assert page.inner_text("#masuk h2") == dashboard_text("id", "signin.heading")
        page.click("#bahasa")
        page.wait_for_selector("html[lang=en]", state="attached")  # no string predicate: eval is refused by the CSP
        assert page.inner_text("#masuk h2") == dashboard_text("en", "signin.heading")
        sign_in_as_analyst(page)
        page.click("nav button[data-view=pengaduan]")
        page.wait_for_selector("#view-pengaduan[data-loaded]", timeout=15_000)
        page.screenshot(path=screenshot_path("dashboard-en-pengaduan"), full_page=True)
        assert page.inner_text("#view-pengaduan h2") == dashboard_text("en", "complaints.heading")
        assert page.inner_text("nav button[data-view=tunai]") == dashboard_text("en", "nav.tunai")
        page.reload()  # the choice is kept in this browser
        page.wait_for_selector("#view-partisipasi[data-loaded]", timeout=15_000)
        assert page.inner_text("#view-partisipasi h2") == dashboard_text("en", "participation.heading")
        assert page.inner_text("#error-dasbor") == ""
        assert refused == []

