"""WhatsApp delivery reports (issue 13): each outbox message keeps the gateway's id for its last try and the latest delivery
report (sent, delivered, read, failed)."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from umkm_graph.notifications.models import DeliveryStatus
from tortoise import fields


async def _index_provider_message_id(_: object, editor: object) -> None:
    # AddField makes no index for the field's db_index (on SQLite or PostgreSQL): make it here.
    client = editor.client  # type: ignore[attr-defined]
    await client.execute_script("CREATE INDEX IF NOT EXISTS idx_outbox_messages_provider_message_id "
                                "ON outbox_messages (provider_message_id)")


class Migration(migrations.Migration):
    dependencies = [('models', '0023_referral_rewards')]

    initial = False

    operations = [
        ops.AddField(
            model_name='OutboxMessage',
            name='delivery_status',
            field=fields.CharEnumField(null=True, description='SENT: SENT\nDELIVERED: DELIVERED\nREAD: READ\nFAILED: FAILED', enum_type=DeliveryStatus, max_length=10),
        ),
        ops.AddField(
            model_name='OutboxMessage',
            name='delivery_status_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='OutboxMessage',
            name='provider_message_id',
            field=fields.CharField(null=True, db_index=True, max_length=128),
        ),
        ops.RunPython(_index_provider_message_id, ops.RunPython.noop),
    ]
