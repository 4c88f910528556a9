"""Orders that run themselves (issue 13): when each order's status began, so deadlines count from it, and the deadline
jobs' claims and marks (reminded, cash flagged to the seller and to the city).

Orders that exist already count from their last change: the time of their latest recorded transition."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_users_asn_since')]

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
    ]
