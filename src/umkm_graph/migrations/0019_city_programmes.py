"""City programmes (issue 16): office delivery on payday (section 2: an OPD office's delivery days, each shop's batch
for an office and day, the orders riding in each batch) and offline purchase claims (section 3: the claims and the
invitations their shops get)."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from umkm_graph.offline_claims.models import ClaimStatus
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
        ops.CreateModel(
            name='ShopInvitation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=16)),
                ('shop_name', fields.CharField(max_length=120)),
                ('name_key', fields.CharField(max_length=120)),
                ('kecamatan', fields.CharField(max_length=32)),
                ('kelurahan', fields.CharField(max_length=32)),
                ('shop', fields.ForeignKeyField('models.Shop', source_field='shop_id', null=True, db_constraint=True, to_field='id', related_name='claim_invitations', on_delete=OnDelete.SET_NULL)),
                ('joined_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'shop_invitations', 'app': 'models', 'unique_together': (('kelurahan', 'name_key'),), 'pk_attr': 'id', 'table_description': 'An unregistered shop\'s invitation, made when a claim of a purchase there is approved (one per name and kelurahan).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OfflineClaim',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('asn', fields.ForeignKeyField('models.User', source_field='asn_id', db_index=True, db_constraint=True, to_field='id', related_name='offline_claims', on_delete=OnDelete.CASCADE)),
                ('opd_unit', fields.ForeignKeyField('models.Opd', source_field='opd_unit_id', null=True, db_constraint=True, to_field='id', related_name='offline_claims', on_delete=OnDelete.SET_NULL)),
                ('photo', fields.OneToOneField('models.Upload', source_field='photo_id', db_constraint=True, to_field='id', related_name='offline_claim', on_delete=OnDelete.CASCADE)),
                ('photo_hash', fields.CharField(db_index=True, max_length=16)),
                ('amount', fields.BigIntField()),
                ('purchased_on', fields.DateField(db_index=True)),
                ('shop_name', fields.CharField(max_length=120)),
                ('kecamatan', fields.CharField(max_length=32)),
                ('kelurahan', fields.CharField(max_length=32)),
                ('status', fields.CharEnumField(default=ClaimStatus.PENDING, db_index=True, description='PENDING: PENDING\nAPPROVED: APPROVED\nREJECTED: REJECTED', enum_type=ClaimStatus, max_length=8)),
                ('decided_by', fields.ForeignKeyField('models.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='offline_claims_decided', on_delete=OnDelete.SET_NULL)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reason', fields.CharField(null=True, max_length=500)),
                ('invitation', fields.ForeignKeyField('models.ShopInvitation', source_field='invitation_id', null=True, db_constraint=True, to_field='id', related_name='claims', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'offline_claims', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One purchase an ASN made at a shop not on the app, as they recorded it.'},
            bases=['Model'],
        ),
    ]
