"""Notifications (issue 13, section 1): the outbox of messages, one row per message and channel, and each person's
notification preferences (language; channels on or off, and where)."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from umkm_graph.notifications.models import OutboxStatus
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0005_opd_memberships')]

    initial = False

    operations = [
        ops.CreateModel(
            name='NotificationPreference',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.OneToOneField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='notification_preference', on_delete=OnDelete.CASCADE)),
                ('language', fields.CharField(default='id', max_length=5)),
                ('channels', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'notification_preferences', 'app': 'models', 'pk_attr': 'id', 'table_description': "A person's choices: the language of their messages, and per channel whether it is on and where it goes"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutboxMessage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_index=True, db_constraint=True, to_field='id', related_name='outbox_messages', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=40)),
                ('parameters', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('channel', fields.CharField(max_length=64)),
                ('address', fields.CharField(max_length=254)),
                ('language', fields.CharField(max_length=5)),
                ('status', fields.CharEnumField(default=OutboxStatus.PENDING, db_index=True, description='PENDING: PENDING\nSENT: SENT\nFAILED: FAILED', enum_type=OutboxStatus, max_length=10)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(null=True, max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'outbox_messages', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One message to one person on one channel, written in the transaction of the change that causes it.'},
            bases=['Model'],
        ),
    ]
