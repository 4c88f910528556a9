"""What the platform owes each shop (issue 14, section 2): the append-only shop balance ledger, the payouts made to
shops' bank accounts, and the account each shop is paid to."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from umkm_graph.balances.models import EntryKind, PayoutStatus
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0013_staff_accounts')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Payout',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shop', fields.ForeignKeyField('models.Shop', source_field='shop_id', db_index=True, db_constraint=True, to_field='id', related_name='payouts', on_delete=OnDelete.RESTRICT)),
                ('amount', fields.BigIntField()),
                ('provider', fields.CharField(max_length=64)),
                ('status', fields.CharEnumField(default=PayoutStatus.PENDING, db_index=True, description='PENDING: PENDING\nPAID: PAID\nFAILED: FAILED', enum_type=PayoutStatus, max_length=8)),
                ('reference', fields.CharField(unique=True, max_length=50)),
                ('provider_reference', fields.CharField(null=True, max_length=128)),
                ('idempotency_key', fields.CharField(max_length=100)),
                ('request_hash', fields.CharField(max_length=64)),
                ('bank', fields.CharField(default='', max_length=32)),
                ('account_number', fields.CharField(default='', max_length=34)),
                ('account_name', fields.CharField(default='', max_length=100)),
                ('note', fields.CharField(default='', max_length=200)),
                ('made_by', fields.ForeignKeyField('models.User', source_field='made_by_id', null=True, db_constraint=True, to_field='id', related_name='payouts_made', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('paid_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'payouts', 'app': 'models', 'unique_together': (('shop', 'idempotency_key'),), 'pk_attr': 'id', 'table_description': 'Money sent to a shop\'s bank account by a disbursement provider ("manual": a transfer made by hand).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BalanceEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shop', fields.ForeignKeyField('models.Shop', source_field='shop_id', db_index=True, db_constraint=True, to_field='id', related_name='balance_entries', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='SALE: SALE\nFEE: FEE\nREFUND: REFUND\nFEE_RETURNED: FEE_RETURNED\nPAYOUT: PAYOUT\nPAYOUT_RETURNED: PAYOUT_RETURNED', enum_type=EntryKind, max_length=16)),
                ('amount', fields.BigIntField()),
                ('source', fields.CharField(unique=True, max_length=64)),
                ('payment', fields.ForeignKeyField('models.Payment', source_field='payment_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='balance_entries', on_delete=OnDelete.RESTRICT)),
                ('payout', fields.ForeignKeyField('models.Payout', source_field='payout_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.RESTRICT)),
                ('description', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'shop_balance_entries', 'app': 'models', 'indexes': [Index(fields=['shop_id', 'created_at', 'id'], name='idx_balance_entries_statement')], 'pk_attr': 'id', 'table_description': "One movement of a shop's balance, signed: credits positive, debits negative."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PayoutAccount',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shop', fields.OneToOneField('models.Shop', source_field='shop_id', db_constraint=True, to_field='id', related_name='payout_account', on_delete=OnDelete.CASCADE)),
                ('bank', fields.CharField(max_length=32)),
                ('account_number', fields.CharField(max_length=34)),
                ('account_name', fields.CharField(max_length=100)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'shop_payout_accounts', 'app': 'models', 'pk_attr': 'id', 'table_description': "The bank account a shop's payouts go to, as its seller gave it."},
            bases=['Model'],
        ),
    ]
