"""What the city's programmes reached (issue 17, section 1): per programme, the rupiah the city put into discounts,
the orders discounted, the distinct buyers, and the UMKM (shops) that sold under it. Orders whose use was given back
(cancelled) do not count. k-anonymity as the other monitoring figures (city/disclosure.py): a programme used by 1 to
k-1 buyers shows no figures at all, suppressed, since its spend and orders would describe those few people. No total
across programmes is shown, so no subtraction recovers a suppressed one."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.functions import Count, Sum

from umkm_graph.city.disclosure import shown
from umkm_graph.people.models import User
from umkm_graph.promotions.models import Funder, Promotion, PromotionUse
from umkm_graph.promotions.service import city_programmes


@dataclass(frozen=True)
class ProgrammeFigures:
    programme: Promotion
    suppressed: bool
    spend: int | None
    orders: int | None
    buyers: int | None
    umkm_reached: int | None


async def programme_figures(user: User | None, k: int) -> list[ProgrammeFigures]:
    """Every programme, newest first, with its figures, for city officers and analysts; in two statements."""
    programmes = await city_programmes(user)
    rows = await (PromotionUse.filter(promotion__funder=Funder.CITY, returned_at__isnull=True)
                  .annotate(spend=Sum("amount"), orders=Count("order_id", distinct=True),
                            buyers=Count("buyer_id", distinct=True), umkm=Count("order__shop_id", distinct=True))
                  .group_by("promotion_id").values("promotion_id", "spend", "orders", "buyers", "umkm"))
    by_programme = {row["promotion_id"]: row for row in rows}
    return [_figures(p, by_programme.get(p.id), k) for p in programmes]


def _figures(programme: Promotion, row: dict[str, int] | None, k: int) -> ProgrammeFigures:
    if row is None:
        return ProgrammeFigures(programme, False, 0, 0, 0, 0)
    if not shown(int(row["buyers"]), k):
        return ProgrammeFigures(programme, True, None, None, None, None)
    return ProgrammeFigures(programme, False, int(row["spend"]), int(row["orders"]), int(row["buyers"]),
                            int(row["umkm"]))
