"""A shop's balance and statement (its seller, city officers), the city's totals, and payouts (city officers)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from umkm_graph.balances import payouts, service
from umkm_graph.balances.graphql.types import (
    BalanceTotalsType,
    PayoutAccountType,
    PayoutType,
    ShopBalanceType,
)
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.graphql_common.pagination import Connection, build_connection, page_window
from umkm_graph.graphql_common.scalars import Rupiah


@strawberry.type(name="CityBalances", description="What the platform holds for shops, as the city sees it.")
class CityBalancesType:
    view: strawberry.Private[service.CityBalances]
    total: BalanceTotalsType = strawberry.field(description="Every shop together.")
    by_kecamatan: list[BalanceTotalsType] = strawberry.field(description="In the kecamatan's name order.")

    @strawberry.field(description="Each shop with entries on the ledger, largest balance first.")
    async def by_shop(self, info: Info[Context, None], first: int | None = None,
                      after: str | None = None) -> Connection[BalanceTotalsType]:
        settings = info.context.settings
        offset, size = page_window(first, after, default=settings.default_page_size, cap=settings.max_page_size)
        rows = self.view.by_shop

        async def count() -> int:
            return len(rows)

        return build_connection(rows[offset:offset + size + 1], offset, size, BalanceTotalsType.from_totals, count)


@strawberry.type
class BalancesQuery:
    @strawberry.field(description="A shop's balance, statement and payouts; for its seller and city officers.")
    async def shop_balance(self, info: Info[Context, None], shop_id: strawberry.ID) -> ShopBalanceType:
        shop = await service.readable_shop(await info.context.user(), parse_id(shop_id, "shopId"))
        return ShopBalanceType(shop=shop, shop_id=strawberry.ID(str(shop.id)), balance=Rupiah(await service.balance(shop)))

    @strawberry.field(description="The balance ledger's totals per shop and per kecamatan; for city officers.")
    async def city_balances(self, info: Info[Context, None]) -> CityBalancesType:
        view = await service.city_balances(await info.context.user())
        return CityBalancesType(view=view, total=BalanceTotalsType.from_totals(view.total),
                                by_kecamatan=[BalanceTotalsType.from_totals(t) for t in view.by_kecamatan])


@strawberry.input
class PayoutAccountInput:
    bank: str = strawberry.field(description="The bank's code, e.g. bca, bni, bri, mandiri.")
    account_number: str
    account_name: str = strawberry.field(description="The account holder's name, as the bank has it.")


@strawberry.input
class PayOutShopInput:
    shop_id: strawberry.ID
    amount: Rupiah = strawberry.field(description="At most the shop's balance.")
    provider: str = strawberry.field(description="The disbursement provider's code: manual, or a gateway's.")
    transfer_reference: str | None = strawberry.field(default=None, description=(
        "For a transfer made by hand (manual): the bank's reference of the transfer."))
    note: str = ""


@strawberry.type
class PayoutAccountPayload:
    account: PayoutAccountType | None = None
    errors: list[UserError]


@strawberry.type
class PayoutPayload:
    payout: PayoutType | None = None
    errors: list[UserError]


@strawberry.type
class BalancesMutation:
    @strawberry.mutation(description="The seller gives the bank account the shop's payouts go to.")
    async def set_payout_account(self, info: Info[Context, None], shop_id: strawberry.ID,
                                 input: PayoutAccountInput) -> PayoutAccountPayload:
        return await mutate(
            info, PayoutAccountPayload,
            lambda user: payouts.set_payout_account(user, parse_id(shop_id, "shopId"), input.bank,
                                                    input.account_number, input.account_name),
            lambda account: {"account": PayoutAccountType.from_model(account)},
        )

    @strawberry.mutation(description=(
        "A city officer pays a shop part or all of its balance, through a disbursement provider; never more than the "
        "balance. A transfer made by hand (manual) is PAID as recorded; a gateway's may stay PENDING until "
        "refreshPayout finds it done. A refused payout is FAILED and its money is the shop's again."))
    async def pay_out_shop(
        self, info: Info[Context, None], input: PayOutShopInput,
        idempotency_key: Annotated[str, strawberry.argument(description=(
            "A key of yours for this payout (a UUID): sending it again answers the first payout and pays nothing "
            "more; the same key with other input is refused."))],
    ) -> PayoutPayload:
        providers = info.context.providers
        return await mutate(
            info, PayoutPayload,
            lambda user: payouts.pay_out(user, parse_id(input.shop_id, "input.shopId"), input.amount, input.provider,
                                         input.transfer_reference, input.note, idempotency_key, providers),
            lambda payout: {"payout": PayoutType.from_model(payout)},
        )

    @strawberry.mutation(description="Ask a PENDING payout's provider how it stands; for city officers.")
    async def refresh_payout(self, info: Info[Context, None], id: strawberry.ID) -> PayoutPayload:
        providers = info.context.providers
        return await mutate(
            info, PayoutPayload, lambda user: payouts.refresh_payout(user, parse_id(id, "id"), providers),
            lambda payout: {"payout": PayoutType.from_model(payout)},
        )
