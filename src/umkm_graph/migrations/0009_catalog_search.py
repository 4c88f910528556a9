"""Catalog search (issue 15, sections 1 and 2): product_search and search_words with each database's indexes (PostgreSQL
full-text with pg_trgm and unaccent, SQLite FTS5), every existing product indexed, and products' unit prices kept."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from umkm_graph.catalog.models import PriceUnit
from tortoise import fields
from tortoise.indexes import Index

from umkm_graph.catalog.search_index import rebuild_search_index
from umkm_graph.catalog.search_schema import create_search_indexes
from umkm_graph.catalog.service import unit_price_of


async def index_products(apps: object, editor: object) -> None:
    client = editor.client  # type: ignore[attr-defined]
    await create_search_indexes(client)
    await rebuild_search_index(client)
    _, rows = await client.execute_query("SELECT id, price, unit, pack_size, net_weight_grams FROM products")
    priced = [(row[0], unit_price_of(row[1], row[2], row[3], row[4])) for row in (tuple(r) for r in rows)]
    marks = ("$1", "$2", "$3") if client.capabilities.dialect == "postgres" else ("?", "?", "?")
    update = f"UPDATE products SET unit_price = {marks[0]}, unit_price_per = {marks[1]} WHERE id = {marks[2]}"
    for product_id, per in priced:
        if per is not None:
            await client.execute_query(update, [per[0], per[1], product_id])


class Migration(migrations.Migration):
    dependencies = [('models', '0008_shared_payments')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ProductSearch',
            fields=[
                ('product_id', fields.IntField(generated=False, primary_key=True, unique=True, db_index=True)),
                ('name_words', fields.TextField(unique=False)),
                ('words', fields.TextField(unique=False)),
                ('grams', fields.IntField(null=True)),
                ('millilitres', fields.IntField(null=True)),
            ],
            options={'table': 'product_search', 'app': 'models', 'pk_attr': 'product_id', 'table_description': "A product's words as search reads them (catalog/search_text.py), written in the product's own transaction."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SearchWord',
            fields=[
                ('word', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
            ],
            options={'table': 'search_words', 'app': 'models', 'pk_attr': 'word', 'table_description': 'Every word listings have used: the vocabulary that typos are corrected against (through trigram indexes).'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Product',
            name='unit_price',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='Product',
            name='unit_price_per',
            field=fields.CharEnumField(null=True, description='KG: KG\nLITRE: LITRE', enum_type=PriceUnit, max_length=8),
        ),
        ops.AddIndex(model_name='Product', index=Index(fields=['unit_price'])),
        ops.RunPython(index_products, ops.RunPython.noop),
    ]
