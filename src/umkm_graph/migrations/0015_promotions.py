"""Promotions (issue 17, section 1): vouchers of shops and programmes of the city, the products a promotion covers,
each use of one by an order, and the discount it gave each order line, with who funds it."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from umkm_graph.promotions.models import Funder, PromotionKind
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0014_shop_balances')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Promotion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=120)),
                ('kind', fields.CharEnumField(description='PERCENT_OFF: PERCENT_OFF\nAMOUNT_OFF: AMOUNT_OFF\nFREE_DELIVERY: FREE_DELIVERY', enum_type=PromotionKind, max_length=16)),
                ('value', fields.BigIntField()),
                ('max_discount', fields.BigIntField(default=0)),
                ('funder', fields.CharEnumField(description='SHOP: SHOP\nCITY: CITY', enum_type=Funder, max_length=8)),
                ('shop', fields.ForeignKeyField('models.Shop', source_field='shop_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='promotions', on_delete=OnDelete.CASCADE)),
                ('min_spend', fields.BigIntField(default=0)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('max_uses', fields.IntField(default=0)),
                ('max_uses_per_buyer', fields.IntField(default=0)),
                ('uses', fields.IntField(default=0)),
                ('budget', fields.BigIntField(default=0)),
                ('spent', fields.BigIntField(default=0)),
                ('roles', fields.CharField(default='', max_length=64)),
                ('asn_only', fields.BooleanField(default=False)),
                ('opds', fields.CharField(default='', max_length=500)),
                ('category', fields.ForeignKeyField('models.Category', source_field='category_id', null=True, db_constraint=True, to_field='id', related_name='promotions', on_delete=OnDelete.CASCADE)),
                ('weekdays', fields.CharField(default='', max_length=7)),
                ('verified_shops_only', fields.BooleanField(default=False)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', db_constraint=True, to_field='id', related_name='promotions_created', on_delete=OnDelete.CASCADE)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'promotions', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A voucher code and its rules. A SHOP promotion belongs to one shop, a CITY promotion is a programme of the city,'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PromotionProduct',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('promotion', fields.ForeignKeyField('models.Promotion', source_field='promotion_id', db_index=True, db_constraint=True, to_field='id', related_name='products', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_index=True, db_constraint=True, to_field='id', related_name='promotion_links', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'promotion_products', 'app': 'models', 'unique_together': (('promotion', 'product'),), 'pk_attr': 'id', 'table_description': 'A product a SHOP promotion is limited to (a promotion with none covers the whole shop).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PromotionUse',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('promotion', fields.ForeignKeyField('models.Promotion', source_field='promotion_id', db_index=True, db_constraint=True, to_field='id', related_name='order_uses', on_delete=OnDelete.CASCADE)),
                ('order', fields.ForeignKeyField('models.Order', source_field='order_id', db_index=True, db_constraint=True, to_field='id', related_name='promotion_uses', on_delete=OnDelete.CASCADE)),
                ('buyer', fields.ForeignKeyField('models.User', source_field='buyer_id', db_index=True, db_constraint=True, to_field='id', related_name='promotion_uses', on_delete=OnDelete.CASCADE)),
                ('amount', fields.BigIntField()),
                ('returned_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'promotion_uses', 'app': 'models', 'unique_together': (('promotion', 'order'),), 'pk_attr': 'id', 'table_description': "One order's use of a promotion, and the rupiah it took, given back (returned_at) when the order is cancelled."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OrderDiscount',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('use', fields.ForeignKeyField('models.PromotionUse', source_field='use_id', db_index=True, db_constraint=True, to_field='id', related_name='discounts', on_delete=OnDelete.CASCADE)),
                ('order', fields.ForeignKeyField('models.Order', source_field='order_id', db_index=True, db_constraint=True, to_field='id', related_name='discounts', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', null=True, db_constraint=True, to_field='id', related_name='order_discounts', on_delete=OnDelete.CASCADE)),
                ('amount', fields.BigIntField()),
                ('funder', fields.CharEnumField(description='SHOP: SHOP\nCITY: CITY', enum_type=Funder, max_length=8)),
            ],
            options={'table': 'order_discounts', 'app': 'models', 'pk_attr': 'id', 'table_description': "The rupiah one promotion took off one order line (product set), or off the order's delivery fee (product null),"},
            bases=['Model'],
        ),
    ]
