"""The statements of sales."""

from __future__ import annotations

from collections.abc import Sequence

from umkm_graph.city.analytics import Interval
from umkm_graph.city.analytics_sql.base import Dialect, epoch_seconds, month_end_epoch, wib_bucket
from umkm_graph.city.analytics_sql.participation import sale

# Each dimension's column, and the join it needs.
SALES_DIMENSIONS: dict[str, tuple[str, str]] = {
    "kecamatan": ("s.kecamatan", "JOIN shops s ON s.id = o.shop_id"),
    "category": ("c.slug", "JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.id = l.product_id "
                           "JOIN categories c ON c.id = p.category_id"),
    "payment_method": ("o.payment_method", ""),
    "payment_kind": ("CASE WHEN o.payment_method IN :cash_methods THEN 'COD' ELSE 'CASHLESS' END", ""),
    "buyer_type": ("", ""),  # per dialect: buyer_type()
}


def buyer_type(d: Dialect) -> str:
    """ASN when the buyer's NIP was registered before the month of the order ended (the buyer type is given by month
    only), so that a NIP registered later leaves the month as it was shown."""
    registered = f"{epoch_seconds(d, 'u.asn_since')} < {month_end_epoch(d, 'o.created_at')}"
    return f"CASE WHEN u.nip IS NOT NULL AND {registered} THEN 'ASN' ELSE 'RESIDENT' END"


# What vouchers took off the goods (not the delivery fee), per order, or per order line (its product) by category.
_GOODS_DISCOUNTS = {
    False: "LEFT JOIN (SELECT order_id, SUM(amount) AS off FROM order_discounts WHERE product_id IS NOT NULL "
           "GROUP BY order_id) dsc ON dsc.order_id = o.id",
    True: "LEFT JOIN (SELECT order_id, product_id, SUM(amount) AS off FROM order_discounts "
          "WHERE product_id IS NOT NULL GROUP BY order_id, product_id) dsc "
          "ON dsc.order_id = o.id AND dsc.product_id = l.product_id",
}


def sales(d: Dialect, interval: Interval, dimensions: Sequence[str]) -> str:
    """Completed orders placed in [:start, :end): orders, GMV gross (goods at their prices, in rupiah) and net (less
    the vouchers' discounts on the goods) and distinct buyers per WIB bucket and per value of each dimension; at most
    :limit rows. With the category dimension a sale splits into its lines."""
    columns = [f"{wib_bucket(d, 'o.created_at', interval)} AS start_day"]
    columns += [f"{buyer_type(d) if name == 'buyer_type' else SALES_DIMENSIONS[name][0]} AS {name}"
                for name in dimensions]
    by_line = "category" in dimensions
    joins = " ".join([*(SALES_DIMENSIONS[name][1] for name in dimensions if SALES_DIMENSIONS[name][1]),
                      _GOODS_DISCOUNTS[by_line]])
    amount = "l.line_total" if by_line else "o.subtotal"
    groups = ", ".join(str(i) for i in range(1, len(columns) + 1))
    aggregate = f"""
SELECT {', '.join(columns)},
       COUNT(DISTINCT o.id) AS orders, CAST(SUM({amount}) AS BIGINT) AS gmv,
       CAST(SUM({amount} - COALESCE(dsc.off, 0)) AS BIGINT) AS gmv_net, COUNT(DISTINCT o.buyer_id) AS buyers
FROM orders o JOIN users u ON u.id = o.buyer_id {joins}
WHERE {sale(d)}
GROUP BY {groups}
"""
    if d == "postgres":
        # The LIMIT only guards against too many rows, but PostgreSQL plans the grouping to deliver the first rows fast:
        # nested loops over every order line, twice as slow for a year. A materialised CTE is planned for all its rows.
        return f"WITH sale AS MATERIALIZED ({aggregate})\nSELECT * FROM sale LIMIT :limit\n"
    return aggregate + "LIMIT :limit\n"
