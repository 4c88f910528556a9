"""The city for tests: ASN buyers and their purchases taken to an outcome, moments in WIB, a market of two shops
(Market), and a small city built row by row (City) for the analytics."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tests.helpers.api import Api
from tests.helpers.catalog import add_product
from tests.helpers.people import Person, city_person, sign_up
from tests.helpers.shops import verified_shop
from umkm_graph.catalog.models import Category, PriceChange, PriceUnit, Product, ProductUnit, ProductVariant
from umkm_graph.catalog.variants import unit_price_of
from umkm_graph.checkout.models import Checkout
from umkm_graph.city.analytics import WIB
from umkm_graph.city.models import ReferencePrice, SpendTarget
from umkm_graph.orders.models import Order, OrderLine, OrderStatus, OrderTransition
from umkm_graph.people.models import OpdMembership, Role, User
from umkm_graph.reviews.models import Review
from umkm_graph.shops.models import Shop, ShopStatus

_nips = itertools.count(1)
REGISTER_ASN = """
mutation($nip: String!, $opd: String!) { registerAsn(nip: $nip, opd: $opd) { user { isAsn } errors { code field } } }
"""
CHECKOUT = """
mutation($input: CheckoutInput!) {
  checkout(input: $input) { checkout { orders { id pickupCode } } errors { code field message } }
}
"""


# What takes a new cash-on-delivery pickup order to each outcome, and who does each step.
STEPS: dict[str, tuple[tuple[str, str], ...]] = {
    "PLACED": (),
    "ACCEPTED": (("seller", "acceptOrder"),),
    "DELIVERED": (("seller", "acceptOrder"), ("seller", "markReadyForPickup"), ("seller", "markDelivered")),
    "COMPLETED": (("seller", "acceptOrder"), ("seller", "markReadyForPickup"), ("seller", "markDelivered"),
                  ("seller", "confirmCashCollected"), ("buyer", "completeOrder")),
    "CANCELLED_BY_SELLER": (("seller", "acceptOrder"), ("seller", "cancelOrder")),
    "CANCELLED_BY_BUYER": (("buyer", "cancelOrder"),),
}


async def asn(api: Api, opd: str, name: str = "Pegawai Kota") -> Person:
    """A buyer registered as ASN in the OPD, with a valid NIP of their own."""
    person = await sign_up(api, name=name)
    nip = f"198501012010011{next(_nips) % 1000:03d}"
    result = await api.ok(REGISTER_ASN, {"nip": nip, "opd": opd}, person.token)
    assert result["user"]["isAsn"] is True
    return person


async def purchase(
    api: Api, buyer: Person, seller: Person, shop_id: str, lines: list[tuple[str, int]], outcome: str = "COMPLETED",
    voucher_codes: tuple[str, ...] = (),
) -> str:
    """A cash-on-delivery pickup order of these (product id, quantity) lines, with these vouchers, taken to the
    outcome; its id."""
    cart = {"lines": [{"productId": p, "quantity": q} for p, q in lines],
            "shops": [{"shopId": shop_id, "deliveryProvider": "pickup"}], "paymentMethod": "COD",
            "voucherCodes": list(voucher_codes)}
    (order,) = (await api.ok(CHECKOUT, {"input": cart}, buyer.token))["checkout"]["orders"]
    for who, name in STEPS[outcome]:
        arguments, declared, variables = "id: $id", "$id: ID!", {"id": order["id"]}
        if name == "markDelivered":
            arguments, declared = arguments + ", pickupCode: $code", declared + ", $code: String"
            variables["code"] = order["pickupCode"]
        if name == "cancelOrder":
            arguments, declared = arguments + ", reason: $reason", declared + ", $reason: String!"
            variables["reason"] = "Stok habis"
        operation = f"mutation({declared}) {{ {name}({arguments}) {{ errors {{ code field message }} }} }}"
        await api.ok(operation, variables, (buyer if who == "buyer" else seller).token)
    return str(order["id"])


def wib(*parts: int) -> dt.datetime:
    """A moment given in WIB, in UTC: every timestamp is stored in UTC, and SQLite compares them as text."""
    return dt.datetime(*parts, tzinfo=WIB).astimezone(dt.UTC)


async def move_order(order_id: int | str, moment: dt.datetime, **changes: Any) -> None:
    """The order placed at this moment, and each of its steps moved by as much (a completion stays as long after)."""
    order = await Order.get(id=int(order_id))
    shift = moment - order.created_at
    await Order.filter(id=order.id).update(created_at=moment, **changes)
    for step in await OrderTransition.filter(order_id=order.id):
        await OrderTransition.filter(id=step.id).update(created_at=step.created_at + shift)


async def to_october() -> None:
    """Every order to 15 October 2026, 10:00 WIB, its steps with it; every account to 1 September."""
    for order_id in await Order.all().values_list("id", flat=True):
        await move_order(order_id, wib(2026, 10, 15, 10, 0))
    await back_date_people(wib(2026, 9, 1, 10, 0))


async def back_date_people(moment: dt.datetime) -> None:
    """Every account made, every NIP registered, and every OPD joined, at this moment."""
    await User.all().update(created_at=moment)
    await User.filter(nip__not_isnull=True).update(asn_since=moment)
    await OpdMembership.all().update(since=moment)


@dataclass
class Market:
    officer: Person
    analyst: Person
    seller: Person
    klojen: str  # shop ids
    lowokwaru: str
    beras: str  # product ids: 67,500 for 5 kg, 18,000 for 1 kg, 16,000 for 1 L
    gula: str
    minyak: str
    lowokwaru_seller: Person


async def market(api: Api) -> Market:
    officer, seller, other = await city_person(api), await sign_up(api, "SELLER"), await sign_up(api, "SELLER")
    klojen = await verified_shop(api, seller, officer)
    lowokwaru = await verified_shop(api, other, officer, kecamatan="Lowokwaru", kelurahan="Dinoyo",
                                    address="Jl. MT Haryono 5")
    beras = await add_product(api, seller, klojen["id"], stock=100)
    gula = await add_product(api, seller, klojen["id"], category="gula", name="Gula Pasir 1 kg", unit="KG",
                             packSize=1, price=18_000, stock=100)
    minyak = await add_product(api, other, lowokwaru["id"], category="minyak-goreng", name="MinyaKita 1 L",
                               unit="LITRE", packSize=1, price=16_000, stock=100)
    return Market(officer, await city_person(api, Role.ANALYST), seller, klojen["id"], lowokwaru["id"], beras["id"],
                  gula["id"], minyak["id"], other)


async def _stamp(model: Any, row_id: int, **moments: dt.datetime) -> None:
    await model.filter(id=row_id).update(**moments)


class City:
    """Seven ASN in three OPDs, two residents, two verified shops and a pending one, eleven sembako and kuliner
    listings, and fifteen orders; `ids` maps each name below to its row id."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    async def build(self) -> City:
        september = wib(2026, 9, 1, 0, 0)
        for name, opd in (("A1", "Diskominfo"), ("A2", "Diskominfo"), ("A3", "Diskominfo"), ("A4", "Bappeda"),
                          ("A6", "Bappeda"), ("A7", "Dinas Kesehatan"), ("A5", "Bappeda")):
            nip = f"19850101201001100{len(self.ids)}"
            await self._user(name, Role.BUYER, nip=nip, opd=opd)
        for name in ("R1", "R2"):
            await self._user(name, Role.BUYER)
        for name in ("S1", "S2"):
            await self._user(name, Role.SELLER)
        await self._user("officer", Role.CITY_OFFICER)
        await back_date_people(september)
        await _stamp(User, self.ids["A5"], created_at=wib(2026, 11, 15, 9, 0), asn_since=wib(2026, 11, 15, 9, 0))

        await self._shop("X", "S1", "Klojen", ShopStatus.VERIFIED)
        await self._shop("Y", "S2", "Sukun", ShopStatus.VERIFIED)
        await self._shop("Z", "S1", "Blimbing", ShopStatus.PENDING)
        for name, shop, category, title, unit, pack, grams, price, active in (
            ("p1", "X", "beras", "Beras Medium 5 kg", ProductUnit.KG, 5, None, 67_500, True),
            ("p2", "X", "gula", "Gula Pasir 1 kg", ProductUnit.KG, 1, None, 18_000, True),
            ("p3", "X", "telur", "Telur Ayam Ras 1 Tray", ProductUnit.TRAY, 1, 1850, 50_000, True),
            ("p4", "X", "kuliner", "Keripik Tempe 250 g", ProductUnit.PACK, 1, 250, 15_000, True),
            ("p5", "Y", "beras", "Beras Medium Karung 25 kg", ProductUnit.KG, 25, None, 330_000, True),
            ("p6", "Y", "beras", "Beras Premium Pulen 5 kg", ProductUnit.KG, 5, None, 76_000, True),
            ("p7", "Y", "minyak-goreng", "MinyaKita 1 L", ProductUnit.LITRE, 1, None, 16_000, True),
            ("p8", "Y", "minyak-goreng", "Minyak Goreng Sawit Pouch 2 L", ProductUnit.LITRE, 2, None, 33_001, True),
            ("p9", "Z", "beras", "Beras Medium 5 kg", ProductUnit.KG, 5, None, 80_000, True),
            ("p10", "X", "beras", "Beras Lama 5 kg", ProductUnit.KG, 5, None, 90_000, False),
            ("p11", "Y", "gula", "Gula Pasir 1 kg", ProductUnit.KG, 1, None, 17_000, True),
        ):
            product = await Product.create(
                shop_id=self.ids[shop], category=await Category.get(slug=category), name=title, unit=unit,
                pack_size=Decimal(pack), net_weight_grams=grams, price=price, stock=100, is_active=active,
            )
            per = unit_price_of(price, unit, Decimal(pack), grams)
            await ProductVariant.create(product=product, shop_id=product.shop_id, pack_size=Decimal(pack),  # type: ignore[attr-defined]
                                        net_weight_grams=grams, price=price, stock=100,
                                        unit_price=per[0] if per else None,
                                        unit_price_per=PriceUnit(per[1]) if per else None)
            self.ids[name] = product.id
            await _stamp(Product, product.id, created_at=september)
        # p1 was dearer until the first instant of the week of 12 October; p5 and p6 were listed with their prices;
        # the others have no history, so they count at today's price since they were listed.
        for product, price, unit_price, at in (("p1", 70_000, 14_000, september),
                                               ("p1", 67_500, 13_500, wib(2026, 10, 12, 0, 0)),
                                               ("p5", 330_000, 13_200, september),
                                               ("p6", 76_000, 15_200, wib(2026, 10, 20, 9, 0))):
            change = await PriceChange.create(product_id=self.ids[product], price=price, unit_price=unit_price,
                                              per=PriceUnit.KG)
            await _stamp(PriceChange, change.id, changed_at=at)

        for commodity, unit, variant, price, since in (
            ("beras", PriceUnit.KG, "", 13_500, dt.date(2025, 8, 1)),
            ("beras", PriceUnit.KG, "premium", 14_900, dt.date(2025, 8, 1)),
            ("minyak-goreng", PriceUnit.LITRE, "MinyaKita", 15_700, dt.date(2025, 8, 1)),
            ("gula", PriceUnit.KG, "", 17_000, dt.date(2024, 1, 1)),  # superseded
            ("gula", PriceUnit.KG, "", 17_500, dt.date(2025, 8, 1)),
            ("beras", PriceUnit.KG, "", 12_000, dt.date(2099, 1, 1)),  # not yet in effect
        ):
            await ReferencePrice.create(commodity=commodity, unit=unit, variant=variant, price=price,
                                        effective_from=since)
        await SpendTarget.create(effective_from=dt.date(2026, 9, 1), amount=100_000)
        await SpendTarget.create(effective_from=dt.date(2026, 11, 1), amount=300_000)

        # (name, buyer, shop, placed (WIB), lines, status, payment, seconds to accept, who cancelled)
        orders: list[tuple[Any, ...]] = [
            ("O1", "A1", "X", wib(2026, 10, 1, 0, 30), [("p1", 1)], "COMPLETED", "COD", 600, None),
            ("O2", "A1", "Y", wib(2026, 10, 31, 23, 59), [("p5", 1)], "COMPLETED", "COD", 1200, None),
            ("O3", "A2", "X", wib(2026, 11, 1, 0, 5), [("p2", 1)], "COMPLETED", "COD", 30, None),
            ("O4", "A2", "X", wib(2026, 10, 15, 10, 0), [("p1", 1), ("p2", 1)], "COMPLETED", "QRIS", 300, None),
            ("O5", "A3", "Y", wib(2026, 10, 15, 12, 0), [("p7", 1)], "CANCELLED", "COD", 3600, "S2"),
            ("O6", "A4", "X", wib(2026, 10, 20, 9, 0), [("p3", 1)], "DELIVERED", "COD", 900, None),
            ("O7", "R1", "X", wib(2026, 10, 5, 8, 0, 0, 900_000), [("p4", 1)], "COMPLETED", "COD", 58.2, None),
            ("O8", "R2", "Y", wib(2026, 10, 11, 20, 0), [("p6", 1)], "COMPLETED", "QRIS", 7200, None),
            ("O9", "A3", "X", wib(2026, 10, 12, 6, 0), [("p1", 2)], "COMPLETED", "COD", 120, None),
            ("O10", "A4", "Y", wib(2026, 10, 25, 9, 0), [("p8", 1)], "CANCELLED", "COD", None, "A4"),
            ("O11", "R1", "Y", wib(2026, 10, 26, 9, 0), [("p7", 1)], "CANCELLED", "QRIS", None, "system"),
            ("O12", "A7", "Y", wib(2026, 10, 20, 10, 0), [("p7", 1)], "COMPLETED", "COD", 1800, None),
            ("O13", "A6", "X", wib(2026, 10, 22, 10, 0), [("p2", 1)], "COMPLETED", "COD", 240, None),
            ("O14", "A4", "Y", wib(2026, 10, 23, 10, 0), [("p7", 1)], "COMPLETED", "COD", 2400, None),
        ]
        for order in orders:
            await self._order(*order)
        # Reviews of the shops, one of them just after October ended in WIB (but still 31 October in UTC).
        for order, rating, at in (("O1", 5, wib(2026, 10, 2, 9, 0)), ("O4", 4, wib(2026, 10, 16, 9, 0)),
                                  ("O8", 2, wib(2026, 10, 12, 9, 0)), ("O2", 3, wib(2026, 11, 1, 0, 10))):
            line = await OrderLine.filter(order_id=self.ids[order]).first()
            assert line is not None
            made = await Order.get(id=self.ids[order])
            review = await Review.create(order_line_id=line.id, product_id=line.product_id,  # type: ignore[attr-defined]
                                         shop_id=made.shop_id, buyer_id=made.buyer_id, rating=rating)  # type: ignore[attr-defined]
            await _stamp(Review, review.id, created_at=at)
        return self

    async def _user(self, name: str, role: Role, nip: str | None = None, opd: str | None = None) -> None:
        user = await User.create(email=f"{name.lower()}@example.id", password_hash="-", name=name, role=role, nip=nip,
                                 opd=opd)
        if opd is not None:
            await OpdMembership.create(user=user, opd=opd, since=user.created_at)
        self.ids[name] = user.id

    async def _shop(self, name: str, owner: str, kecamatan: str, status: ShopStatus) -> None:
        shop = await Shop.create(owner_id=self.ids[owner], name=f"Toko {name}", slug=f"toko-{name.lower()}",
                                 kecamatan=kecamatan, kelurahan="-", address="-", phone="0341000000",
                                 nib="1234567890123", status=status)
        self.ids[name] = shop.id

    async def _order(self, name: str, buyer: str, shop: str, placed: dt.datetime, lines: list[tuple[str, int]],
                     status: str, payment: str, accept_after: float | None, cancelled_by: str | None) -> None:
        prices = {p.id: p.price for p in await Product.filter(id__in=[self.ids[p] for p, _ in lines])}
        subtotal = sum(prices[self.ids[p]] * q for p, q in lines)
        checkout = await Checkout.create(buyer_id=self.ids[buyer], total=subtotal)
        order = await Order.create(
            checkout=checkout, shop_id=self.ids[shop], buyer_id=self.ids[buyer], status=OrderStatus(status),
            delivery_method="PICKUP", delivery_provider="pickup", payment_method=payment, subtotal=subtotal,
            total=subtotal,
        )
        self.ids[name] = order.id
        await _stamp(Order, order.id, created_at=placed)
        for product, quantity in lines:
            price = prices[self.ids[product]]
            await OrderLine.create(order=order, product_id=self.ids[product], product_name=product, unit_price=price,
                                   quantity=quantity, line_total=price * quantity)
        seller = (await Shop.get(id=self.ids[shop])).owner_id  # type: ignore[attr-defined]
        steps: list[tuple[OrderStatus | None, OrderStatus, int | None, dt.datetime]] = []
        if cancelled_by == "system":  # a cashless order never paid: it was never PLACED
            steps.append((None, OrderStatus.AWAITING_PAYMENT, self.ids[buyer], placed))
            steps.append((OrderStatus.AWAITING_PAYMENT, OrderStatus.CANCELLED, None, placed + dt.timedelta(hours=1)))
        else:
            steps.append((None, OrderStatus.PLACED, self.ids[buyer], placed))
            now = placed
            if accept_after is not None:
                now = placed + dt.timedelta(seconds=accept_after)
                steps.append((OrderStatus.PLACED, OrderStatus.ACCEPTED, seller, now))
            if status == "CANCELLED":
                actor = self.ids[cancelled_by or buyer]
                steps.append((steps[-1][1], OrderStatus.CANCELLED, actor, now + dt.timedelta(minutes=5)))
            elif status in ("DELIVERED", "COMPLETED"):
                steps.append((OrderStatus.ACCEPTED, OrderStatus.READY_FOR_PICKUP, seller, now + dt.timedelta(hours=1)))
                steps.append((OrderStatus.READY_FOR_PICKUP, OrderStatus.DELIVERED, seller, now + dt.timedelta(hours=2)))
                if status == "COMPLETED":
                    steps.append((OrderStatus.DELIVERED, OrderStatus.COMPLETED, self.ids[buyer],
                                  now + dt.timedelta(hours=3)))
        for source, target, actor, at in steps:
            step = await OrderTransition.create(order=order, from_status=source, to_status=target, actor_id=actor)
            await _stamp(OrderTransition, step.id, created_at=at)
