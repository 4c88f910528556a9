"""The statements of sembako price watch."""

from __future__ import annotations

from umkm_graph.city.analytics_sql.base import (
    PER,
    UNIT_PRICE,
    Dialect,
    grouping_total,
    median,
    percentile_median,
    timestamp_param,
)


def _listing_filters(commodity: bool, kecamatan: bool) -> str:
    return (" AND c.slug = :commodity" if commodity else "") + (" AND s.kecamatan = :kecamatan" if kecamatan else "")


def priced_listings(d: Dialect, commodity: bool, kecamatan: bool) -> str:
    """CTEs ending in `priced`: active sembako listings of verified shops with their price per kg or litre, and the
    ceiling that applies on :today: the commodity's, for the unit, in effect that day, a ceiling whose variant word is
    in the listing's name before the general one ('' variant)."""
    variant_first = "CASE WHEN r.variant = '' THEN 1 ELSE 0 END, r.effective_from DESC, r.id DESC"
    matching = """FROM listing l
  JOIN reference_prices r
    ON r.commodity = l.commodity AND r.unit = l.per AND r.effective_from <= :today
   AND (r.variant = '' OR LOWER(l.name) LIKE '%' || LOWER(r.variant) || '%')"""
    if d == "postgres":  # DISTINCT ON keeps the first row of each listing without ranking them all
        ceiling = f"SELECT DISTINCT ON (l.id) l.id, r.price, r.variant\n  {matching}\n  ORDER BY l.id, {variant_first}"
        first = ""
    else:
        ceiling = (f"SELECT l.id, r.price, r.variant,\n"
                   f"         ROW_NUMBER() OVER (PARTITION BY l.id ORDER BY {variant_first}) AS rn\n  {matching}")
        first = " AND c.rn = 1"
    return f"""
WITH listing AS (
  SELECT p.id, p.name, c.slug AS commodity, s.kecamatan, {UNIT_PRICE} AS unit_price, {PER} AS per
  FROM products p
  JOIN shops s ON s.id = p.shop_id
  JOIN categories c ON c.id = p.category_id
  JOIN categories parent ON parent.id = c.parent_id
  WHERE p.is_active AND s.status = 'VERIFIED' AND parent.slug = 'sembako'{_listing_filters(commodity, kecamatan)}
),
ceiling AS (
  {ceiling}
),
priced AS (
  SELECT l.id, l.commodity, l.kecamatan, l.unit_price, l.per, c.price AS ceiling, c.variant AS ceiling_variant
  FROM listing l LEFT JOIN ceiling c ON c.id = l.id{first}
  WHERE l.unit_price IS NOT NULL
)"""


def price_distribution(d: Dialect, commodity: bool, kecamatan: bool) -> str:
    """Listings, minimum, median and maximum price per kg or litre, how many exceed their ceiling, and the commodity's
    general ceiling on :today: per commodity and unit, per kecamatan and for the whole city (kecamatan '')."""
    general = """,
general AS (
  SELECT commodity, unit, price,
         ROW_NUMBER() OVER (PARTITION BY commodity, unit ORDER BY effective_from DESC) AS rn
  FROM reference_prices WHERE variant = '' AND effective_from <= :today
)"""
    if d == "postgres":
        return priced_listings(d, commodity, kecamatan) + general + f"""
SELECT x.commodity, x.per, {grouping_total('x.kecamatan')} AS kecamatan, COUNT(*) AS listings,
       MIN(x.unit_price) AS min_price, MAX(x.unit_price) AS max_price,
       {percentile_median('x.unit_price')} AS median_price,
       SUM(CASE WHEN x.unit_price > x.ceiling THEN 1 ELSE 0 END) AS above_ceiling, MAX(g.price) AS general_ceiling
FROM priced x LEFT JOIN general g ON g.commodity = x.commodity AND g.unit = x.per AND g.rn = 1
GROUP BY GROUPING SETS ((x.commodity, x.per, x.kecamatan), (x.commodity, x.per))
"""
    return priced_listings(d, commodity, kecamatan) + general + f""",
grouped AS (
  SELECT commodity, per, kecamatan, unit_price, ceiling FROM priced
  UNION ALL
  SELECT commodity, per, '' AS kecamatan, unit_price, ceiling FROM priced
),
ranked AS (
  SELECT commodity, per, kecamatan, unit_price, ceiling,
         ROW_NUMBER() OVER (PARTITION BY commodity, per, kecamatan ORDER BY unit_price) AS rn,
         COUNT(*) OVER (PARTITION BY commodity, per, kecamatan) AS n
  FROM grouped
)
SELECT x.commodity, x.per, x.kecamatan, COUNT(*) AS listings, MIN(x.unit_price) AS min_price,
       MAX(x.unit_price) AS max_price, {median('x.unit_price', 'x')} AS median_price,
       SUM(CASE WHEN x.unit_price > x.ceiling THEN 1 ELSE 0 END) AS above_ceiling, MAX(g.price) AS general_ceiling
FROM ranked x LEFT JOIN general g ON g.commodity = x.commodity AND g.unit = x.per AND g.rn = 1
GROUP BY x.commodity, x.per, x.kecamatan
"""


