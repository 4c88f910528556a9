"""COD cash a courier remits to the shop (issue 14, section 3), and the buyers who refuse cash-on-delivery orders."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0021_office_procurement')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CashRefusal',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order', fields.OneToOneField('models.Order', source_field='order_id', db_constraint=True, to_field='id', related_name='cash_refusal', on_delete=OnDelete.CASCADE)),
                ('buyer', fields.ForeignKeyField('models.User', source_field='buyer_id', db_index=True, db_constraint=True, to_field='id', related_name='cash_refusals', on_delete=OnDelete.CASCADE)),
                ('recorded_by', fields.ForeignKeyField('models.User', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name='cash_refusals_recorded', on_delete=OnDelete.CASCADE)),
                ('reason', fields.CharField(max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'cash_refusals', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A buyer refused a cash-on-delivery order at handover (would not take it, or pay for it), as the seller recorded'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CashRemittance',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('payment', fields.OneToOneField('models.Payment', source_field='payment_id', db_constraint=True, to_field='id', related_name='cash_remittance', on_delete=OnDelete.CASCADE)),
                ('shop', fields.ForeignKeyField('models.Shop', source_field='shop_id', db_index=True, db_constraint=True, to_field='id', related_name='cash_remittances', on_delete=OnDelete.CASCADE)),
                ('provider', fields.CharField(max_length=64)),
                ('event_id', fields.CharField(max_length=191)),
                ('owed', fields.BigIntField()),
                ('remitted', fields.BigIntField()),
                ('provider_reference', fields.CharField(null=True, max_length=128)),
                ('source', fields.CharField(max_length=8)),
                ('remitted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'cash_remittances', 'app': 'models', 'unique_together': (('provider', 'event_id'),), 'pk_attr': 'id', 'table_description': "The courier's side of courier-collected cash: one row when a courier reports it paid the shop the cash it"},
            bases=['Model'],
        ),
    ]
