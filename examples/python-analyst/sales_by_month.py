"""An analyst's notebook in one script: cash on delivery against cashless GMV per month, from the API's salesAggregates
through the `gql` client into a pandas table, saved as a bar chart (PNG) and printed as CSV.

    pip install -e '.[analyst]'   # pandas, matplotlib and gql, beside the API's own packages
    UMKM_TOKEN=<an analyst's token> .venv/bin/python examples/python-analyst/sales_by_month.py \
        --from 2026-08-01 --to 2026-10-31 --output sales.png
"""

from __future__ import annotations

import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")  # no display needed: the chart goes to a file

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from gql import Client, GraphQLRequest, gql  # noqa: E402
from gql.transport.aiohttp import AIOHTTPTransport  # noqa: E402

SALES = gql("""
query Sales($from: Date!, $to: Date!) {
  salesAggregates(period: { from: $from, to: $to }, interval: MONTH, by: [PAYMENT_KIND]) {
    rows { start paymentKind suppressed orders gmv buyers }
  }
}
""")


def sales_table(url: str, token: str, start: str, end: str) -> pd.DataFrame:
    """GMV per month (rows) and payment kind (columns); a withheld cell (k-anonymity) stays empty, not zero."""
    transport = AIOHTTPTransport(url=url, headers={"Authorization": f"Bearer {token}"}, ssl=url.startswith("https"))
    client = Client(transport=transport, fetch_schema_from_transport=False)
    request = GraphQLRequest(SALES, variable_values={"from": start, "to": end})
    answer = client.execute(request)  # runs its own event loop
    rows = pd.DataFrame(answer["salesAggregates"]["rows"])
    rows["month"] = rows["start"].str.slice(0, 7)
    return rows.pivot_table(index="month", columns="paymentKind", values="gmv", aggfunc="sum", dropna=False)


def save_chart(table: pd.DataFrame, path: str) -> None:
    axes = table.plot.bar(figsize=(8, 4.5), rot=0)
    axes.set_ylabel("GMV (rupiah)")
    axes.set_title("Kota Malang UMKM: COD vs cashless GMV per month")
    axes.yaxis.set_major_formatter(lambda value, _: f"Rp{value:,.0f}".replace(",", "."))
    plt.tight_layout()
    plt.savefig(path, dpi=100)
    plt.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000/graphql")
    parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
    parser.add_argument("--output", default="sales_by_month.png")
    args = parser.parse_args()
    token = os.environ.get("UMKM_TOKEN")
    if not token:
        print("set UMKM_TOKEN to an analyst's or city officer's token (the login mutation gives one)", file=sys.stderr)
        return 2
    table = sales_table(args.url, token, args.start, args.end)
    save_chart(table, args.output)
    sys.stdout.write(table.to_csv())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
