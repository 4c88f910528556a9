"""Changes to a verified shop's identity wait for the city (hardening II, item 7); NIB and NPWP get an index."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from umkm_graph.shops.models import IdentityChangeStatus
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ShopIdentityChange',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shop', fields.ForeignKeyField('models.Shop', source_field='shop_id', db_index=True, db_constraint=True, to_field='id', related_name='identity_changes', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=120)),
                ('nib', fields.CharField(db_index=True, max_length=13)),
                ('npwp', fields.CharField(null=True, max_length=16)),
                ('kecamatan', fields.CharField(max_length=32)),
                ('kelurahan', fields.CharField(max_length=32)),
                ('status', fields.CharEnumField(default=IdentityChangeStatus.PENDING, db_index=True, description='PENDING: PENDING\nAPPROVED: APPROVED\nREJECTED: REJECTED', enum_type=IdentityChangeStatus, max_length=16)),
                ('reason', fields.CharField(null=True, max_length=500)),
                ('requested_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decided_by', fields.ForeignKeyField('models.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='decided_identity_changes', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'shop_identity_changes', 'app': 'models', 'pk_attr': 'id', 'table_description': "A change to a verified shop's identity, waiting for the city."},
            bases=['Model'],
        ),
        ops.AddIndex(
            model_name='Shop',
            index=Index(fields=['nib']),
        ),
        ops.AddIndex(
            model_name='Shop',
            index=Index(fields=['npwp']),
        ),
    ]
