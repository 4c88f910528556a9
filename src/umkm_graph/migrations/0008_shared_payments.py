"""Money that adds up (issue 14). One gateway charge for a whole cashless checkout: each payment names the charge the
gateway knows, and its whole amount (payments made before this had a charge of their own). And the cash ledger of cash
on delivery: who collected an order's cash, when, and how much against what was expected."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index

from umkm_graph.payments.models import CashCollector

class Migration(migrations.Migration):
    dependencies = [('models', '0007_orders_run_themselves')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Payment',
            name='gateway_reference',
            field=fields.CharField(null=True, db_index=True, max_length=128),
        ),
        ops.AddField(
            model_name='Payment',
            name='gateway_amount',
            field=fields.BigIntField(null=True),
        ),
        # AddField records the index in the migration state but does not create it.
        ops.RunSQL("CREATE INDEX idx_payments_gateway_ref ON payments (gateway_reference)",
                   reverse_sql="DROP INDEX idx_payments_gateway_ref"),
        ops.AddIndex(
            model_name='PaymentEventRecord',
            index=Index(fields=('reference',), name='idx_payment_events_reference'),
        ),
        ops.RunSQL("UPDATE payments SET gateway_reference = reference, gateway_amount = amount", reverse_sql=""),
        ops.CreateModel(
            name='CashCollection',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('payment', fields.OneToOneField('models.Payment', source_field='payment_id', db_constraint=True, to_field='id', related_name='cash_collection', on_delete=OnDelete.CASCADE)),
                ('shop', fields.ForeignKeyField('models.Shop', source_field='shop_id', db_index=True, db_constraint=True, to_field='id', related_name='cash_collections', on_delete=OnDelete.CASCADE)),
                ('expected', fields.BigIntField()),
                ('collected', fields.BigIntField()),
                ('collector', fields.CharEnumField(description='SELLER: SELLER\nCOURIER: COURIER', enum_type=CashCollector, max_length=8)),
                ('recorded_by', fields.ForeignKeyField('models.User', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name='cash_recorded', on_delete=OnDelete.CASCADE)),
                ('collected_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'cash_collections', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The cash ledger of cash on delivery: one row when an order\'s cash is collected, written with the payment\'s move'},
            bases=['Model'],
        ),
    ]
