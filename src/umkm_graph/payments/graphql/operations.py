"""Cash on delivery: a shop's statement, for its seller (payments/cash.py), and the city's view (city/cash_on_delivery.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.types import Info

from umkm_graph.city import cash_on_delivery as city_cash
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.payments import cash


@strawberry.type(name="CashDay", description="One WIB day of a shop's cash on delivery.")
class CashDayType:
    day: dt.date
    expected: Rupiah = strawberry.field(description="Cash of the cash-on-delivery orders placed that day, not cancelled.")
    collected: Rupiah = strawberry.field(description="Cash collected that day, whichever day its order was placed.")
    collected_by_courier: Rupiah = strawberry.field(description="Of it, what a courier took and owes the shop.")
    discrepancy: Rupiah = strawberry.field(description="Collected minus expected, of that day's collections.")
    outstanding: Rupiah = strawberry.field(description="At the day's end: the cash of every order not collected yet.")
    orders_collected: int
    remitted: Rupiah = strawberry.field(description="Cash couriers paid the shop that day (their remittance reports).")
    remittance_discrepancy: Rupiah = strawberry.field(
        description="Remitted minus what the courier owed, of that day's remittances: short is negative.")
    owed_by_courier: Rupiah = strawberry.field(
        description="At the day's end: cash couriers collected for the shop and have not remitted yet.")

    @classmethod
    def from_day(cls, day: cash.CashDay) -> CashDayType:
        return cls(day=day.day, expected=Rupiah(day.expected), collected=Rupiah(day.collected),
                   collected_by_courier=Rupiah(day.collected_by_courier), discrepancy=Rupiah(day.discrepancy),
                   outstanding=Rupiah(day.outstanding), orders_collected=day.orders_collected,
                   remitted=Rupiah(day.remitted), remittance_discrepancy=Rupiah(day.remittance_discrepancy),
                   owed_by_courier=Rupiah(day.owed_by_courier))


@strawberry.type(name="CashOutstanding", description="Cash on delivery not collected yet: of one shop, or one kecamatan.")
class CashOutstandingType:
    shop_id: strawberry.ID | None
    shop_name: str | None
    kecamatan: str
    orders: int
    rupiah: Rupiah

    @classmethod
    def from_row(cls, row: city_cash.CashOutstanding) -> CashOutstandingType:
        return cls(shop_id=None if row.shop_id is None else strawberry.ID(str(row.shop_id)), shop_name=row.shop_name,
                   kecamatan=row.kecamatan, orders=row.orders, rupiah=Rupiah(row.rupiah))


@strawberry.type(name="CityCashOnDelivery", description="The city's view of cash on delivery.")
class CityCashType:
    by_shop: list[CashOutstandingType] = strawberry.field(description="Most outstanding first.")
    by_kecamatan: list[CashOutstandingType]
    handed_over: int = strawberry.field(description="Cash-on-delivery orders delivered or completed.")
    handed_over_unconfirmed: int = strawberry.field(description="Of them, those whose cash nobody confirmed.")
    unconfirmed_share: float = strawberry.field(description="handedOverUnconfirmed / handedOver; 0 when none.")
    owed_by_courier: list[CashOutstandingType] = strawberry.field(
        description="Per shop, most first: cash a courier collected on delivery and has not remitted to the shop yet.")
    remittance_discrepancies: list[CashOutstandingType] = strawberry.field(
        description="Per shop, where couriers remitted other than they owed: rupiah is remitted minus owed (short is "
                    "negative), orders how many remittances differed.")


@strawberry.type
class PaymentsQuery:
    @strawberry.field(description="Cash on delivery outstanding per shop and kecamatan; for city officers and analysts.")
    async def city_cash_on_delivery(self, info: Info[Context, None]) -> CityCashType:
        view = await city_cash.city_cash(await info.context.user(), info.context.providers)
        return CityCashType(by_shop=[CashOutstandingType.from_row(r) for r in view.by_shop],
                            by_kecamatan=[CashOutstandingType.from_row(r) for r in view.by_kecamatan],
                            handed_over=view.handed_over, handed_over_unconfirmed=view.handed_over_unconfirmed,
                            unconfirmed_share=view.unconfirmed_share,
                            owed_by_courier=[CashOutstandingType.from_row(r) for r in view.owed_by_courier],
                            remittance_discrepancies=[CashOutstandingType.from_row(r)
                                                      for r in view.remittance_discrepancies])

    @strawberry.field(description=(
        "A shop's cash on delivery per WIB day, `from` to `to` (at most 92 days): expected, collected, discrepancy, "
        "outstanding; for its seller."))
    async def shop_cash_statement(
        self, info: Info[Context, None], shop_id: strawberry.ID,
        from_: Annotated[dt.date, strawberry.argument(name="from")], to: dt.date | None = None,
    ) -> list[CashDayType]:
        days = await cash.cash_statement(await info.context.user(), parse_id(shop_id, "shopId"), from_, to or from_,
                                         info.context.providers)
        return [CashDayType.from_day(day) for day in days]
