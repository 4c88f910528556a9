"""examples/python-analyst/sales_by_month.py, run as an analyst would against `serve --demo`: the gql client's answer
into pandas, a PNG chart, and a table whose figures are the API's own."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.live import demo_server, post_graphql_sync
from tests.helpers.paths import REPO
from umkm_graph.demo.seed import DEMO_PASSWORD

SCRIPT = REPO / "examples" / "python-analyst" / "sales_by_month.py"
LOGIN = "mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }"
SALES = ("query($from: Date!, $to: Date!) { salesAggregates(period: { from: $from, to: $to }, interval: MONTH, "
         "by: [PAYMENT_KIND]) { rows { start paymentKind gmv } } }")
PERIOD = {"from": "2026-08-01", "to": "2026-10-31"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_server(tmp_path_factory.mktemp("analyst-demo")) as base_url:
        yield base_url


def run_example(server: str, token: str | None, output: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "UMKM_TOKEN"} | ({"UMKM_TOKEN": token} if token else {})
    return subprocess.run([sys.executable, "-W", "error", str(SCRIPT), "--url", f"{server}/graphql",
                           "--from", PERIOD["from"], "--to", PERIOD["to"], "--output", str(output)],
                          capture_output=True, text=True, timeout=120, env=env)


def test_the_pandas_example_charts_the_apis_monthly_gmv_by_payment_kind(server: str, tmp_path: Path) -> None:
    token = post_graphql_sync(server, LOGIN, {"email": "analyst@malangkota.go.id", "password": DEMO_PASSWORD})
    run = run_example(server, token["login"]["token"], tmp_path / "sales.png")
    assert run.returncode == 0, run.stderr
    chart = (tmp_path / "sales.png").read_bytes()
    assert chart.startswith(b"\x89PNG\r\n\x1a\n") and len(chart) > 5_000
    table = list(csv.DictReader(io.StringIO(run.stdout)))
    expected = post_graphql_sync(server, SALES, PERIOD, token["login"]["token"])["salesAggregates"]["rows"]
    assert expected, "the demo has no sales in the period"
    for row in expected:
        shown = next(line for line in table if line["month"] == row["start"][:7])[row["paymentKind"]]
        assert (float(shown) if shown else None) == row["gmv"], row


def test_the_pandas_example_asks_for_a_token_first(server: str, tmp_path: Path) -> None:
    run = run_example(server, None, tmp_path / "sales.png")
    assert run.returncode == 2 and "set UMKM_TOKEN" in run.stderr and not (tmp_path / "sales.png").exists()


GROWTH_SCRIPT = REPO / "examples" / "python-analyst" / "growth_by_month.py"


def test_the_growth_example_tables_the_demos_spread_and_programmes(server: str) -> None:
    token = post_graphql_sync(server, LOGIN, {"email": "analyst@malangkota.go.id", "password": DEMO_PASSWORD})
    env = {k: v for k, v in os.environ.items() if k != "UMKM_TOKEN"} | {"UMKM_TOKEN": token["login"]["token"]}
    run = subprocess.run([sys.executable, "-W", "error", str(GROWTH_SCRIPT), "--url", f"{server}/graphql",
                          "--from", PERIOD["from"], "--to", PERIOD["to"]], capture_output=True, text=True, timeout=120,
                         env=env)
    assert run.returncode == 0, run.stderr
    spread_part, programme_part = run.stdout.removeprefix("# spread\n").split("# programmes\n")
    spread = list(csv.DictReader(io.StringIO(spread_part)))
    # The demo's five share links of the Klojen shop were made in October, and opened 1 + 2 + 3 + 4 + 5 = 15 times.
    shared = [(row["month"], row["kecamatan"], row["shares"], row["visits"]) for row in spread
              if row["shares"] not in ("", "0")]
    assert shared == [("2026-10", "Klojen", "5", "15")]
    programmes = list(csv.DictReader(io.StringIO(programme_part)))
    # Newest first; the seeded orders predate both, so neither has spent anything.
    assert [(row["code"], row["rewardFor"], row["budget"], row["spend"]) for row in programmes] == [
        ("AJAKTEMAN", "BOTH", "5000000", "0"), ("KAMISMBOIS", "NONE", "50000000", "0")]
