"""Idempotency keys of checkout and refunds (hardening II, item 8): one row per (user, key), written with what it made."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0002_shop_identity_changes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='IdempotencyKey',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='idempotency_keys', on_delete=OnDelete.CASCADE)),
                ('key', fields.CharField(max_length=100)),
                ('operation', fields.CharField(max_length=32)),
                ('request_hash', fields.CharField(max_length=64)),
                ('result_id', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'idempotency_keys', 'app': 'models', 'unique_together': (('user', 'key'),), 'pk_attr': 'id', 'table_description': "A client's key for one mutation that takes money or stock (checkout, a refund), written in the same transaction"},
            bases=['Model'],
        ),
    ]
