"""Office procurement (issue 16, section 4): procurement officers, procurements with their BAST signatures, OPD
goods and services budgets, and the hash-chained audit trail."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from umkm_graph.procurement.models import ProcurementStatus
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0020_variants')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('procurement_id', fields.IntField(db_index=True)),
                ('actor_id', fields.IntField(null=True)),
                ('actor_name', fields.CharField(max_length=120)),
                ('action', fields.CharField(max_length=32)),
                ('detail', fields.TextField(unique=False)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('previous_hash', fields.CharField(unique=True, max_length=64)),
                ('hash', fields.CharField(unique=True, max_length=64)),
            ],
            options={'table': 'procurement_audit', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One step of an office procurement, never changed once written. Its hash covers its contents and the hash of the'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Procurement',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(unique=True, max_length=32)),
                ('order', fields.OneToOneField('models.Order', source_field='order_id', db_constraint=True, to_field='id', related_name='procurement', on_delete=OnDelete.RESTRICT)),
                ('opd', fields.ForeignKeyField('models.Opd', source_field='opd_id', db_constraint=True, to_field='id', related_name='procurements', on_delete=OnDelete.RESTRICT)),
                ('officer', fields.ForeignKeyField('models.User', source_field='officer_id', db_constraint=True, to_field='id', related_name='procurements', on_delete=OnDelete.RESTRICT)),
                ('receiver', fields.ForeignKeyField('models.User', source_field='receiver_id', db_constraint=True, to_field='id', related_name='procurements_to_receive', on_delete=OnDelete.RESTRICT)),
                ('budget_account', fields.CharField(max_length=20)),
                ('purpose', fields.CharField(max_length=300)),
                ('status', fields.CharEnumField(default=ProcurementStatus.ORDERED, description='ORDERED: ORDERED\nHANDED_OVER: HANDED_OVER', enum_type=ProcurementStatus, max_length=12)),
                ('seller_signed_by', fields.ForeignKeyField('models.User', source_field='seller_signed_by_id', null=True, db_constraint=True, to_field='id', related_name='bast_seller_signatures', on_delete=OnDelete.RESTRICT)),
                ('seller_signed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('receiver_signed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('handed_over_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('kuitansi_issued_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'procurements', 'app': 'models', 'pk_attr': 'id', 'table_description': "An office's purchase from an UMKM: an order its procurement officer placed on the marketplace, the budget"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProcurementBudget',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('opd', fields.ForeignKeyField('models.Opd', source_field='opd_id', db_constraint=True, to_field='id', related_name='procurement_budgets', on_delete=OnDelete.CASCADE)),
                ('year', fields.IntField()),
                ('amount', fields.BigIntField()),
                ('set_by', fields.ForeignKeyField('models.User', source_field='set_by_id', null=True, db_constraint=True, to_field='id', related_name='procurement_budgets_set', on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'procurement_budgets', 'app': 'models', 'unique_together': (('opd', 'year'),), 'pk_attr': 'id', 'table_description': "An OPD's goods and services budget (belanja barang dan jasa) for a year, as the city sets it. At least 40% of it"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProcurementOfficer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.OneToOneField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='procurement_appointment', on_delete=OnDelete.CASCADE)),
                ('opd', fields.ForeignKeyField('models.Opd', source_field='opd_id', db_constraint=True, to_field='id', related_name='procurement_officers', on_delete=OnDelete.CASCADE)),
                ('appointed_by', fields.ForeignKeyField('models.User', source_field='appointed_by_id', null=True, db_constraint=True, to_field='id', related_name='procurement_appointments_made', on_delete=OnDelete.SET_NULL)),
                ('active', fields.BooleanField(default=True)),
                ('appointed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'procurement_officers', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An ASN a city officer appointed to buy for their OPD (pejabat pengadaan). While active, orders they place may'},
            bases=['Model'],
        ),
    ]
