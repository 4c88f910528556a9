"""Refunds owed by transfer: the buyer's bank account for one, the city officers' queue, and paying one."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from umkm_graph.balances.graphql.operations import PayoutAccountInput  # a bank account a transfer goes to
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.errors import UserError, mutate
from umkm_graph.graphql_common.ids import parse_id
from umkm_graph.graphql_common.pagination import Connection, connection, window
from umkm_graph.orders import owed_refunds
from umkm_graph.orders.graphql.types import PaymentRefundType
from umkm_graph.payments.models import PaymentRefund


@strawberry.input
class PayOwedRefundInput:
    refund_id: strawberry.ID
    provider: str = strawberry.field(description="The disbursement provider's code: manual, or a gateway's.")
    transfer_reference: str | None = strawberry.field(default=None, description=(
        "For a transfer made by hand (manual): the bank's reference of the transfer."))


@strawberry.type
class RefundPayload:
    refund: PaymentRefundType | None = None
    errors: list[UserError]


def _answer(refund: PaymentRefund) -> dict[str, object]:
    return {"refund": PaymentRefundType.from_model(refund)}


@strawberry.type
class OwedRefundsQuery:
    @strawberry.field(description="City officers: refunds owed by transfer and not paid yet (OWED, SENDING), oldest "
                      "first.")
    async def owed_refunds(self, info: Info[Context, None], first: int | None = None,
                           after: str | None = None) -> Connection[PaymentRefundType]:
        settings = info.context.settings
        page = await owed_refunds.owed_refunds(await info.context.user(), window(
            first, after, default=settings.default_page_size, cap=settings.max_page_size))
        return connection(page, PaymentRefundType.from_model)


@strawberry.type
class OwedRefundsMutation:
    @strawberry.mutation(description="The buyer gives the bank account a refund owed by transfer goes to (until its "
                         "transfer is sent; a later one replaces it).")
    async def set_refund_account(self, info: Info[Context, None], refund_id: strawberry.ID,
                                 input: PayoutAccountInput) -> RefundPayload:
        return await mutate(info, RefundPayload, lambda user: owed_refunds.set_refund_account(
            user, parse_id(refund_id, "refundId"), input.bank, input.account_number, input.account_name), _answer)

    @strawberry.mutation(description=(
        "A city officer pays a refund owed by transfer to the buyer's account through a disbursement provider, or "
        "records one made by hand (manual, with the bank's reference; the only way for cash on delivery). The buyer "
        "is told when it is PAID; one the gateway refuses is OWED again, with the reason in failure."))
    async def pay_owed_refund(
        self, info: Info[Context, None], input: PayOwedRefundInput,
        idempotency_key: Annotated[str, strawberry.argument(description=(
            "A key of yours for this attempt (a UUID): sending it again asks how that attempt stands and pays "
            "nothing more."))],
    ) -> RefundPayload:
        providers = info.context.providers
        return await mutate(info, RefundPayload, lambda user: owed_refunds.pay_owed_refund(
            user, parse_id(input.refund_id, "input.refundId"), input.provider, input.transfer_reference,
            idempotency_key, providers), _answer)
