"""Which products a shop's certificate covers, and the badges products show: a product shows the badge of each
verified, unexpired certificate that covers it (shops/certificates.py holds the certificates' own rules)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from umkm_graph import changes
from umkm_graph.catalog.models import Product, ProductCertificate
from umkm_graph.changes import Entity
from umkm_graph.core.errors import DomainError, ErrorCode
from umkm_graph.core.wib import today_wib
from umkm_graph.people.models import User
from umkm_graph.shops import certificates
from umkm_graph.shops.models import CertificateKind, CertificateStatus, ShopCertificate

MAX_COVERED_PRODUCTS = 200  # a certificate's annex lists a shop's products; more than this is a mistake


async def set_covered_products(user: User | None, certificate_id: int, product_ids: list[int]) -> ShopCertificate:
    """The owner says which of the shop's products the certificate covers; the list replaces the one before."""
    certificate = await certificates.owned_certificate(user, certificate_id)
    wanted = set(product_ids)
    if certificate.kind == CertificateKind.NIB and wanted:
        raise DomainError(ErrorCode.INVALID, "A NIB is the shop's, not a product's: it covers no products",
                          "productIds")
    if len(wanted) > MAX_COVERED_PRODUCTS:
        raise DomainError(ErrorCode.INVALID, f"A certificate covers at most {MAX_COVERED_PRODUCTS} products",
                          "productIds")
    owned = set(await Product.filter(id__in=wanted, shop_id=certificate.shop_id)  # type: ignore[attr-defined]
                .values_list("id", flat=True))
    strangers = sorted(wanted - owned)
    if strangers:
        raise DomainError(ErrorCode.NOT_FOUND, f"Not products of this certificate's shop: {strangers}", "productIds")
    async with in_transaction():
        await ProductCertificate.filter(certificate_id=certificate.id).exclude(product_id__in=wanted).delete()
        have = set(await ProductCertificate.filter(certificate_id=certificate.id).values_list("product_id", flat=True))
        await ProductCertificate.bulk_create([ProductCertificate(product_id=product_id, certificate_id=certificate.id)
                                              for product_id in sorted(wanted - have)])
    await changes.changed(Entity.PRODUCT)
    return certificate


def _badge_giving(today: dt.date) -> Q:
    """Of ProductCertificate rows: those whose certificate gives its badge today."""
    return Q(certificate__status=CertificateStatus.VERIFIED) & (
        Q(certificate__valid_until__isnull=True) | Q(certificate__valid_until__gte=today))


def with_badge(query: QuerySet[Product], badge: CertificateKind) -> QuerySet[Product]:
    """The products of query that show this badge today, inside the query's own statement."""
    covered = ProductCertificate.filter(_badge_giving(today_wib()), certificate__kind=badge).values("product_id")
    return query.filter(id__in=Subquery(covered))


async def badges_of_products(product_ids: list[int]) -> list[list[CertificateKind]]:
    """Each product's badges, in CertificateKind's order, in one statement for them all."""
    rows = await ProductCertificate.filter(_badge_giving(today_wib()), product_id__in=set(product_ids)) \
        .values_list("product_id", "certificate__kind")
    held: dict[int, set[str]] = defaultdict(set)
    for product_id, kind in rows:
        held[product_id].add(CertificateKind(kind).value)
    return [[kind for kind in CertificateKind if kind.value in held[product_id]] for product_id in product_ids]


async def covered_product_ids(certificate_ids: list[int]) -> list[list[int]]:
    """Each certificate's covered products, by id, in one statement for them all."""
    rows = await ProductCertificate.filter(certificate_id__in=set(certificate_ids)) \
        .order_by("product_id").values_list("certificate_id", "product_id")
    covered: dict[int, list[int]] = defaultdict(list)
    for certificate_id, product_id in rows:
        covered[certificate_id].append(product_id)
    return [covered[certificate_id] for certificate_id in certificate_ids]
