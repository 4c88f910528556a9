"""Shops as buyers, sellers and the city see them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from umkm_graph.catalog import listing
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.later import later_class
from umkm_graph.graphql_common.loaders import load_visible
from umkm_graph.graphql_common.pagination import Connection, asked_window, connection
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.graphql_common.stored import StoredFields, reads, stored
from umkm_graph.graphql_engine.response_cache import public_data
from umkm_graph.reviews import service as reviews
from umkm_graph.shops import certificates, identity
from umkm_graph.shops import service as shops
from umkm_graph.shops.access import can_see_shop
from umkm_graph.shops.graphql.certificates import BadgeEnum, CertificateType
from umkm_graph.shops.models import IdentityChangeStatus, Shop, ShopIdentityChange, ShopStatus

if TYPE_CHECKING:
    from umkm_graph.catalog.graphql.types import ProductType
    from umkm_graph.reviews.graphql.types import ReviewType

# Shops come before the catalog and reviews in the domains' order: their types are reached lazily.
_CATALOG = "umkm_graph.catalog.graphql.types"
_REVIEWS = "umkm_graph.reviews.graphql.types"

ShopStatusEnum = strawberry.enum(ShopStatus, name="ShopStatus")
IdentityChangeStatusEnum = strawberry.enum(IdentityChangeStatus, name="ShopIdentityChangeStatus")


def average_rating(source: Any) -> float | None:
    """The average of a product's or shop's reviews, from its sum and count."""
    return round(source.rating_sum / source.review_count, 2) if source.review_count else None


def graphql_id(source: Any) -> strawberry.ID:
    return strawberry.ID(str(source.id))


@strawberry.type(description="The shop's own delivery fee to one kecamatan.")
class DeliveryFee:
    kecamatan: str = strawberry.field(metadata=public_data())
    fee: Rupiah = strawberry.field(metadata=public_data())


def _delivery_fees(root: ShopType) -> list[DeliveryFee]:
    return [DeliveryFee(kecamatan=k, fee=Rupiah(v)) for k, v in sorted(root.model.delivery_fees.items())]


@strawberry.type(name="ShopIdentityChange", description=(
    "A change the owner asked for to a verified shop's name, NIB, NPWP, kecamatan or kelurahan: the whole identity "
    "proposed. The shop keeps its verified identity until a city officer approves it."
))
class ShopIdentityChangeType:
    status: IdentityChangeStatusEnum  # type: ignore[valid-type]
    name: str
    nib: str
    npwp: str | None
    kecamatan: str
    kelurahan: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    reason: str | None = strawberry.field(description="The officer's reason, when rejected.")

    @classmethod
    def from_model(cls, change: ShopIdentityChange) -> ShopIdentityChangeType:
        return cls(status=change.status, name=change.name, nib=change.nib, npwp=change.npwp,
                   kecamatan=change.kecamatan, kelurahan=change.kelurahan, requested_at=change.requested_at,
                   decided_at=change.decided_at, reason=change.reason)


@strawberry.federation.type(keys=["id"], name="Shop", description="A UMKM shop in Kota Malang.")
class ShopType:
    id: strawberry.ID = stored("id", public=True, answer=graphql_id)
    name: str = stored("name", public=True)
    slug: str = stored("slug", public=True)
    description: str = stored("description", public=True)
    kecamatan: str = stored("kecamatan", public=True)
    kelurahan: str = stored("kelurahan", public=True)
    address: str = stored("address", public=True)
    latitude: float | None = stored("latitude", public=True)
    longitude: float | None = stored("longitude", public=True)
    phone: str = stored("phone", public=True)
    nib: str = stored("nib", public=True, description="Nomor Induk Berusaha: the 13-digit business licence from OSS.")
    status: ShopStatusEnum = stored("status", public=True)  # type: ignore[valid-type]
    status_reason: str | None = stored("status_reason", public=True)
    offers_pickup: bool = stored("offers_pickup", public=True)
    delivery_fees: list[DeliveryFee] = strawberry.field(resolver=_delivery_fees,
                                                        metadata=reads("delivery_fees", public=True))
    rating: float | None = stored("rating_sum", "review_count", public=True, answer=average_rating,
                                  description="Average review rating, 1 to 5; null before the first review.")
    review_count: int = stored("review_count", public=True)
    follower_count: int = stored("follower_count", public=True,
                                 description="How many people follow the shop (langganan).")
    model: strawberry.Private[Shop]

    @classmethod
    def from_model(cls, shop: Shop) -> ShopType:
        return SHOP_FIELDS.from_model(shop)  # type: ignore[no-any-return]

    @classmethod
    def from_row(cls, row: listing.ListingRow) -> ShopType:
        """From a row holding some columns (SHOP_COLUMNS of the fields selected); the others stay None, unread."""
        return SHOP_FIELDS.from_row(row)  # type: ignore[no-any-return]

    # Not public: who asks decides the answer.
    @strawberry.field(description="Tax number (16 digits); only the owner and the city see it.",
                      metadata=reads("npwp", "owner_id", public=False))
    async def npwp(self, info: Info[Context, None]) -> str | None:
        return shops.npwp_seen_by(await info.context.user(), self.model)

    @strawberry.field(description="The latest change to the shop's verified identity the owner asked for, pending or "
                                  "decided; only the owner and the city see it.",
                      metadata=reads("owner_id", public=False))
    async def identity_change(self, info: Info[Context, None]) -> ShopIdentityChangeType | None:
        found = await info.context.loaders.shop_identity_changes.load(self.model.id)
        change = identity.change_seen_by(await info.context.user(), self.model, found[0] if found else None)
        return None if change is None else ShopIdentityChangeType.from_model(change)

    @strawberry.field(description="What buyers can trust: the kinds of the shop's verified, unexpired certificates.",
                      metadata=reads(public=True))
    async def badges(self, info: Info[Context, None]) -> list[BadgeEnum]:  # type: ignore[valid-type]
        return certificates.badges(await info.context.loaders.shop_certificates.load(self.model.id))

    @strawberry.field(description="The shop's certificates: buyers see those that give a badge; the owner and the city "
                                  "see all, waiting, rejected and expired ones too.",
                      metadata=reads("owner_id", public=False))
    async def certificates(self, info: Info[Context, None]) -> list[CertificateType]:
        found = await info.context.loaders.shop_certificates.load(self.model.id)
        seen = certificates.certificates_seen_by(await info.context.user(), self.model, found)
        return [CertificateType.from_model(certificate) for certificate in seen]

    @strawberry.field(description="The shop's products that buyers can see, newest first.", metadata=reads(public=True))
    async def products(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[ProductType, strawberry.lazy(_CATALOG)]]:
        page = await listing.product_page(listing.ProductFilter(shop_id=self.model.id), listing.ProductSort.NEWEST,
                                          asked_window(info, first, after))
        return connection(page, later_class(_CATALOG, "ProductType").from_model)

    @strawberry.field(description="Buyers' reviews of all the shop's products, newest first.", metadata=reads(public=True))
    async def reviews(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[ReviewType, strawberry.lazy(_REVIEWS)]]:
        page = await reviews.review_page(asked_window(info, first, after), shop_id=self.model.id)
        return connection(page, later_class(_REVIEWS, "ReviewType").from_model)

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], id: strawberry.ID) -> ShopType | None:
        return await load_shop(info, id)


SHOP_FIELDS = StoredFields(ShopType)
# The columns each field reads, so a list reads only those of the fields selected.
SHOP_COLUMNS = SHOP_FIELDS.columns


async def load_shop(info: Info[Context, None], shop_id: int | str) -> ShopType | None:
    """A shop the asker may see, through the loader; None otherwise."""

    async def visible(shop: Shop) -> bool:
        return can_see_shop(await info.context.user(), shop)

    shop = await load_visible(info.context.loaders.shop, shop_id, visible)
    return None if shop is None else ShopType.from_model(shop)
