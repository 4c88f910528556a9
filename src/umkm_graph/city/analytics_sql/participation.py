"""The statements of ASN participation."""

from __future__ import annotations

from umkm_graph.city.analytics_sql.base import (
    Dialect,
    epoch_seconds,
    grouping_total,
    median,
    month_end_epoch,
    percentile_median,
)

# An ASN's OPD in a period: the one in force when it ended (opd_memberships), so a later move leaves closed months as
# they were. An account without a history row (none once migration 0005 ran) counts in the OPD it names now.
OPD_AT_END = ("COALESCE((SELECT m.opd FROM opd_memberships m WHERE m.user_id = users.id AND m.since < :end "
              "ORDER BY m.since DESC, m.id DESC LIMIT 1), users.opd)")
# Registered ASN: accounts whose NIP was registered before the period ended; each twice, under its OPD and under '' (all ASN),
# so one statement answers for every OPD and for the city. (An OPD is never '': registerAsn requires a name.)
_ASN = f"""asn AS (
  SELECT id, {OPD_AT_END} AS grp FROM users WHERE nip IS NOT NULL AND asn_since < :end
  UNION ALL
  SELECT id, '' AS grp FROM users WHERE nip IS NOT NULL AND asn_since < :end
)"""


# With a roster (roster_entries of import :roster): the ASN are the roster's, under the OPD it lists them in, each with
# their account when they registered its NIP before the period ended (id NULL otherwise: counted, never a buyer).
_ROSTER_ASN = ("SELECT u.id AS id, d.short_name AS {group}, e.grade AS grade FROM roster_entries e "
               "JOIN opds d ON d.id = e.opd_id "
               "LEFT JOIN users u ON u.nip = e.nip AND u.asn_since < :end WHERE e.roster_import_id = :roster")
_ROSTER_ALL = ("SELECT u.id AS id, '' AS grp, e.grade AS grade FROM roster_entries e "
               "LEFT JOIN users u ON u.nip = e.nip AND u.asn_since < :end WHERE e.roster_import_id = :roster")


def sale(d: Dialect) -> str:
    """A COMPLETED order placed in [:start, :end), completed before its month settled (the month's end plus
    :settle_seconds): a later completion would change a month already shown."""
    completed = epoch_seconds(d, "ct.created_at")
    return ("o.status = 'COMPLETED' AND o.created_at >= :start AND o.created_at < :end AND EXISTS (SELECT 1 FROM "
            "order_transitions ct WHERE ct.order_id = o.id AND ct.to_status = 'COMPLETED' AND "
            f"{completed} < {month_end_epoch(d, 'o.created_at')} + :settle_seconds)")


def target_of(grade: str, grades: int) -> str:
    """The spend target of an ASN of this grade: :grade_target<i> for :grade<i> (the grades with a target of their
    own), else :target."""
    if not grades:
        return ":target"
    # Cast: PostgreSQL cannot tell a CASE's parameters' types from the comparison around it.
    cases = " ".join(f"WHEN {grade} = :grade{i} THEN CAST(:grade_target{i} AS BIGINT)" for i in range(grades))
    return f"CASE {cases} ELSE CAST(:target AS BIGINT) END"


def participation(d: Dialect, roster: bool = False, grades: int = 0) -> str:
    """Per OPD and for all ASN (''): registered (with a roster: the roster's ASN), buyers, spend, median spend per
    buyer, and buyers at or above their target (with a roster, the `grades` grades' own targets count)."""
    grades = grades if roster else 0  # only the roster knows an ASN's grade
    if d == "postgres":  # no total row for no ASN, as the UNION ALL form has none
        registered = (_ROSTER_ASN.format(group="opd") if roster else
                      f"SELECT id, {OPD_AT_END} AS opd FROM users WHERE nip IS NOT NULL AND asn_since < :end")
        return f"""
WITH asn AS ({registered}),
spend AS (
  SELECT o.buyer_id, CAST(SUM(o.subtotal) AS BIGINT) AS spend
  FROM orders o JOIN asn a ON a.id = o.buyer_id
  WHERE {sale(d)}
  GROUP BY o.buyer_id
)
SELECT {grouping_total('a.opd')} AS opd, COUNT(*) AS registered, COUNT(s.buyer_id) AS buyers,
       CAST(COALESCE(SUM(s.spend), 0) AS BIGINT) AS spend, {percentile_median('s.spend')} AS median_spend,
       SUM(CASE WHEN s.spend >= {target_of('a.grade', grades)} THEN 1 ELSE 0 END) AS compliant
FROM asn a LEFT JOIN spend s ON s.buyer_id = a.id
GROUP BY GROUPING SETS ((a.opd), ())
HAVING COUNT(*) > 0
"""
    everyone = f"asn AS (\n  {_ROSTER_ASN.format(group='grp')}\n  UNION ALL\n  {_ROSTER_ALL}\n)" if roster else _ASN
    graded = ", a.grade" if roster else ""
    return f"""
WITH {everyone},
registered AS (SELECT grp, COUNT(*) AS registered FROM asn GROUP BY grp),
spend AS (
  SELECT a.grp, o.buyer_id{graded}, CAST(SUM(o.subtotal) AS BIGINT) AS spend
  FROM orders o JOIN asn a ON a.id = o.buyer_id
  WHERE {sale(d)}
  GROUP BY a.grp, o.buyer_id{graded}
),
ranked AS (
  SELECT grp, spend{", grade" if roster else ""},
         ROW_NUMBER() OVER (PARTITION BY grp ORDER BY spend) AS rn,
         COUNT(*) OVER (PARTITION BY grp) AS n
  FROM spend
),
bought AS (
  SELECT grp, COUNT(*) AS buyers, CAST(SUM(spend) AS BIGINT) AS spend, {median('spend')} AS median_spend,
         SUM(CASE WHEN spend >= {target_of('grade', grades)} THEN 1 ELSE 0 END) AS compliant
  FROM ranked GROUP BY grp
)
SELECT r.grp AS opd, r.registered, COALESCE(b.buyers, 0) AS buyers, COALESCE(b.spend, 0) AS spend, b.median_spend,
       COALESCE(b.compliant, 0) AS compliant
FROM registered r LEFT JOIN bought b ON b.grp = r.grp
"""


def resident_buyers(d: Dialect, roster: bool = False) -> str:
    """The buyers of the period who are not registered ASN in it (with a roster: not on it): with all ASN, they make
    the period's sales."""
    listed = (" AND EXISTS (SELECT 1 FROM roster_entries e WHERE e.roster_import_id = :roster AND e.nip = u.nip)"
              if roster else "")
    return f"""
SELECT COUNT(DISTINCT o.buyer_id) AS residents
FROM orders o JOIN users u ON u.id = o.buyer_id
WHERE NOT (u.nip IS NOT NULL AND u.asn_since < :end{listed}) AND {sale(d)}
"""


ASN_PROGRESS = """
SELECT CAST(SUM(CASE WHEN status = 'COMPLETED' THEN subtotal ELSE 0 END) AS BIGINT) AS spent,
       SUM(CASE WHEN status = 'COMPLETED' THEN 1 ELSE 0 END) AS completed,
       CAST(SUM(CASE WHEN status IN ('COMPLETED', 'CANCELLED', 'AWAITING_PAYMENT') THEN 0 ELSE subtotal END) AS BIGINT)
         AS pending
FROM orders WHERE buyer_id = :buyer AND created_at >= :start AND created_at < :end
"""


