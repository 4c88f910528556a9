"""What the platform owes each shop: the append-only balance ledger (a shop's share of each settled cashless payment,
each refund taken back, the platform's fee, each payout), the payouts made, and the bank account a shop is paid to.

An entry is written in the transaction of the change that causes it and never changed: a balance is the sum of its
shop's entries. Each entry's `source` names what caused it (the payment, refund or payout), and is unique, so the same
cause can never be counted twice."""

from __future__ import annotations

import enum

from tortoise import fields
from tortoise.indexes import Index

from umkm_graph.core.models import Model


class EntryKind(str, enum.Enum):
    SALE = "SALE"  # + the shop's order of a settled cashless payment (delivery fee included)
    FEE = "FEE"  # - the platform's fee on that sale (UMKM_PLATFORM_FEE_BASIS_POINTS)
    REFUND = "REFUND"  # - money given back to the buyer from that sale
    FEE_RETURNED = "FEE_RETURNED"  # + the fee on the refunded part, given back to the shop
    PAYOUT = "PAYOUT"  # - money sent (or being sent) to the shop's bank account
    PAYOUT_RETURNED = "PAYOUT_RETURNED"  # + a payout the bank or gateway refused: the money is the shop's again
    CITY_SUBSIDY = "CITY_SUBSIDY"  # + what a city programme's voucher took off a paid order: the city pays it to the shop
    SUBSIDY_RETURNED = "SUBSIDY_RETURNED"  # - that subsidy, when the order was cancelled or refunded whole


class BalanceEntry(Model):
    """One movement of a shop's balance, signed: credits positive, debits negative."""

    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField("models.Shop", related_name="balance_entries", db_index=True, on_delete=fields.RESTRICT)
    kind = fields.CharEnumField(EntryKind, max_length=16)
    amount = fields.BigIntField()
    source = fields.CharField(max_length=64, unique=True)  # e.g. "sale:12", "refund:3", "payout:7"
    payment = fields.ForeignKeyField("models.Payment", related_name="balance_entries", null=True, db_index=True,
                                    on_delete=fields.RESTRICT)
    payout = fields.ForeignKeyField("models.Payout", related_name="entries", null=True, db_index=True,
                                   on_delete=fields.RESTRICT)
    description = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:  # money on record: deleting a shop, payment or payout that has entries is refused (RESTRICT)
        table = "shop_balance_entries"
        indexes = (Index(fields=("shop_id", "created_at", "id"), name="idx_balance_entries_statement"),)


class PayoutStatus(str, enum.Enum):
    PENDING = "PENDING"  # asked of the disbursement provider; its money is already off the balance
    PAID = "PAID"  # the transfer is made
    FAILED = "FAILED"  # refused; its money is back on the balance (PAYOUT_RETURNED)


class Payout(Model):
    """Money sent to a shop's bank account by a disbursement provider ("manual": a transfer made by hand)."""

    id = fields.IntField(primary_key=True)
    shop = fields.ForeignKeyField("models.Shop", related_name="payouts", db_index=True, on_delete=fields.RESTRICT)
    amount = fields.BigIntField()
    provider = fields.CharField(max_length=64)
    status = fields.CharEnumField(PayoutStatus, max_length=8, default=PayoutStatus.PENDING, db_index=True)
    reference = fields.CharField(max_length=50, unique=True)  # ours, and the gateway's idempotency key
    provider_reference = fields.CharField(max_length=128, null=True)  # the gateway's, or the bank transfer's by hand
    idempotency_key = fields.CharField(max_length=100)
    request_hash = fields.CharField(max_length=64)  # sha256 of the request, to refuse the key on another one
    bank = fields.CharField(max_length=32, default="")
    account_number = fields.CharField(max_length=34, default="")
    account_name = fields.CharField(max_length=100, default="")
    note = fields.CharField(max_length=200, default="")  # why it failed, or the officer's note
    made_by = fields.ForeignKeyField("models.User", related_name="payouts_made", null=True, on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)
    paid_at = fields.DatetimeField(null=True)
    # The jobs' claim (core/claims.py) on a PENDING payout: no other process asks its provider before then.
    claimed_until = fields.DatetimeField(null=True)

    class Meta:
        table = "payouts"
        unique_together = (("shop", "idempotency_key"),)


class PayoutAccount(Model):
    """The bank account a shop's payouts go to, as its seller gave it."""

    id = fields.IntField(primary_key=True)
    shop = fields.OneToOneField("models.Shop", related_name="payout_account")
    bank = fields.CharField(max_length=32)  # the bank's code, e.g. "bca", "bni", "bri", "mandiri"
    account_number = fields.CharField(max_length=34)
    account_name = fields.CharField(max_length=100)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "shop_payout_accounts"
