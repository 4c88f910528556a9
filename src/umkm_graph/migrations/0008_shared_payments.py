"""One gateway charge for a whole cashless checkout (issue 14): each payment names the charge the gateway knows, and its
whole amount. Payments made before this had a charge of their own."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0004_users_asn_since')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Payment',
            name='gateway_reference',
            field=fields.CharField(null=True, db_index=True, max_length=128),
        ),
        ops.AddField(
            model_name='Payment',
            name='gateway_amount',
            field=fields.BigIntField(null=True),
        ),
        # AddField records the index in the migration state but does not create it.
        ops.RunSQL("CREATE INDEX idx_payments_gateway_ref ON payments (gateway_reference)",
                   reverse_sql="DROP INDEX idx_payments_gateway_ref"),
        ops.AddIndex(
            model_name='PaymentEventRecord',
            index=Index(fields=('reference',), name='idx_payment_events_reference'),
        ),
        ops.RunSQL("UPDATE payments SET gateway_reference = reference, gateway_amount = amount", reverse_sql=""),
    ]
