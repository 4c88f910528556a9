"""Shops: a shop by id or slug and the list of shops; registration and edits by sellers, verification by the city."""

from __future__ import annotations

from dataclasses import fields

import strawberry
from strawberry.types import Info

from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.graphql_common.pagination import Connection, asked_window, connection
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.graphql_engine.response_cache import public_data
from umkm_graph.shops import identity
from umkm_graph.shops import service as shops
from umkm_graph.shops.graphql.types import ShopStatusEnum, ShopType, load_shop
from umkm_graph.shops.models import Shop, ShopStatus


@strawberry.input(description="The shop's own delivery fee to one kecamatan.")
class DeliveryFeeInput:
    kecamatan: str
    fee: Rupiah


@strawberry.input(description="Shop fields; on update, omitted fields stay as they are.")
class ShopInput(shops.ShopDraft):
    """The draft's fields, declared once in the service; only the fees arrive in another shape."""

    delivery_fees: list[DeliveryFeeInput] | None = None  # type: ignore[assignment]

    def draft(self) -> shops.ShopDraft:
        given = {f.name: getattr(self, f.name) for f in fields(shops.ShopDraft)}
        fees = None if self.delivery_fees is None else {f.kecamatan: int(f.fee) for f in self.delivery_fees}
        return shops.ShopDraft(**{**given, "delivery_fees": fees})


@strawberry.input
class ShopFilterInput:
    kecamatan: str | None = None
    text: str | None = None
    status: ShopStatusEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Other than VERIFIED: city officers and analysts only."
    )
    mine: bool = strawberry.field(default=False, description="Only the signed-in seller's own shops, any status.")
    identity_change_pending: bool = strawberry.field(default=False, description=(
        "Only shops whose identity change waits for the city, any status unless given: city officers and analysts only."
    ))


@strawberry.type
class ShopPayload:
    shop: ShopType | None = None
    errors: list[UserError]


def _shop(shop: Shop) -> dict[str, object]:
    return {"shop": ShopType.from_model(shop)}


@strawberry.type(description="A NIB or NPWP held by shops of more than one seller, from before the rule that a number "
                            "belongs to one seller: for the city to look into.")
class SharedShopNumber:
    kind: str = strawberry.field(description="NIB or NPWP.")
    number: str
    sellers: int = strawberry.field(description="How many sellers' shops hold it.")
    shop_ids: strawberry.Private[list[int]]

    @strawberry.field(description="The shops that hold it, oldest first.")
    async def shops(self, info: Info[Context, None]) -> list[ShopType]:
        return [shop for shop_id in self.shop_ids if (shop := await load_shop(info, shop_id)) is not None]


@strawberry.type
class ShopsQuery:
    @strawberry.field(description="A shop by id or by slug; null when it does not exist or is not visible to you.",
                      metadata=public_data())
    async def shop(self, info: Info[Context, None], id: strawberry.ID | None = None, slug: str | None = None) -> ShopType | None:
        if (id is None) == (slug is None):
            raise DomainError(ErrorCode.INVALID, "Give exactly one of id or slug", "id")
        if id is not None:
            return await load_shop(info, parse_id(id, "id"))
        shop_id = await shops.shop_id_for_slug(slug or "")
        return await load_shop(info, shop_id) if shop_id else None

    @strawberry.field(description="Verified shops (or, for the city, shops of a given status), by name.",
                      metadata=public_data())
    async def shops(
        self, info: Info[Context, None], filter: ShopFilterInput | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[ShopType]:
        f = filter or ShopFilterInput()
        flt = shops.ShopFilter(kecamatan=f.kecamatan, text=f.text, status=f.status, mine=f.mine,
                               identity_change_pending=f.identity_change_pending)
        page = await shops.shop_page(await info.context.user(), flt, asked_window(info, first, after))
        return connection(page, ShopType.from_model)

    @strawberry.field(description="City officers: every NIB and NPWP that shops of two or more sellers hold.")
    async def shared_shop_numbers(self, info: Info[Context, None]) -> list[SharedShopNumber]:
        found = await identity.shared_numbers(await info.context.user())
        return [SharedShopNumber(kind=n.kind, number=n.number, sellers=n.sellers, shop_ids=n.shop_ids) for n in found]


@strawberry.type
class ShopsMutation:
    @strawberry.mutation(description="A seller registers a shop; it stays PENDING until the city verifies it.")
    async def create_shop(self, info: Info[Context, None], input: ShopInput) -> ShopPayload:
        return await mutate(info, ShopPayload, lambda user: shops.create_shop(user, input.draft()), _shop)

    @strawberry.mutation(description=(
        "The owner edits a shop. Once the city has verified it, a change to its name, NIB, NPWP, kecamatan or kelurahan "
        "waits for a city officer (see Shop.identityChange) while the shop keeps its verified identity; the other "
        "fields change at once."
    ))
    async def update_shop(self, info: Info[Context, None], id: strawberry.ID, input: ShopInput) -> ShopPayload:
        return await mutate(info, ShopPayload, lambda user: shops.update_shop(user, parse_id(id, "id"), input.draft()), _shop)

    @strawberry.mutation(description="A city officer approves the identity change waiting for the city: the shop takes "
                                     "the new name, NIB, NPWP, kecamatan and kelurahan and keeps its status.")
    async def approve_shop_identity_change(self, info: Info[Context, None], shop_id: strawberry.ID) -> ShopPayload:
        return await mutate(info, ShopPayload, lambda user: shops.decide_identity_change(
            user, parse_id(shop_id, "shopId"), approve=True), _shop)

    @strawberry.mutation(description="A city officer rejects the identity change waiting for the city, with a reason; "
                                     "the shop keeps its verified identity.")
    async def reject_shop_identity_change(
        self, info: Info[Context, None], shop_id: strawberry.ID, reason: str
    ) -> ShopPayload:
        return await mutate(info, ShopPayload, lambda user: shops.decide_identity_change(
            user, parse_id(shop_id, "shopId"), approve=False, reason=reason), _shop)

    @strawberry.mutation(description="A city officer verifies a pending, rejected or suspended shop.")
    async def verify_shop(self, info: Info[Context, None], id: strawberry.ID) -> ShopPayload:
        return await _set_status(info, id, ShopStatus.VERIFIED, None)

    @strawberry.mutation(description="A city officer rejects a pending shop, with a reason.")
    async def reject_shop(self, info: Info[Context, None], id: strawberry.ID, reason: str) -> ShopPayload:
        return await _set_status(info, id, ShopStatus.REJECTED, reason)

    @strawberry.mutation(description="A city officer suspends a verified shop, with a reason.")
    async def suspend_shop(self, info: Info[Context, None], id: strawberry.ID, reason: str) -> ShopPayload:
        return await _set_status(info, id, ShopStatus.SUSPENDED, reason)


async def _set_status(info: Info[Context, None], id: strawberry.ID, status: ShopStatus, reason: str | None) -> ShopPayload:
    return await mutate(info, ShopPayload, lambda user: shops.set_shop_status(user, parse_id(id, "id"), status, reason), _shop)
