"""The web pages in a real browser, offline: GraphiQL at /graphql and the city dashboard at /dashboard, against
`umkm-graph serve --demo`, in headless chromium that may reach nothing but 127.0.0.1. One browser and one server per
session; a screenshot of each page or view is kept under tests/artefacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.browser import offline_browser, offline_context, post_graphql_sync, require_chromium, screenshot_path
from tests.helpers.live import free_port, server_process
from umkm_graph.demo.seed import DEMO_PASSWORD

ANALYST = "analyst@malangkota.go.id"
STOREFRONT = ('{ products(filter: { category: "sembako" }, sort: PRICE_ASC, first: 3) '
              '{ totalCount edges { node { name price shop { name } } } } }')
LOGIN = "mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }"


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()  # no server to start when the browser tests cannot run
    folder: Path = tmp_path_factory.mktemp("browser-demo")
    port = free_port()
    env = {"UMKM_DATABASE_URL": f"sqlite://{folder / 'demo.db'}", "UMKM_PAYMENT_JOBS_INTERVAL_SECONDS": "0",
           "UMKM_ACCESS_LOG": "0"}
    with server_process(env, port, folder / "server.log", "--demo"):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
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
