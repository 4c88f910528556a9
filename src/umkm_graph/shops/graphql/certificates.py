"""Certificates and badges: sellers record them, city officers verify or reject them, everyone sees the badges."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from umkm_graph.catalog import certificates as covered
from umkm_graph.catalog import service as catalog
from umkm_graph.core.wib import today_wib
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.graphql_common.later import later_class
from umkm_graph.graphql_common.pagination import Connection, asked_window, connection
from umkm_graph.shops import certificates
from umkm_graph.shops.models import CertificateKind, CertificateStatus, ShopCertificate

if TYPE_CHECKING:
    from umkm_graph.catalog.graphql.types import ProductType

_CATALOG = "umkm_graph.catalog.graphql.types"

BadgeEnum = strawberry.enum(CertificateKind, name="CertificateKind", description=(
    "HALAL: BPJPH halal certificate; PIRT: SPP-IRT home-industry food permit; BPOM: BPOM registration (MD/ML); "
    "NIB: the shop's business identity number, checked by the city. A verified, unexpired one is a badge."))
CertificateStatusEnum = strawberry.enum(CertificateStatus, name="CertificateStatus")


@strawberry.type(name="Certificate", description=(
    "A certificate or permit a seller recorded for a shop. Buyers see only those that give a badge (verified and "
    "unexpired), so they can check the number with its issuer; the owner and the city see all."))
class CertificateType:
    id: strawberry.ID
    kind: BadgeEnum  # type: ignore[valid-type]
    number: str
    number_format_known: bool = strawberry.field(description=(
        "Whether the number has its issuer's published form; false ones were accepted for the officer to check."))
    issuer: str
    issued_on: dt.date
    valid_until: dt.date | None = strawberry.field(description="Null: no end date (a NIB; a halal certificate since "
                                                               "Law 6/2023).")
    status: CertificateStatusEnum  # type: ignore[valid-type]
    reason: str | None = strawberry.field(description="The officer's reason, when rejected.")
    recorded_at: dt.datetime
    decided_at: dt.datetime | None
    model: strawberry.Private[ShopCertificate]

    @strawberry.field(description="Whether it gives its badge today: verified and not past validUntil (WIB).")
    def gives_badge(self) -> bool:
        return certificates.gives_badge(self.model, today_wib())

    @strawberry.field(description="Days from today (WIB) to validUntil; negative once expired, null with no end "
                                  "date. The seller renews before it reaches 0, or the badge goes.")
    def expires_in_days(self) -> int | None:
        return certificates.expires_in_days(self.model, today_wib())

    @strawberry.field(description="The products it covers that you can see; they show its badge while it holds.")
    async def covered_products(
        self, info: Info[Context, None]
    ) -> list[Annotated[ProductType, strawberry.lazy(_CATALOG)]]:
        loaders, user = info.context.loaders, await info.context.user()
        shop = await loaders.shop.load(self.model.shop_id)  # type: ignore[attr-defined]
        products = await loaders.product.load_many(await loaders.certificate_products.load(self.model.id))
        product_type = later_class(_CATALOG, "ProductType")
        shown = []
        for product in products:
            product.shop = shop
            if catalog.can_see_product(user, product):
                shown.append(product_type.from_model(product))
        return shown

    @classmethod
    def from_model(cls, certificate: ShopCertificate) -> CertificateType:
        return cls(id=strawberry.ID(str(certificate.id)), kind=certificate.kind, number=certificate.number,
                   number_format_known=certificate.number_format_known, issuer=certificate.issuer,
                   issued_on=certificate.issued_on, valid_until=certificate.valid_until, status=certificate.status,
                   reason=certificate.reason, recorded_at=certificate.recorded_at, decided_at=certificate.decided_at,
                   model=certificate)


@strawberry.input(description="A certificate as printed: its number, issuer and dates.")
class CertificateInput:
    kind: BadgeEnum  # type: ignore[valid-type]
    number: str = strawberry.field(description=(
        "As printed: HALAL ID + digits; PIRT 15 digits; BPOM MD/ML + 12 digits (\"BPOM RI\" may be left in); NIB the "
        "shop's 13 digits. Another form is accepted for the officer to check (numberFormatKnown false)."))
    issued_on: dt.date
    valid_until: dt.date | None = strawberry.field(default=None, description=(
        "Required for PIRT and BPOM (fixed terms); absent for a NIB; optional for HALAL."))
    issuer: str | None = strawberry.field(default=None, description="Defaults to the kind's issuer, e.g. BPJPH.")

    def draft(self) -> certificates.CertificateDraft:
        return certificates.CertificateDraft(kind=self.kind, number=self.number, issued_on=self.issued_on,
                                             valid_until=self.valid_until, issuer=self.issuer)


@strawberry.type
class CertificatePayload:
    certificate: CertificateType | None = None
    errors: list[UserError]


def _certificate(certificate: ShopCertificate) -> dict[str, object]:
    return {"certificate": CertificateType.from_model(certificate)}


@strawberry.type
class CertificatesQuery:
    @strawberry.field(description="The city's work list of certificates of every shop, oldest recorded first: city "
                                  "officers and analysts only.")
    async def certificates(
        self, info: Info[Context, None], status: CertificateStatusEnum | None = None,  # type: ignore[valid-type]
        kind: BadgeEnum | None = None, first: int | None = None, after: str | None = None,  # type: ignore[valid-type]
    ) -> Connection[CertificateType]:
        page = await certificates.certificate_page(await info.context.user(), status, kind,
                                                   asked_window(info, first, after))
        return connection(page, CertificateType.from_model)


@strawberry.type
class CertificatesMutation:
    @strawberry.mutation(description="The owner records a shop's certificate; it waits for a city officer.")
    async def record_certificate(self, info: Info[Context, None], shop_id: strawberry.ID,
                                 input: CertificateInput) -> CertificatePayload:
        return await mutate(info, CertificatePayload, lambda user: certificates.record_certificate(
            user, parse_id(shop_id, "shopId"), input.draft()), _certificate)

    @strawberry.mutation(description="The owner sets which of the shop's products a certificate covers (the list "
                                     "replaces the one before; empty covers none).")
    async def set_certificate_products(self, info: Info[Context, None], certificate_id: strawberry.ID,
                                       product_ids: list[strawberry.ID]) -> CertificatePayload:
        def ids() -> list[int]:
            return [parse_id(product_id, "productIds") for product_id in product_ids]

        return await mutate(info, CertificatePayload, lambda user: covered.set_covered_products(
            user, parse_id(certificate_id, "certificateId"), ids()), _certificate)

    @strawberry.mutation(description="A city officer verifies a waiting, unexpired certificate: its badge shows.")
    async def verify_certificate(self, info: Info[Context, None], id: strawberry.ID) -> CertificatePayload:
        return await mutate(info, CertificatePayload, lambda user: certificates.decide_certificate(
            user, parse_id(id, "id"), CertificateStatus.VERIFIED, None), _certificate)

    @strawberry.mutation(description="A city officer rejects a waiting or verified certificate, with a reason the "
                                     "seller reads: its badge goes.")
    async def reject_certificate(self, info: Info[Context, None], id: strawberry.ID,
                                 reason: str) -> CertificatePayload:
        return await mutate(info, CertificatePayload, lambda user: certificates.decide_certificate(
            user, parse_id(id, "id"), CertificateStatus.REJECTED, reason), _certificate)
