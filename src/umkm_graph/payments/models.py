"""Payments: one per order (several may share one charge at the gateway), settled by its payment provider (cash collected for COD); the ledger of what gateways told
us about them, each event once; and the refunds given back through the gateway."""

from __future__ import annotations

import enum

from tortoise import fields
from tortoise.indexes import Index

from umkm_graph.core.models import Model


class PaymentStatus(str, enum.Enum):
    PENDING = "PENDING"
    PAID = "PAID"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"  # cashless, never paid in time
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED"
    REFUNDED = "REFUNDED"


class Payment(Model):
    id = fields.IntField(primary_key=True)
    order = fields.OneToOneField("models.Order", related_name="payment")
    method = fields.CharField(max_length=64)
    provider = fields.CharField(max_length=64)
    amount = fields.BigIntField()
    status = fields.CharEnumField(PaymentStatus, max_length=20, default=PaymentStatus.PENDING, db_index=True)
    reference = fields.CharField(max_length=128, null=True, db_index=True)  # ours: the order's reference
    # The charge the gateway knows, which may cover several orders of one checkout (one QRIS, one VA for the whole
    # cart): its reference and its whole amount. For a payment of one order, the same as reference and amount.
    gateway_reference = fields.CharField(max_length=128, null=True, db_index=True)
    gateway_amount = fields.BigIntField(null=True)
    provider_reference = fields.CharField(max_length=128, null=True)  # the provider's own id, e.g. a transaction id
    confirmed_by = fields.ForeignKeyField("models.User", related_name="confirmed_payments", null=True)
    paid_at = fields.DatetimeField(null=True)
    # Cashless only: what the buyer does to pay (a QR string, a VA number at a bank, a URL), and until when.
    action_kind = fields.CharField(max_length=32, null=True)
    action_value = fields.TextField(null=True)
    action_bank = fields.CharField(max_length=32, null=True)
    expires_at = fields.DatetimeField(null=True, db_index=True)
    # Reserved by the refund's own conditional update, so two refunds can never give back more than was paid.
    refunded_amount = fields.BigIntField(default=0)
    # The background jobs' claim (core/claims.py): no other process asks the gateway about it before then.
    claimed_until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "payments"


class ReportedPaymentStatus(str, enum.Enum):
    """What a gateway said about a payment, as the ledger stores it; the plugin contract's PaymentEventStatus maps to
    it in payments/contract.py."""

    PENDING = "PENDING"
    PAID = "PAID"
    FAILED = "FAILED"
    EXPIRED = "EXPIRED"
    REFUNDED = "REFUNDED"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED"


class PaymentEventSource(str, enum.Enum):
    WEBHOOK = "WEBHOOK"  # the gateway told us
    POLL = "POLL"  # we asked the gateway: reconciliation, or the buyer's "I have paid"
    HOST = "HOST"  # we decided: the payment expired unpaid (after cancelling it at the gateway)


class PaymentEventRecord(Model):
    """The ledger: one row per event a gateway reported, whatever it changed. The unique key is what makes a repeated
    webhook, or a webhook racing a poll, a no-op."""

    id = fields.IntField(primary_key=True)
    provider = fields.CharField(max_length=64)
    event_id = fields.CharField(max_length=191)
    payment = fields.ForeignKeyField("models.Payment", related_name="events", null=True, db_index=True)
    reference = fields.CharField(max_length=128)  # the charge's: a shared one is on several payments
    status = fields.CharEnumField(ReportedPaymentStatus, max_length=20)
    raw_status = fields.CharField(max_length=64, default="")
    amount = fields.BigIntField(null=True)
    source = fields.CharEnumField(PaymentEventSource, max_length=8)
    outcome = fields.CharField(max_length=200, default="")  # what it changed, or why it changed nothing
    occurred_at = fields.DatetimeField(null=True)
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "payment_events"
        unique_together = (("provider", "event_id"),)
        indexes = (Index(fields=("reference",), name="idx_payment_events_reference"),)


class RefundRoute(str, enum.Enum):
    GATEWAY = "GATEWAY"  # given back by the payment's gateway (QRIS, e-wallets)
    TRANSFER = "TRANSFER"  # the gateway cannot (a virtual account, cash): owed, and paid by bank transfer to the buyer


class RefundStatus(str, enum.Enum):
    PAID = "PAID"  # the money is back with the buyer (or on its way by the gateway)
    OWED = "OWED"  # a TRANSFER refund waiting for the buyer's bank account or a city officer's transfer
    SENDING = "SENDING"  # its transfer is asked of a disbursement provider, which has not said it is done


