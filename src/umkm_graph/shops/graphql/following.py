"""Following shops (langganan): followShop, unfollowShop and myFollowedShops."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.graphql_common.pagination import Connection, asked_window, connection
from umkm_graph.shops import following
from umkm_graph.shops.graphql.types import ShopType


@strawberry.type
class FollowPayload:
    shop: ShopType | None = None
    errors: list[UserError]


@strawberry.type
class FollowingQuery:
    @strawberry.field(description="The verified shops you follow, the latest followed first.")
    async def my_followed_shops(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[ShopType]:
        page = await following.followed_shops(await info.context.user(), asked_window(info, first, after))
        return connection(page, ShopType.from_model)


@strawberry.type
class FollowingMutation:
    @strawberry.mutation(description="Follow a verified shop: hear when it lists a new sembako product or restocks "
                                     "one that was out (at most once per shop every few hours). Again is no change.")
    async def follow_shop(self, info: Info[Context, None], shop_id: strawberry.ID) -> FollowPayload:
        return await mutate(info, FollowPayload,
                            lambda user: following.follow_shop(user, parse_id(shop_id, "shopId")),
                            lambda shop: {"shop": ShopType.from_model(shop)})

    @strawberry.mutation(description="Stop following a shop. Not following it is no change.")
    async def unfollow_shop(self, info: Info[Context, None], shop_id: strawberry.ID) -> FollowPayload:
        return await mutate(info, FollowPayload,
                            lambda user: following.unfollow_shop(user, parse_id(shop_id, "shopId")),
                            lambda shop: {"shop": ShopType.from_model(shop)})
