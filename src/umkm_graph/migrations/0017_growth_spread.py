"""Growth (issue 17): share links, their visits and the orders attributed to them; referral codes and who registered
with one (section 2); when the seller was reminded of a certificate's expiry (section 4); declared annual sales, their
history, and mentoring (section 5)."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0016_opd_roster')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Mentoring',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shop', fields.ForeignKeyField('models.Shop', source_field='shop_id', db_index=True, db_constraint=True, to_field='id', related_name='mentorings', on_delete=OnDelete.CASCADE)),
                ('mentor', fields.CharField(max_length=120)),
                ('mentored_on', fields.DateField(db_index=True)),
                ('topic', fields.CharField(max_length=1000)),
                ('recorded_by', fields.ForeignKeyField('models.User', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name='mentorings_recorded', on_delete=OnDelete.SET_NULL)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'mentorings', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Mentoring (pendampingan) the city recorded for a shop: who mentored, on which day, and what about.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Referral',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('referrer', fields.ForeignKeyField('models.User', source_field='referrer_id', db_index=True, db_constraint=True, to_field='id', related_name='referrals_made', on_delete=OnDelete.CASCADE)),
                ('referred', fields.OneToOneField('models.User', source_field='referred_id', db_constraint=True, to_field='id', related_name='referred_by', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'referrals', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An account that registered with the referral code of another person, written with the account.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReferralCode',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.OneToOneField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='referral_code', on_delete=OnDelete.CASCADE)),
                ('code', fields.CharField(unique=True, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'referral_codes', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The code a person invites others with, one per person, made when they first ask for it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SalesDeclaration',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shop', fields.ForeignKeyField('models.Shop', source_field='shop_id', db_index=True, db_constraint=True, to_field='id', related_name='sales_declarations', on_delete=OnDelete.CASCADE)),
                ('annual_sales', fields.BigIntField()),
                ('declared_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('declared_by', fields.ForeignKeyField('models.User', source_field='declared_by_id', null=True, db_constraint=True, to_field='id', related_name='sales_declarations', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'sales_declarations', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The annual sales a seller declared for a shop, from a moment on: the history behind Shop.declared_annual_sales,'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ShareLink',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('share_id', fields.CharField(unique=True, max_length=32)),
                ('sharer', fields.ForeignKeyField('models.User', source_field='sharer_id', db_index=True, db_constraint=True, to_field='id', related_name='share_links', on_delete=OnDelete.CASCADE)),
                ('shop', fields.ForeignKeyField('models.Shop', source_field='shop_id', db_index=True, db_constraint=True, to_field='id', related_name='share_links', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='share_links', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'share_links', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A share link for a product or a shop, made by the sharer.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ShareAttribution',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('link', fields.ForeignKeyField('models.ShareLink', source_field='link_id', db_index=True, db_constraint=True, to_field='id', related_name='attributions', on_delete=OnDelete.CASCADE)),
                ('order', fields.OneToOneField('models.Order', source_field='order_id', db_constraint=True, to_field='id', related_name='share_attribution', on_delete=OnDelete.CASCADE)),
                ('attributed_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'share_attributions', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An order attributed to a share link, at most one per order.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ShareVisit',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('link', fields.ForeignKeyField('models.ShareLink', source_field='link_id', db_index=True, db_constraint=True, to_field='id', related_name='visits', on_delete=OnDelete.CASCADE)),
                ('visitor', fields.CharField(max_length=32)),
                ('visited_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'share_visits', 'app': 'models', 'indexes': [Index(fields=['link_id', 'visitor', 'visited_at'])], 'pk_attr': 'id', 'table_description': 'An opening of a share link, counted once per client address and link a day.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Shop',
            name='declared_annual_sales',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='ShopCertificate',
            name='reminded_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
