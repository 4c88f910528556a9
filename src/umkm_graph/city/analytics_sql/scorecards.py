"""The statements of UMKM scorecards."""

from __future__ import annotations

from umkm_graph.city.analytics_sql.base import Dialect, epoch_seconds, median, month_end_epoch


class ScorecardSort:
    """The SQL of each figure a leaderboard sorts by, over the `board` rows; ratios as floating point, NULL when
    undefined (or withheld, for the ASN share)."""

    EXPRESSIONS = {
        "GMV": "gmv",
        "GMV_NET": "gmv_net",
        "ORDERS": "orders",
        "COMPLETED_ORDERS": "completed",
        "BUYERS": "buyers",
        "ASN_BUYER_SHARE": ("CASE WHEN settled_buyers >= :k THEN CAST(asn_buyers AS DOUBLE PRECISION) / settled_buyers "
                            "END"),
        "FULFILMENT_RATE": "CAST(fulfilled AS DOUBLE PRECISION) / NULLIF(decided, 0)",
        "SELLER_CANCELLATION_RATE": "CAST(seller_cancelled AS DOUBLE PRECISION) / NULLIF(decided, 0)",
        "MEDIAN_MINUTES_TO_ACCEPT": "median_accept_s",
        "AVERAGE_RATING": "CAST(rating_sum AS DOUBLE PRECISION) / NULLIF(reviews, 0)",
        "REVIEW_COUNT": "reviews",
        "COMPLAINT_RATE": "CAST(complained AS DOUBLE PRECISION) / NULLIF(fulfilled, 0)",
    }

    @classmethod
    def order_by(cls, figure: str, descending: bool) -> str:
        """Shops without the figure last, whichever the direction; the shop id breaks ties, so pages never overlap."""
        expression = cls.EXPRESSIONS[figure]
        return (f"CASE WHEN {expression} IS NULL THEN 1 ELSE 0 END, {expression} {'DESC' if descending else 'ASC'}, "
                "shop_id")


def shop_filter(*, one_shop: bool, kecamatan: bool, category: bool) -> str:
    """Which shops a scorecard query covers: one by :shop_id, or every verified (or since suspended) shop, optionally
    in :kecamatan and selling in :categories."""
    if one_shop:
        return "s.id = :shop_id"
    where = ["s.status IN ('VERIFIED', 'SUSPENDED')"]
    if kecamatan:
        where.append("s.kecamatan = :kecamatan")
    if category:
        where.append("EXISTS (SELECT 1 FROM products p WHERE p.shop_id = s.id AND p.category_id IN :categories)")
    return " AND ".join(where)


