"""Product variants (issue 15, section 3): every product until now becomes a product with one variant, its price, pack
and stock; the order lines, cart lines and price changes that named the product name that variant, and the product's
price range starts at its one price."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from umkm_graph.catalog.models import PriceUnit
from tortoise import fields
from tortoise.indexes import Index

# Portable SQL (SQLite and PostgreSQL): each product's one variant keeps the product's id, so the lines find it by id.
_ONE_VARIANT_EACH = (
    "INSERT INTO product_variants (id, product_id, shop_id, label, sku, pack_size, net_weight_grams, price, stock, "
    "unit_price, unit_price_per, is_active, position, created_at, updated_at) "
    "SELECT id, id, shop_id, '', NULL, pack_size, net_weight_grams, price, stock, unit_price, unit_price_per, "
    "TRUE, 0, created_at, updated_at FROM products",
    "UPDATE order_lines SET variant_id = product_id",
    "UPDATE cart_items SET variant_id = product_id",
    "UPDATE price_changes SET variant_id = product_id",
    "UPDATE products SET price_max = price",
)


# Adding a column does not make its index (generate_schemas does): make them here, on either database.
_INDEXES = {"idx_order_lines_variant": "order_lines", "idx_price_changes_variant": "price_changes"}


async def _one_variant_each(_: object, editor: object) -> None:
    client = editor.client  # type: ignore[attr-defined]
    for name, table in _INDEXES.items():
        await client.execute_script(f"CREATE INDEX IF NOT EXISTS {name} ON {table} (variant_id)")
    for statement in _ONE_VARIANT_EACH:
        await client.execute_script(statement)
    if client.capabilities.dialect == "postgres":  # ids were given: the sequence continues after them
        await client.execute_script(
            "SELECT setval(pg_get_serial_sequence('product_variants', 'id'), "
            "COALESCE((SELECT MAX(id) FROM product_variants), 0) + 1, false)")


class Migration(migrations.Migration):
    dependencies = [('models', '0019_city_programmes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ProductVariant',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_index=True, db_constraint=True, to_field='id', related_name='variants', on_delete=OnDelete.CASCADE)),
                ('shop', fields.ForeignKeyField('models.Shop', source_field='shop_id', db_constraint=True, to_field='id', related_name='variants', on_delete=OnDelete.CASCADE)),
                ('label', fields.CharField(default='', max_length=60)),
                ('sku', fields.CharField(null=True, max_length=40)),
                ('pack_size', fields.DecimalField(default=1, max_digits=10, decimal_places=3)),
                ('net_weight_grams', fields.IntField(null=True)),
                ('price', fields.BigIntField()),
                ('stock', fields.IntField(default=0)),
                ('unit_price', fields.BigIntField(null=True)),
                ('unit_price_per', fields.CharEnumField(null=True, description='KG: KG\nLITRE: LITRE', enum_type=PriceUnit, max_length=8)),
                ('is_active', fields.BooleanField(default=True)),
                ('position', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'product_variants', 'app': 'models', 'unique_together': (('shop', 'sku'),), 'pk_attr': 'id', 'table_description': 'What a buyer picks and a shop counts: one pack of a product (5 kg or 25 kg, medium or premium), with its own price,'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='CartItem',
            name='variant',
            field=fields.ForeignKeyField('models.ProductVariant', source_field='variant_id', null=True, db_constraint=True, to_field='id', related_name='cart_items', on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='OrderLine',
            name='variant',
            field=fields.ForeignKeyField('models.ProductVariant', source_field='variant_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='order_lines', on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='PriceChange',
            name='variant',
            field=fields.ForeignKeyField('models.ProductVariant', source_field='variant_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='price_changes', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterModelOptions(
            name='Product',
            options={'table': 'products', 'app': 'models', 'indexes': [Index(fields=['unit_price'])], 'pk_attr': 'id', 'table_description': 'A listing. Its price, pack and stock columns summarise its active variants (catalog/variants.py keeps them in the'},
        ),
        ops.AddField(
            model_name='Product',
            name='price_max',
            field=fields.BigIntField(null=True),
        ),
        ops.RunPython(_one_variant_each, ops.RunPython.noop),
    ]
