"""Following shops (langganan): follow, unfollow, the shops one follows, and telling followers of a shop's new or
restocked sembako. The catalog calls `tell_followers` inside the transaction of the product change, so the messages
exist exactly when the change does. A follower hears of one shop at most once per `quiet_hours`, however often its
seller lists or restocks: the first change in that time is told, the rest are not (no digest, no queue)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.core.paging import Page, Window, page_of
from umkm_graph.notifications.kinds import Kind
from umkm_graph.notifications.service import notify_many
from umkm_graph.people.access import require_user
from umkm_graph.people.models import User
from umkm_graph.shops.models import Shop, ShopFollow, ShopStatus


async def follow_shop(user: User | None, shop_id: int) -> Shop:
    """Follow a verified shop (again is no change); not one's own."""
    person = require_user(user)
    shop = await Shop.get_or_none(id=shop_id, status=ShopStatus.VERIFIED)
    if shop is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No verified shop has this id", "shopId")
    if shop.owner_id == person.id:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.FORBIDDEN, "You cannot follow your own shop", "shopId")
    try:
        async with in_transaction():
            await ShopFollow.create(user_id=person.id, shop_id=shop.id)
            await Shop.filter(id=shop.id).update(follower_count=F("follower_count") + 1)
    except IntegrityError:  # already following: nothing changes
        pass
    await shop.refresh_from_db(fields=["follower_count"])
    return shop


async def unfollow_shop(user: User | None, shop_id: int) -> Shop:
    """Stop following a shop (not following it is no change)."""
    person = require_user(user)
    shop = await Shop.get_or_none(id=shop_id)
    if shop is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No shop has this id", "shopId")
    async with in_transaction():
        if await ShopFollow.filter(user_id=person.id, shop_id=shop.id).delete():
            await Shop.filter(id=shop.id).update(follower_count=F("follower_count") - 1)
    await shop.refresh_from_db(fields=["follower_count"])
    return shop


async def followed_shops(user: User | None, window: Window) -> Page[Shop]:
    """The verified shops the signed-in person follows, the latest followed first."""
    person = require_user(user)
    query = ShopFollow.filter(user_id=person.id, shop__status=ShopStatus.VERIFIED)

    async def with_shops(listed: object, offset: int, limit: int) -> list[ShopFollow]:
        return await listed.offset(offset).limit(limit).select_related("shop")  # type: ignore[attr-defined,no-any-return]

    page = await page_of(query, window, ("-created_at", "-id"), fetch=with_shops)
    return dataclasses.replace(page, rows=[follow.shop for follow in page.rows])


async def tell_followers(shop: Shop, kind: Kind, product: str, price: int, quiet_hours: int,
                         now: dt.datetime | None = None) -> int:
    """Put a message of the product for each follower not told of this shop in the last quiet_hours; how many
    followers. Call inside the product change's transaction. The followers are claimed by one conditional update
    (last_notified_at), so two changes at once do not both tell the same follower."""
    if shop.status != ShopStatus.VERIFIED:
        return 0
    now = now or dt.datetime.now(dt.UTC)
    due = Q(last_notified_at__isnull=True) | Q(last_notified_at__lte=now - dt.timedelta(hours=quiet_hours))
    if not await ShopFollow.filter(due, shop_id=shop.id).update(last_notified_at=now):
        return 0
    told = await ShopFollow.filter(shop_id=shop.id, last_notified_at=now).values_list("user_id", flat=True)
    await notify_many(list(told), kind, {"shop": shop.name, "product": product, "price": price})
    return len(told)
