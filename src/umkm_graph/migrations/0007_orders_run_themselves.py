"""Orders that run themselves (issue 13): when each order's status began, so deadlines count from it, and the deadline
jobs' claims and marks (reminded, cash flagged to the seller and to the city); the address book; each person's
language (Bahasa Indonesia until they choose English); the cart on the server; complaints and the lines they
concern.

Orders that exist already count from their last change: the time of their latest recorded transition."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.fields.base import OnDelete
from umkm_graph.orders.models import ComplaintReason, ComplaintResolution, ComplaintStatus
from umkm_graph.people.models import Language

class Migration(migrations.Migration):
    dependencies = [('models', '0006_notifications')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Order',
            name='status_since',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Order',
            name='claimed_until',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Order',
            name='accept_reminded_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Order',
            name='cash_flagged_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Order',
            name='cash_escalated_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.RunSQL("UPDATE orders SET status_since = (SELECT MAX(t.created_at) FROM order_transitions t "
                   "WHERE t.order_id = orders.id)", reverse_sql=""),
        ops.AddField(
            model_name='User',
            name='language',
            field=fields.CharEnumField(null=True, description='ID: id\nEN: en', enum_type=Language, max_length=2),
        ),
        ops.CreateModel(
            name='SavedAddress',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='addresses', on_delete=OnDelete.CASCADE, db_index=True)),
                ('label', fields.CharField(max_length=40)),
                ('recipient', fields.CharField(max_length=120)),
                ('phone', fields.CharField(max_length=20)),
                ('kecamatan', fields.CharField(max_length=32)),
                ('kelurahan', fields.CharField(max_length=32)),
                ('street', fields.CharField(max_length=255)),
                ('latitude', fields.FloatField(null=True)),
                ('longitude', fields.FloatField(null=True)),
                ('notes', fields.CharField(default='', max_length=255)),
                ('is_default', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'saved_addresses', 'app': 'models', 'pk_attr': 'id', 'table_description': "One saved address of an address book: checkout takes its id instead of a typed address."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CartItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='cart_items', on_delete=OnDelete.CASCADE, db_index=True)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='cart_items', on_delete=OnDelete.CASCADE, db_index=True)),
                ('quantity', fields.IntField()),
                ('price_when_added', fields.BigIntField()),
                ('added_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'cart_items', 'app': 'models', 'unique_together': (('user', 'product'),), 'pk_attr': 'id', 'table_description': 'One line of a cart on the server, with the price it had when added (to say what changed since).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Complaint',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order', fields.ForeignKeyField('models.Order', source_field='order_id', db_constraint=True, to_field='id', related_name='complaints', on_delete=OnDelete.CASCADE, db_index=True)),
                ('reason', fields.CharEnumField(description='NOT_RECEIVED: NOT_RECEIVED\nDAMAGED: DAMAGED\nWRONG_ITEM: WRONG_ITEM\nMISSING_ITEMS: MISSING_ITEMS\nQUALITY: QUALITY', enum_type=ComplaintReason, max_length=20)),
                ('text', fields.CharField(max_length=1000)),
                ('status', fields.CharEnumField(default=ComplaintStatus.OPEN, description='OPEN: OPEN\nRESOLVED: RESOLVED\nREJECTED: REJECTED\nESCALATED: ESCALATED\nDECIDED: DECIDED', enum_type=ComplaintStatus, max_length=20, db_index=True)),
                ('resolution', fields.CharEnumField(null=True, description='REFUND: REFUND\nREPLACE: REPLACE\nREJECT: REJECT', enum_type=ComplaintResolution, max_length=20)),
                ('refund_amount', fields.BigIntField(default=0)),
                ('seller_reason', fields.CharField(null=True, max_length=500)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('escalated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decision', fields.CharField(null=True, max_length=1000)),
                ('decided_by', fields.ForeignKeyField('models.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='complaints_decided', on_delete=OnDelete.CASCADE)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'complaints', 'app': 'models', 'pk_attr': 'id', 'table_description': "A complaint of a buyer about lines of a delivered order, the answer of the seller, and the decision of the city if escalated."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ComplaintLine',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('complaint', fields.ForeignKeyField('models.Complaint', source_field='complaint_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE, db_index=True)),
                ('order_line', fields.ForeignKeyField('models.OrderLine', source_field='order_line_id', db_constraint=True, to_field='id', related_name='complaint_lines', on_delete=OnDelete.CASCADE, db_index=True)),
            ],
            options={'table': 'complaint_lines', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An order line a complaint is about.'},
            bases=['Model'],
        ),
    ]
