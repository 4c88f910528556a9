"""Per-request DataLoaders: every field that reaches across a relation loads through one of these."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from functools import cached_property
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from umkm_graph.catalog import certificates as product_certificates
from umkm_graph.catalog.photos import photos_of_products
from umkm_graph.catalog.models import Category, Product, ProductVariant
from umkm_graph.delivery.models import CourierShipment, ShipmentEventRecord
from umkm_graph.graphql_common.ids import id_or_none
from umkm_graph.orders.models import Order, OrderLine, OrderTransition
from umkm_graph.payments.models import Payment, PaymentEventRecord, PaymentRefund
from umkm_graph.people.models import User
from umkm_graph.promotions.models import OrderDiscount
from umkm_graph.reviews.models import Review
from umkm_graph.shops.models import Shop, ShopCertificate, ShopIdentityChange

Row = TypeVar("Row")


async def load_visible(
    loader: DataLoader[int, Any], raw_id: int | str, visible: Callable[[Row], Awaitable[bool]]
) -> Row | None:
    """The row of this id through the loader when the asker may see it (the service's rule, in `visible`); None when
    the id is no valid id (ids.id_or_none: not a whole number, or past the database's ids), no row has it, or the
    asker may not see it: the three look alike from outside."""
    key = id_or_none(raw_id)
    if key is None:
        return None
    row = await loader.load(key)
    return row if row is not None and await visible(row) else None


def by_id(model: type[Model]) -> DataLoader[int, Any]:
    async def load(ids: list[int]) -> list[Any]:
        rows = {row.pk: row for row in await model.filter(pk__in=set(ids))}
        return [rows.get(i) for i in ids]

    return DataLoader(load_fn=load)


def many_by(model: type[Model], key: str, order_by: Iterable[str] = ("id",)) -> DataLoader[int, list[Any]]:
    """Rows grouped by a foreign key, e.g. an order's lines."""

    async def load(ids: list[int]) -> list[list[Any]]:
        groups: dict[int, list[Any]] = defaultdict(list)
        for row in await model.filter(**{f"{key}__in": set(ids)}).order_by(*order_by):
            groups[getattr(row, key)].append(row)
        return [groups.get(i, []) for i in ids]

    return DataLoader(load_fn=load)


def one_by(model: type[Model], key: str) -> DataLoader[int, Any]:
    async def load(ids: list[int]) -> list[Any]:
        rows = {getattr(row, key): row for row in await model.filter(**{f"{key}__in": set(ids)})}
        return [rows.get(i) for i in ids]

    return DataLoader(load_fn=load)


class Loaders:
    """A request's loaders, each made on first use (a request needs few of them)."""

    def __init__(self) -> None:
        self._categories: list[Category] | None = None

    @cached_property
    def user(self) -> DataLoader[int, Any]:
        return by_id(User)

    @cached_property
    def shop(self) -> DataLoader[int, Any]:
        return by_id(Shop)

    @cached_property
    def product(self) -> DataLoader[int, Any]:
        return by_id(Product)

    @cached_property
    def order(self) -> DataLoader[int, Any]:
        return by_id(Order)

    @cached_property
    def review(self) -> DataLoader[int, Any]:
        return by_id(Review)

    @cached_property
    def order_lines(self) -> DataLoader[int, list[Any]]:
        return many_by(OrderLine, "order_id")

    @cached_property
    def discounts_of_order(self) -> DataLoader[int, list[Any]]:
        """An order's voucher discounts, each with its promotion (through its use)."""
        async def load(ids: list[int]) -> list[list[Any]]:
            groups: dict[int, list[Any]] = defaultdict(list)
            for row in await OrderDiscount.filter(order_id__in=set(ids)).select_related("use__promotion").order_by("id"):
                groups[row.order_id].append(row)  # type: ignore[attr-defined]
            return [groups.get(i, []) for i in ids]
        return DataLoader(load_fn=load)

    @cached_property
    def orders_of_checkout(self) -> DataLoader[int, list[Any]]:
        return many_by(Order, "checkout_id")

    @cached_property
    def payment_of_order(self) -> DataLoader[int, Any]:
        return one_by(Payment, "order_id")

    @cached_property
    def charge_events(self) -> DataLoader[str, list[Any]]:
        """By the gateway's reference: a charge shared by several orders shows its events on each of them."""
        return many_by(PaymentEventRecord, "reference", ("received_at", "id"))  # type: ignore[return-value]

    @cached_property
    def payment_refunds(self) -> DataLoader[int, list[Any]]:
        return many_by(PaymentRefund, "payment_id", ("created_at", "id"))

    @cached_property
    def shop_identity_changes(self) -> DataLoader[int, list[Any]]:
        return many_by(ShopIdentityChange, "shop_id", ("-id",))

    @cached_property
    def shop_certificates(self) -> DataLoader[int, list[Any]]:
        return many_by(ShopCertificate, "shop_id", ("kind", "-issued_on", "id"))

    @cached_property
    def product_badges(self) -> DataLoader[int, list[Any]]:
        return DataLoader(load_fn=product_certificates.badges_of_products)

    @cached_property
    def product_variants(self) -> DataLoader[int, list[Any]]:
        return many_by(ProductVariant, "product_id", ("position", "id"))

    @cached_property
    def product_photos(self) -> DataLoader[int, list[Any]]:
        return DataLoader(load_fn=photos_of_products)

    @cached_property
    def certificate_products(self) -> DataLoader[int, list[int]]:
        return DataLoader(load_fn=product_certificates.covered_product_ids)

    @cached_property
    def order_transitions(self) -> DataLoader[int, list[Any]]:
        return many_by(OrderTransition, "order_id", ("created_at", "id"))

    @cached_property
    def review_of_line(self) -> DataLoader[int, Any]:
        return one_by(Review, "order_line_id")

    @cached_property
    def courier_shipment_of_order(self) -> DataLoader[int, Any]:
        return one_by(CourierShipment, "order_id")

    @cached_property
    def shipment_events(self) -> DataLoader[int, list[Any]]:
        return many_by(ShipmentEventRecord, "shipment_id", ("received_at", "id"))

    async def all_categories(self) -> list[Category]:
        """The whole category tree: small, so one query per request serves every product's category."""
        if self._categories is None:
            self._categories = await Category.all().order_by("id")
        return self._categories
