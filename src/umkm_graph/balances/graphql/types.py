"""The GraphQL shapes of a shop's balance: its ledger entries, payouts and payout account, and the city's totals."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from umkm_graph.balances import service
from umkm_graph.balances.models import BalanceEntry, EntryKind, Payout, PayoutAccount, PayoutStatus
from umkm_graph.graphql_common.context import Context
from umkm_graph.graphql_common.pagination import Connection, asked_window, connection
from umkm_graph.graphql_common.scalars import Rupiah
from umkm_graph.shops.models import Shop

BalanceEntryKindEnum = strawberry.enum(EntryKind, name="BalanceEntryKind", description=(
    "SALE: a settled cashless order; FEE: the platform's fee on it; REFUND: money given back to the buyer; "
    "FEE_RETURNED: the fee on a refunded part; PAYOUT: money sent to the shop; PAYOUT_RETURNED: a refused payout."))
PayoutStatusEnum = strawberry.enum(PayoutStatus, name="PayoutStatus")


@strawberry.type(name="BalanceEntry", description="One movement of a shop's balance, never changed once written.")
class BalanceEntryType:
    id: strawberry.ID
    kind: BalanceEntryKindEnum  # type: ignore[valid-type]
    amount: Rupiah = strawberry.field(description="Signed: credits positive, debits negative.")
    description: str
    payout_id: strawberry.ID | None
    created_at: dt.datetime

    @classmethod
    def from_model(cls, entry: BalanceEntry) -> BalanceEntryType:
        payout_id = entry.payout_id  # type: ignore[attr-defined]
        return cls(id=strawberry.ID(str(entry.id)), kind=entry.kind, amount=Rupiah(entry.amount),
                   description=entry.description, payout_id=None if payout_id is None else strawberry.ID(str(payout_id)),
                   created_at=entry.created_at)


@strawberry.type(name="Payout", description="Money sent to a shop's bank account.")
class PayoutType:
    id: strawberry.ID
    shop_id: strawberry.ID
    amount: Rupiah
    provider: str = strawberry.field(description="The disbursement provider's code, e.g. manual.")
    status: PayoutStatusEnum  # type: ignore[valid-type]
    reference: str = strawberry.field(description="Ours; the gateway's idempotency key.")
    provider_reference: str | None = strawberry.field(description="The gateway's id, or the bank transfer's reference.")
    bank: str
    account_number: str
    account_name: str
    note: str = strawberry.field(description="The officer's note, or why the payout failed.")
    created_at: dt.datetime
    paid_at: dt.datetime | None

    @classmethod
    def from_model(cls, payout: Payout) -> PayoutType:
        return cls(id=strawberry.ID(str(payout.id)), shop_id=strawberry.ID(str(payout.shop_id)),  # type: ignore[attr-defined]
                   amount=Rupiah(payout.amount), provider=payout.provider, status=payout.status,
                   reference=payout.reference, provider_reference=payout.provider_reference, bank=payout.bank,
                   account_number=payout.account_number, account_name=payout.account_name, note=payout.note,
                   created_at=payout.created_at, paid_at=payout.paid_at)


@strawberry.type(name="PayoutAccount", description="The bank account a shop's payouts go to.")
class PayoutAccountType:
    bank: str
    account_number: str
    account_name: str

    @classmethod
    def from_model(cls, account: PayoutAccount) -> PayoutAccountType:
        return cls(bank=account.bank, account_number=account.account_number, account_name=account.account_name)


@strawberry.type(name="ShopBalance", description="What the platform holds for a shop: its balance and statement.")
class ShopBalanceType:
    shop: strawberry.Private[Shop]
    shop_id: strawberry.ID
    balance: Rupiah = strawberry.field(description="The sum of every entry; below zero when refunds after a payout "
                                                   "took more than later sales brought.")

    @strawberry.field(description="The statement: every entry, newest first.")
    async def entries(self, info: Info[Context, None], first: int | None = None,
                      after: str | None = None) -> Connection[BalanceEntryType]:
        page = await service.statement(self.shop, asked_window(info, first, after))
        return connection(page, BalanceEntryType.from_model)

    @strawberry.field(description="The shop's payouts, newest first.")
    async def payouts(self, info: Info[Context, None], first: int | None = None,
                      after: str | None = None) -> Connection[PayoutType]:
        page = await service.payouts(self.shop, asked_window(info, first, after))
        return connection(page, PayoutType.from_model)

    @strawberry.field(description="Where payouts go; null until the seller gives it (setPayoutAccount).")
    async def payout_account(self) -> PayoutAccountType | None:
        account = await service.payout_account(self.shop)
        return None if account is None else PayoutAccountType.from_model(account)


@strawberry.type(name="BalanceTotals", description="The ledger's totals of one shop, one kecamatan, or every shop.")
class BalanceTotalsType:
    shop_id: strawberry.ID | None
    shop_name: str | None
    kecamatan: str | None
    sales: Rupiah
    fees: Rupiah = strawberry.field(description="The platform's fees, net of those returned on refunds; negative.")
    refunds: Rupiah = strawberry.field(description="Negative.")
    payouts: Rupiah = strawberry.field(description="Paid out or on the way, net of refused payouts; negative.")
    balance: Rupiah = strawberry.field(description="What the platform holds for them now.")

    @classmethod
    def from_totals(cls, totals: service.Totals) -> BalanceTotalsType:
        return cls(shop_id=None if totals.shop_id is None else strawberry.ID(str(totals.shop_id)),
                   shop_name=totals.shop_name, kecamatan=totals.kecamatan or None, sales=Rupiah(totals.sales),
                   fees=Rupiah(totals.fees), refunds=Rupiah(totals.refunds), payouts=Rupiah(totals.payouts),
                   balance=Rupiah(totals.balance))
