"""Office delivery on payday (issue 16 section 2): an OPD office's delivery days, each shop's batch for an office and day,
and the orders riding in each batch."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0018_city_subsidies')]

    initial = False

    operations = [
        ops.CreateModel(
            name='OfficeDeliveryDay',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('opd', fields.ForeignKeyField('models.Opd', source_field='opd_id', db_index=True, db_constraint=True, to_field='id', related_name='delivery_days', on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField()),
                ('cutoff_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('contact', fields.ForeignKeyField('models.User', source_field='contact_id', db_index=True, db_constraint=True, to_field='id', related_name='office_days_received', on_delete=OnDelete.CASCADE)),
                ('opened_by', fields.ForeignKeyField('models.User', source_field='opened_by_id', null=True, db_constraint=True, to_field='id', related_name='office_days_opened', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'office_delivery_days', 'app': 'models', 'unique_together': (('opd', 'day'),), 'pk_attr': 'id', 'table_description': 'A day an OPD office receives deliveries, opened by a city officer, taking orders until the cut-off.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OfficeBatch',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('delivery_day', fields.ForeignKeyField('models.OfficeDeliveryDay', source_field='delivery_day_id', db_index=True, db_constraint=True, to_field='id', related_name='batches', on_delete=OnDelete.CASCADE)),
                ('shop', fields.ForeignKeyField('models.Shop', source_field='shop_id', db_index=True, db_constraint=True, to_field='id', related_name='office_batches', on_delete=OnDelete.CASCADE)),
                ('trip_fee', fields.BigIntField()),
                ('handed_over_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('received_by', fields.ForeignKeyField('models.User', source_field='received_by_id', null=True, db_constraint=True, to_field='id', related_name='office_batches_received', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'office_batches', 'app': 'models', 'unique_together': (('delivery_day', 'shop'),), 'pk_attr': 'id', 'table_description': "One shop's orders for one office day: one pick list, one trip, the trip's fee shared by the orders."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OfficeOrder',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('batch', fields.ForeignKeyField('models.OfficeBatch', source_field='batch_id', db_index=True, db_constraint=True, to_field='id', related_name='orders', on_delete=OnDelete.CASCADE)),
                ('order', fields.OneToOneField('models.Order', source_field='order_id', db_constraint=True, to_field='id', related_name='office_delivery', on_delete=OnDelete.CASCADE)),
                ('missing_line_ids', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('missing_note', fields.CharField(null=True, max_length=500)),
            ],
            options={'table': 'office_orders', 'app': 'models', 'pk_attr': 'id', 'table_description': "An order riding in a batch, and what the office's contact person found missing from it at the handover."},
            bases=['Model'],
        ),
    ]
