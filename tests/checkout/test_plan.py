"""A planned order's money and destination, before anything is written: what checkout's quotes, providers and write
steps all read from the plan."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from tortoise.context import TortoiseContext

from umkm_graph.catalog.models import Product, ProductUnit, ProductVariant
from umkm_graph.checkout.plan import OrderPlan
from umkm_graph.checkout.quotes import rupiah
from umkm_graph.checkout.validation import CheckedLine
from umkm_graph.db import tortoise_config
from umkm_graph.hookspecs import DeliveryQuote, Destination
from umkm_graph.providers.pickup import Pickup
from umkm_graph.providers.shop_courier import ShopCourier
from umkm_graph.shops.models import Shop

HOME = Destination(kecamatan="Klojen", kelurahan="Oro-oro Dowo", address="Jl. Ijen 1")


@pytest.fixture(autouse=True)
async def models() -> AsyncIterator[None]:
    async with TortoiseContext() as context:  # model instances need initialised models, not tables
        await context.init(config=tortoise_config("sqlite://:memory:"))
        yield


def a_plan(provider: Pickup | ShopCourier, fee: int) -> OrderPlan:
    shop = Shop(id=1, name="Keripik Bu Sri")
    chips = Product(id=7, name="Keripik tempe", price=12_500, unit=ProductUnit.KG, pack_size=0.25, net_weight_grams=None)
    return OrderPlan(shop=shop, lines=[CheckedLine(index=0, product=chips, quantity=4, variant=ProductVariant(id=7, price=12_500))], provider=provider,
                     quote=DeliveryQuote(service="standard", display_name="Standard", fee=fee))


def test_the_total_is_the_lines_plus_the_delivery_fee_in_whole_rupiah() -> None:
    plan = a_plan(ShopCourier(), fee=8_000)
    assert (plan.subtotal, plan.fee, plan.total) == (50_000, 8_000, 58_000)
    assert rupiah(plan.total) == "Rp58.000"


def test_only_a_delivery_goes_to_the_address() -> None:
    assert a_plan(ShopCourier(), fee=8_000).destination(HOME) == HOME
    assert a_plan(Pickup(), fee=0).destination(HOME) is None


def test_the_parcel_weighs_what_its_packs_weigh() -> None:
    plan = a_plan(Pickup(), fee=0)
    assert plan.weight() == (1_000, False)  # four packs of 0.25 kg
    assert [(i.product_id, i.quantity, i.unit_price, i.weight_grams) for i in plan.items()] == [(7, 4, 12_500, 250)]
