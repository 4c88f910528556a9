"""Refunds for every method (issue 14): a refund the gateway cannot make (a virtual account, cash) is owed to the buyer
and paid by bank transfer, so a refund has a route, a status, the buyer's account and its transfer attempts; and a
buyer's refund request is a complaint (REFUND_REQUEST) with the amount asked."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from umkm_graph.orders.models import ComplaintReason
from umkm_graph.payments.models import RefundRoute, RefundStatus
from tortoise import fields

# SQLite alters a column by rebuilding its table, which drops the table's indexes: make them again there.
_COMPLAINT_INDEXES = {"idx_complaints_order": "order_id", "idx_complaints_status": "status"}


async def _restore_indexes(_: object, editor: object) -> None:
    client = editor.client  # type: ignore[attr-defined]
    if client.capabilities.dialect == "sqlite":
        for name, columns in _COMPLAINT_INDEXES.items():
            await client.execute_script(f"CREATE INDEX IF NOT EXISTS {name} ON complaints ({columns})")


class Migration(migrations.Migration):
    dependencies = [('models', '0024_delivery_reports')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Complaint',
            name='reason',
            field=fields.CharEnumField(description='NOT_RECEIVED: NOT_RECEIVED\nDAMAGED: DAMAGED\nWRONG_ITEM: WRONG_ITEM\nMISSING_ITEMS: MISSING_ITEMS\nQUALITY: QUALITY\nREFUND_REQUEST: REFUND_REQUEST', enum_type=ComplaintReason, max_length=20),
        ),
        ops.AddField(
            model_name='Complaint',
            name='requested_amount',
            field=fields.BigIntField(null=True),
        ),
        ops.AlterModelOptions(
            name='PaymentRefund',
            options={'table': 'payment_refunds', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Money given back to the buyer under its key, by the gateway or owed and paid by bank transfer.'},
        ),
        ops.AddField(
            model_name='PaymentRefund',
            name='account_name',
            field=fields.CharField(default='', max_length=100),
        ),
        ops.AddField(
            model_name='PaymentRefund',
            name='account_number',
            field=fields.CharField(default='', max_length=34),
        ),
        ops.AddField(
            model_name='PaymentRefund',
            name='bank',
            field=fields.CharField(default='', max_length=32),
        ),
        ops.AddField(
            model_name='PaymentRefund',
            name='failure',
            field=fields.CharField(default='', max_length=200),
        ),
        ops.AddField(
            model_name='PaymentRefund',
            name='paid_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='PaymentRefund',
            name='route',
            field=fields.CharEnumField(default=RefundRoute.GATEWAY, description='GATEWAY: GATEWAY\nTRANSFER: TRANSFER', enum_type=RefundRoute, max_length=8),
        ),
        ops.AddField(
            model_name='PaymentRefund',
            name='status',
            field=fields.CharEnumField(default=RefundStatus.PAID, db_index=True, description='PAID: PAID\nOWED: OWED\nSENDING: SENDING', enum_type=RefundStatus, max_length=8),
        ),
        ops.AddField(
            model_name='PaymentRefund',
            name='transfer_attempts',
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name='PaymentRefund',
            name='transfer_key',
            field=fields.CharField(null=True, max_length=100),
        ),
        ops.AddField(
            model_name='PaymentRefund',
            name='transfer_provider',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='PaymentRefund',
            name='transfer_reference',
            field=fields.CharField(null=True, max_length=50),
        ),
        # AddField records the index in the migration state but does not create it.
        ops.RunSQL("CREATE INDEX idx_payment_refunds_status ON payment_refunds (status)",
                   reverse_sql="DROP INDEX idx_payment_refunds_status"),
        ops.RunPython(_restore_indexes, ops.RunPython.noop),
    ]
