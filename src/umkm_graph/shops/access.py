"""Who may see a shop."""

from __future__ import annotations

from umkm_graph.people.access import is_city
from umkm_graph.people.models import User
from umkm_graph.shops.models import Shop, ShopStatus


def can_see_shop(user: User | None, shop: Shop) -> bool:
    """Buyers see verified shops only; the owner and the city see every status."""
    return shop.status == ShopStatus.VERIFIED or is_city(user) or (user is not None and shop.owner_id == user.id)
