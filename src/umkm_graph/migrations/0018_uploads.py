"""Uploads (issues 15 and 13): the photos people send, and which are a product's (in order) or a complaint's."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0010_growth')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Upload',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('owner', fields.ForeignKeyField('models.User', source_field='owner_id', db_index=True, db_constraint=True, to_field='id', related_name='uploads', on_delete=OnDelete.CASCADE)),
                ('sha256', fields.CharField(db_index=True, max_length=64)),
                ('width', fields.IntField()),
                ('height', fields.IntField()),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'uploads', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An image someone sent, kept as WebP renditions under its sha256 (uploads/storage.py), attached by its owner.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ComplaintPhoto',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('complaint', fields.ForeignKeyField('models.Complaint', source_field='complaint_id', db_index=True, db_constraint=True, to_field='id', related_name='photos', on_delete=OnDelete.CASCADE)),
                ('upload', fields.ForeignKeyField('models.Upload', source_field='upload_id', db_constraint=True, to_field='id', related_name='complaint_photos', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
            ],
            options={'table': 'complaint_photos', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A photo the buyer sent with a complaint (an upload of theirs): the torn sack, the wrong item.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProductPhoto',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_index=True, db_constraint=True, to_field='id', related_name='photos', on_delete=OnDelete.CASCADE)),
                ('upload', fields.ForeignKeyField('models.Upload', source_field='upload_id', db_constraint=True, to_field='id', related_name='product_photos', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
            ],
            options={'table': 'product_photos', 'app': 'models', 'unique_together': (('product', 'position'),), 'pk_attr': 'id', 'table_description': "One of a product's photos (an upload of its seller's), in the seller's order."},
            bases=['Model'],
        ),
    ]
