"""Growth (issue 17): a shop's certificates, waiting for or decided by the city, and the products each covers
(section 4); the runs of what is trending and the products each found (section 3)."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from umkm_graph.shops.models import CertificateKind, CertificateStatus
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0009_catalog_search')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ShopCertificate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shop', fields.ForeignKeyField('models.Shop', source_field='shop_id', db_index=True, db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='HALAL: HALAL\nPIRT: PIRT\nBPOM: BPOM\nNIB: NIB', enum_type=CertificateKind, max_length=8)),
                ('number', fields.CharField(max_length=60)),
                ('number_format_known', fields.BooleanField(default=False)),
                ('issuer', fields.CharField(max_length=120)),
                ('issued_on', fields.DateField()),
                ('valid_until', fields.DateField(null=True)),
                ('status', fields.CharEnumField(default=CertificateStatus.PENDING, db_index=True, description='PENDING: PENDING\nVERIFIED: VERIFIED\nREJECTED: REJECTED', enum_type=CertificateStatus, max_length=16)),
                ('reason', fields.CharField(null=True, max_length=500)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decided_by', fields.ForeignKeyField('models.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='decided_certificates', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'shop_certificates', 'app': 'models', 'indexes': [Index(fields=['kind', 'status'])], 'pk_attr': 'id', 'table_description': 'A certificate or permit a seller recorded for a shop, waiting for, or decided by, a city officer.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProductCertificate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_index=True, db_constraint=True, to_field='id', related_name='certificate_links', on_delete=OnDelete.CASCADE)),
                ('certificate', fields.ForeignKeyField('models.ShopCertificate', source_field='certificate_id', db_index=True, db_constraint=True, to_field='id', related_name='product_links', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'product_certificates', 'app': 'models', 'unique_together': (('product', 'certificate'),), 'pk_attr': 'id', 'table_description': "Which products a shop's certificate covers: the product shows the certificate's badge while the badge holds."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TrendingRun',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('computed_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('window_days', fields.IntField()),
                ('min_buyers', fields.IntField()),
            ],
            options={'table': 'trending_runs', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One refresh of what is trending, read whole by everyone once written.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TrendingProduct',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('run', fields.ForeignKeyField('models.TrendingRun', source_field='run_id', db_index=True, db_constraint=True, to_field='id', related_name='products', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_index=True, db_constraint=True, to_field='id', related_name='trending', on_delete=OnDelete.CASCADE)),
                ('kecamatan', fields.CharField(max_length=32)),
                ('category', fields.CharField(max_length=64)),
                ('opd', fields.CharField(null=True, max_length=120)),
                ('buyers', fields.IntField()),
                ('score', fields.FloatField()),
            ],
            options={'table': 'trending_products', 'app': 'models', 'indexes': [Index(fields=['run_id', 'opd', 'score'])], 'pk_attr': 'id', 'table_description': 'A product trending in a run: among all buyers (opd null), or among the ASN of one OPD.'},
            bases=['Model'],
        ),
    ]