class PaymentRefund(Model):
    """Money given back to the buyer under its key, by the gateway or owed and paid by bank transfer.

    A gateway refund is written in the same transaction as the gateway's yes. Either way its amount is off the payment
    and the shop's balance from the moment it is written."""

    id = fields.IntField(primary_key=True)
    payment = fields.ForeignKeyField("models.Payment", related_name="refunds", db_index=True)
    key = fields.CharField(max_length=191, unique=True)  # the refund key the gateway saw
    amount = fields.BigIntField()
    reason = fields.CharField(max_length=500)
    actor = fields.ForeignKeyField("models.User", related_name="refunds_given", null=True)
    provider_reference = fields.CharField(max_length=128, null=True)  # the gateway's, or the transfer's
    created_at = fields.DatetimeField(auto_now_add=True)
    route = fields.CharEnumField(RefundRoute, max_length=8, default=RefundRoute.GATEWAY)
    status = fields.CharEnumField(RefundStatus, max_length=8, default=RefundStatus.PAID, db_index=True)
    # TRANSFER only: the buyer's bank account, the transfer asked (ours, the disbursement gateway's idempotency key,
    # one per attempt), by which provider, under the officer's key; why the last attempt failed; when it was paid.
    bank = fields.CharField(max_length=32, default="")
    account_number = fields.CharField(max_length=34, default="")
    account_name = fields.CharField(max_length=100, default="")
    transfer_provider = fields.CharField(max_length=64, null=True)
    transfer_reference = fields.CharField(max_length=50, null=True)
    transfer_attempts = fields.IntField(default=0)
    transfer_key = fields.CharField(max_length=100, null=True)
    failure = fields.CharField(max_length=200, default="")
    paid_at = fields.DatetimeField(null=True)

    class Meta:
        table = "payment_refunds"


class IdempotencyKey(Model):
    """A client's key for one mutation that takes money or stock (checkout, a refund), written in the same transaction
    as what it made. The unique (user, key) is what lets only one of many concurrent sends write; the others find this
    row and answer what it made. A row older than the kept hours no longer counts and is replaced."""

    id = fields.IntField(primary_key=True)
    user = fields.ForeignKeyField("models.User", related_name="idempotency_keys")
    key = fields.CharField(max_length=100)
    operation = fields.CharField(max_length=32)  # the mutation: a key names one request of one mutation
    request_hash = fields.CharField(max_length=64)  # sha256 of the request's input, to refuse the key on another one
    result_id = fields.IntField()  # what the first request made: the checkout's id, or the refunded order's
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "idempotency_keys"
        unique_together = (("user", "key"),)


class CashCollector(str, enum.Enum):
    SELLER = "SELLER"  # the seller took the cash at handover (pickup, or the shop's own delivery)
    COURIER = "COURIER"  # a courier took it, and owes it to the shop until remitted


class CashCollection(Model):
    """The cash ledger of cash on delivery: one row when an order's cash is collected, written with the payment's move
    to PAID and never changed. What was expected is kept beside what was collected, so a difference is a discrepancy
    on record, not absorbed."""

    id = fields.IntField(primary_key=True)
    payment = fields.OneToOneField("models.Payment", related_name="cash_collection")
    shop = fields.ForeignKeyField("models.Shop", related_name="cash_collections", db_index=True)
    expected = fields.BigIntField()
    collected = fields.BigIntField()
    collector = fields.CharEnumField(CashCollector, max_length=8)
    recorded_by = fields.ForeignKeyField("models.User", related_name="cash_recorded", null=True)
    collected_at = fields.DatetimeField()

    class Meta:
        table = "cash_collections"


class CashRemittance(Model):
    """The courier's side of courier-collected cash: one row when a courier reports it paid the shop the cash it
    collected for an order, never changed. `owed` is what the courier collected, kept beside what it remitted, so a
    short (or over) remittance is a discrepancy on record. The unique payment makes a second report settle nothing;
    the unique (provider, event id) makes a repeated webhook, or a webhook racing a poll, a no-op."""

    id = fields.IntField(primary_key=True)
    payment = fields.OneToOneField("models.Payment", related_name="cash_remittance")
    shop = fields.ForeignKeyField("models.Shop", related_name="cash_remittances", db_index=True)
    provider = fields.CharField(max_length=64)
    event_id = fields.CharField(max_length=191)
    owed = fields.BigIntField()
    remitted = fields.BigIntField()
    provider_reference = fields.CharField(max_length=128, null=True)  # the courier's id for the transfer
    source = fields.CharField(max_length=8)  # WEBHOOK or POLL, as the shipment ledger's
    remitted_at = fields.DatetimeField()
    recorded_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "cash_remittances"
        unique_together = (("provider", "event_id"),)
