"""`umkm-graph query FILE.graphql --var k=v --format csv|json` against `serve --demo` over real HTTP: the analyst's
token, the examples' documents, one flat table whose rows are the API's own answer."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers.live import demo_server, free_port, post_graphql_sync
from tests.helpers.paths import REPO
from umkm_graph.cli import main
from umkm_graph.demo.seed import DEMO_PASSWORD

LEADERBOARD = REPO / "examples" / "analytics" / "top_umkm_by_gmv.graphql"
SEMBAKO = REPO / "examples" / "analytics" / "sembako_prices.graphql"
LOGIN = "mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_server(tmp_path_factory.mktemp("query-demo")) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def token(server: str) -> str:
    answer = post_graphql_sync(server, LOGIN, {"email": "analyst@malangkota.go.id", "password": DEMO_PASSWORD})
    return str(answer["login"]["token"])


def query(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["query", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_connection_becomes_a_csv_of_its_nodes_with_dotted_columns(
        server: str, token: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UMKM_TOKEN", token)
    code, out, err = query(capsys, str(LEADERBOARD), "--var", "month=2026-10", "--var", "first=5",
                           "--url", f"{server}/graphql")
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    expected = post_graphql_sync(server, LEADERBOARD.read_text(), {"month": "2026-10", "first": 5}, token)
    nodes = [edge["node"] for edge in expected["shopLeaderboard"]["edges"]]
    assert nodes, "the demo month has no leaderboard"
    assert [row["shop.name"] for row in rows] == [node["shop"]["name"] for node in nodes]
    assert [int(row["gmv"]) for row in rows] == [node["gmv"] for node in nodes]
    assert [row["rank"] for row in rows] == [str(node["rank"]) for node in nodes]


def test_json_rows_at_a_chosen_path_keep_numbers_and_nulls(
        server: str, token: str, capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    output = tmp_path / "prices.json"
    code, _, err = query(capsys, str(SEMBAKO), "--path", "sembakoPrices.byKecamatan", "--format", "json",
                         "--token", token, "--url", f"{server}/graphql", "--output", str(output))
    assert (code, err) == (0, "")
    expected = post_graphql_sync(server, SEMBAKO.read_text(), {}, token)["sembakoPrices"]["byKecamatan"]
    assert json.loads(output.read_text()) == expected and expected


def test_without_a_token_the_apis_refusal_is_said_in_one_line(server: str, capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UMKM_TOKEN", raising=False)
    code, out, err = query(capsys, str(LEADERBOARD), "--var", "month=2026-10", "--url", f"{server}/graphql")
    assert code == 1 and out == ""
    assert err.startswith("umkm-graph query: ") and "UNAUTHENTICATED" in err and err.count("\n") == 1


@pytest.mark.parametrize(("args", "said"), [
    (["--var", "month"], "--var 'month': write it as name=value"),
    (["--path", "shopLeaderboard.nodes"], "--path shopLeaderboard.nodes: the answer has no 'nodes' there"),
])
def test_a_wrong_option_is_named(server: str, token: str, capsys: pytest.CaptureFixture[str], args: list[str],
                                 said: str) -> None:
    code, _, err = query(capsys, str(LEADERBOARD), "--var", "month=2026-10", *args, "--token", token,
                         "--url", f"{server}/graphql")
    assert code == 1 and said in err


def test_an_unreachable_api_and_a_missing_file_are_said_plainly(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}/graphql"
    code, _, err = query(capsys, str(LEADERBOARD), "--url", url)
    assert code == 1 and f"could not ask {url}" in err
    code, _, err = query(capsys, "no-such-file.graphql")
    assert code == 2 and "cannot read no-such-file.graphql" in err
