"""The cash-on-delivery statement of a shop, for its seller (payments/cash.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.types import Info

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

    @classmethod
    def from_day(cls, day: cash.CashDay) -> CashDayType:
        return cls(day=day.day, expected=Rupiah(day.expected), collected=Rupiah(day.collected),
                   collected_by_courier=Rupiah(day.collected_by_courier), discrepancy=Rupiah(day.discrepancy),
                   outstanding=Rupiah(day.outstanding), orders_collected=day.orders_collected)


@strawberry.type
class PaymentsQuery:
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