def price_flags(d: Dialect, commodity: bool, kecamatan: bool) -> str:
    """Listings above their ceiling, the most excessive (relative to the ceiling) first; one page, each row with the
    total across all pages (so that a connection's totalCount needs no second pass over the listings)."""
    return priced_listings(d, commodity, kecamatan) + """
SELECT id AS product_id, commodity, kecamatan, unit_price, per, ceiling, ceiling_variant, COUNT(*) OVER () AS total
FROM priced WHERE unit_price > ceiling
ORDER BY CAST(unit_price - ceiling AS DOUBLE PRECISION) / ceiling DESC, id
LIMIT :limit OFFSET :offset
"""


def price_flag_count(d: Dialect, commodity: bool, kecamatan: bool) -> str:
    return priced_listings(d, commodity, kecamatan) + "\nSELECT COUNT(*) AS n FROM priced WHERE unit_price > ceiling\n"


def references_in_effect(commodity: bool) -> str:
    """The id of each (commodity, unit, variant)'s latest reference price on :day."""
    narrow = "AND commodity = :commodity" if commodity else ""
    return f"""
WITH ranked AS (
  SELECT id, ROW_NUMBER() OVER (PARTITION BY commodity, unit, variant ORDER BY effective_from DESC) AS rn
  FROM reference_prices WHERE effective_from <= :day {narrow}
)
SELECT id FROM ranked WHERE rn = 1
"""


def price_series(d: Dialect, buckets: int, commodity: bool, kecamatan: bool, by_kecamatan: bool) -> str:
    """Per bucket (parameters :b0.. its first day, :e0.. its end), the price per kg or litre that each sembako listing
    active now (of a verified shop) had at the bucket's end, from the price history (a product without history counts
    at its current price since it was listed): listings, minimum, median and maximum, per commodity and unit, per
    kecamatan or for the city ('')."""
    values = ", ".join(f"(:b{i}, {timestamp_param(d, f'e{i}')})" for i in range(buckets))
    group = "l.kecamatan" if by_kecamatan else "''"
    return f"""
WITH bucket(start_day, ends) AS (VALUES {values}),
listing AS (
  SELECT p.id, c.slug AS commodity, s.kecamatan
  FROM products p
  JOIN shops s ON s.id = p.shop_id
  JOIN categories c ON c.id = p.category_id
  JOIN categories parent ON parent.id = c.parent_id
  WHERE p.is_active AND s.status = 'VERIFIED' AND parent.slug = 'sembako'{_listing_filters(commodity, kecamatan)}
),
change AS (
  SELECT h.product_id, h.changed_at, h.id AS seq, h.unit_price, h.per
  FROM price_changes h JOIN listing l ON l.id = h.product_id
  UNION ALL
  SELECT p.id, p.created_at, 0, {UNIT_PRICE}, {PER}
  FROM products p JOIN listing l ON l.id = p.id
  WHERE NOT EXISTS (SELECT 1 FROM price_changes h WHERE h.product_id = p.id)
),
span AS (
  SELECT product_id, unit_price, per, changed_at AS valid_from,
         LEAD(changed_at) OVER (PARTITION BY product_id ORDER BY changed_at, seq) AS valid_to
  FROM change
),
point AS (
  SELECT b.start_day, sp.product_id, sp.unit_price, sp.per
  FROM bucket b JOIN span sp ON sp.valid_from < b.ends AND (sp.valid_to IS NULL OR sp.valid_to >= b.ends)
  WHERE sp.unit_price IS NOT NULL
),
ranked AS (
  SELECT x.start_day, l.commodity, x.per, {group} AS kecamatan, x.unit_price,
         ROW_NUMBER() OVER (PARTITION BY x.start_day, l.commodity, x.per, {group} ORDER BY x.unit_price) AS rn,
         COUNT(*) OVER (PARTITION BY x.start_day, l.commodity, x.per, {group}) AS n
  FROM point x JOIN listing l ON l.id = x.product_id
)
SELECT start_day, commodity, per, kecamatan, COUNT(*) AS listings, MIN(unit_price) AS min_price,
       MAX(unit_price) AS max_price, {median('unit_price')} AS median_price
FROM ranked GROUP BY start_day, commodity, per, kecamatan
"""