def scorecards(d: Dialect, where: str, order_by: str, *, one_shop: bool = False) -> str:
    """Every scorecard figure per shop, for orders placed in [:start, :end); one page (:limit, :offset). Each CTE is
    read once, so PostgreSQL inlines it and estimates the joins from the tables' statistics."""
    narrow = "AND o.shop_id = :shop_id" if one_shop else ""
    narrow_reviews = "AND shop_id = :shop_id" if one_shop else ""
    return f"""
WITH steps AS (
  SELECT o.id, o.shop_id, o.buyer_id, o.status, o.subtotal, o.subtotal - COALESCE(dsc.off, 0) AS net,
         CASE WHEN u.nip IS NOT NULL AND u.asn_since < :end THEN 1 ELSE 0 END AS is_asn,
         CASE WHEN MAX(CASE WHEN t.to_status = 'COMPLETED' THEN {epoch_seconds(d, 't.created_at')} END)
                   < {month_end_epoch(d, 'o.created_at')} + :settle_seconds THEN 1 ELSE 0 END AS settled,
         MIN(CASE WHEN t.to_status = 'PLACED' THEN {epoch_seconds(d, 't.created_at')} END) AS placed_s,
         MIN(CASE WHEN t.to_status = 'ACCEPTED' THEN {epoch_seconds(d, 't.created_at')} END) AS accepted_s,
         MAX(CASE WHEN t.to_status = 'CANCELLED' AND t.actor_id = s.owner_id THEN 1 ELSE 0 END) AS by_seller
  FROM orders o
  JOIN shops s ON s.id = o.shop_id
  JOIN users u ON u.id = o.buyer_id
  JOIN order_transitions t ON t.order_id = o.id
  LEFT JOIN (SELECT order_id, SUM(amount) AS off FROM order_discounts WHERE product_id IS NOT NULL
             GROUP BY order_id) dsc ON dsc.order_id = o.id
  WHERE o.created_at >= :start AND o.created_at < :end {narrow}
  GROUP BY o.id, o.shop_id, o.buyer_id, o.status, o.subtotal, dsc.off, o.created_at, u.nip, u.asn_since
),
ranked AS (
  SELECT shop_id, buyer_id, status, subtotal, net, is_asn, settled, by_seller, accepted_s - placed_s AS accept_s,
         ROW_NUMBER() OVER (PARTITION BY shop_id
                            ORDER BY CASE WHEN accepted_s IS NULL THEN 1 ELSE 0 END, accepted_s - placed_s) AS rn,
         COUNT(accepted_s) OVER (PARTITION BY shop_id) AS n
  FROM steps WHERE placed_s IS NOT NULL
),
figures AS (
  SELECT shop_id,
         COUNT(*) AS orders,
         SUM(CASE WHEN status = 'COMPLETED' THEN 1 ELSE 0 END) AS completed,
         CAST(SUM(CASE WHEN status = 'COMPLETED' THEN subtotal ELSE 0 END) AS BIGINT) AS gmv,
         CAST(SUM(CASE WHEN status = 'COMPLETED' THEN net ELSE 0 END) AS BIGINT) AS gmv_net,
         COUNT(DISTINCT CASE WHEN status = 'COMPLETED' THEN buyer_id END) AS buyers,
         COUNT(DISTINCT CASE WHEN status = 'COMPLETED' AND settled = 1 THEN buyer_id END) AS settled_buyers,
         COUNT(DISTINCT CASE WHEN status = 'COMPLETED' AND settled = 1 AND is_asn = 1 THEN buyer_id END) AS asn_buyers,
         SUM(CASE WHEN status IN ('DELIVERED', 'COMPLETED') THEN 1 ELSE 0 END) AS fulfilled,
         SUM(CASE WHEN status IN ('DELIVERED', 'COMPLETED', 'CANCELLED') THEN 1 ELSE 0 END) AS decided,
         SUM(CASE WHEN status = 'CANCELLED' THEN by_seller ELSE 0 END) AS seller_cancelled,
         {median('accept_s')} AS median_accept_s
  FROM ranked GROUP BY shop_id
),
rated AS (
  SELECT shop_id, COUNT(*) AS reviews, SUM(rating) AS rating_sum
  FROM reviews WHERE created_at >= :start AND created_at < :end {narrow_reviews}
  GROUP BY shop_id
),
complained AS (
  SELECT o.shop_id, COUNT(DISTINCT c.order_id) AS complained, COUNT(*) AS complaints,
         SUM(CASE WHEN c.escalated_at IS NOT NULL THEN 1 ELSE 0 END) AS escalated,
         SUM(CASE WHEN c.resolution IN ('REFUND', 'REPLACE') OR c.refund_amount > 0 THEN 1 ELSE 0 END) AS upheld
  FROM complaints c JOIN orders o ON o.id = c.order_id
  WHERE o.created_at >= :start AND o.created_at < :end {narrow}
  GROUP BY o.shop_id
),
board AS (
  SELECT s.id AS shop_id,
         COALESCE(f.orders, 0) AS orders, COALESCE(f.completed, 0) AS completed, COALESCE(f.gmv, 0) AS gmv,
         COALESCE(f.gmv_net, 0) AS gmv_net,
         COALESCE(f.buyers, 0) AS buyers, COALESCE(f.settled_buyers, 0) AS settled_buyers,
         COALESCE(f.asn_buyers, 0) AS asn_buyers,
         COALESCE(f.fulfilled, 0) AS fulfilled, COALESCE(f.decided, 0) AS decided,
         COALESCE(f.seller_cancelled, 0) AS seller_cancelled, f.median_accept_s,
         COALESCE(r.reviews, 0) AS reviews, COALESCE(r.rating_sum, 0) AS rating_sum,
         COALESCE(c.complained, 0) AS complained, COALESCE(c.complaints, 0) AS complaints,
         COALESCE(c.escalated, 0) AS escalated, COALESCE(c.upheld, 0) AS upheld
  FROM shops s
  LEFT JOIN figures f ON f.shop_id = s.id
  LEFT JOIN rated r ON r.shop_id = s.id
  LEFT JOIN complained c ON c.shop_id = s.id
  WHERE {where}
)
SELECT * FROM board ORDER BY {order_by} LIMIT :limit OFFSET :offset
"""


def shop_count(where: str) -> str:
    return f"SELECT COUNT(*) AS n FROM shops s WHERE {where}"


