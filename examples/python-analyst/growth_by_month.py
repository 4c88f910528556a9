"""An analyst's look at growth in one script: how demand spreads by share links and referrals per month and kecamatan
(citySpreadByPeriod), and what each city programme reached (cityProgrammeFigures), from the API through the `gql`
client into pandas tables, printed as CSV. A withheld figure (k-anonymity) stays empty, not zero.

    pip install -e '.[analyst]'   # pandas, matplotlib and gql, beside the API's own packages
    UMKM_TOKEN=<an analyst's token> .venv/bin/python examples/python-analyst/growth_by_month.py \
        --from 2026-08-01 --to 2026-10-31
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

import pandas as pd
from gql import Client, GraphQLRequest, gql
from gql.transport.aiohttp import AIOHTTPTransport

GROWTH = gql("""
query Growth($from: Date!, $to: Date!) {
  citySpreadByPeriod(period: { from: $from, to: $to }, interval: MONTH) {
    buckets { first closed byKecamatan { key shares visits attributedOrders attributedRupiah referredBuyers } }
  }
  cityProgrammeFigures { programme { code name budget rewardFor } suppressed spend orders buyers umkmReached }
}
""")
SPREAD_COLUMNS = ["month", "kecamatan", "shares", "visits", "attributedOrders", "attributedRupiah", "referredBuyers"]


def growth(url: str, token: str, start: str, end: str) -> dict[str, Any]:
    transport = AIOHTTPTransport(url=url, headers={"Authorization": f"Bearer {token}"}, ssl=url.startswith("https"))
    client = Client(transport=transport, fetch_schema_from_transport=False)
    return client.execute(GraphQLRequest(GROWTH, variable_values={"from": start, "to": end}))  # its own event loop


def spread_table(answer: dict[str, Any]) -> pd.DataFrame:
    """One row per month (settled ones only) and kecamatan of the shop."""
    rows = [{"month": bucket["first"][:7], "kecamatan": row["key"], **{c: row[c] for c in SPREAD_COLUMNS[2:]}}
            for bucket in answer["citySpreadByPeriod"]["buckets"] if bucket["closed"] for row in bucket["byKecamatan"]]
    return pd.DataFrame(rows, columns=SPREAD_COLUMNS).astype({c: "Int64" for c in SPREAD_COLUMNS[2:]})


def programme_table(answer: dict[str, Any]) -> pd.DataFrame:
    rows = [{"code": f["programme"]["code"], "name": f["programme"]["name"], "rewardFor": f["programme"]["rewardFor"],
             "budget": f["programme"]["budget"], "spend": f["spend"], "orders": f["orders"], "buyers": f["buyers"],
             "umkmReached": f["umkmReached"]} for f in answer["cityProgrammeFigures"]]
    figures = ["budget", "spend", "orders", "buyers", "umkmReached"]
    return pd.DataFrame(rows, columns=["code", "name", "rewardFor", *figures]).astype({c: "Int64" for c in figures})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000/graphql")
    parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
    args = parser.parse_args()
    token = os.environ.get("UMKM_TOKEN")
    if not token:
        print("set UMKM_TOKEN to an analyst's or city officer's token (the login mutation gives one)", file=sys.stderr)
        return 2
    answer = growth(args.url, token, args.start, args.end)
    sys.stdout.write("# spread\n" + spread_table(answer).to_csv(index=False))
    sys.stdout.write("# programmes\n" + programme_table(answer).to_csv(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
