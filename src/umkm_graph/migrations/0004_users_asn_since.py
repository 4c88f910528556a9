"""When each NIP was registered (hardening II, item 5), so that a NIP added later leaves closed months as they were.

Accounts that had a NIP before this migration count as ASN from when the account was made: that is how every month
already shown counted them, so no figure shown before changes, and from now on none can."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_checkout_idempotency_keys')]

    initial = False

    operations = [
        ops.AddField(
            model_name='User',
            name='asn_since',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.RunSQL("UPDATE users SET asn_since = created_at WHERE nip IS NOT NULL", reverse_sql=""),
    ]
