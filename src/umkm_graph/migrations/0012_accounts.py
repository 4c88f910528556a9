"""Accounts (issue 13): a password reset code per account (password_reset/models.py) and the session version bearer
tokens carry; a shop's followers (shops/models.py: ShopFollow, Shop.follower_count); the roles a person holds besides
the first (users.extra_roles)."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from orjson import loads
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0011_uploads')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PasswordReset',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_index=True, db_constraint=True, to_field='id', related_name='password_resets', on_delete=OnDelete.CASCADE)),
                ('code_hash', fields.CharField(unique=True, max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'password_resets', 'app': 'models', 'pk_attr': 'id', 'table_description': "A code sent to an account's own email or phone. Only its SHA-256 is kept: the code has 128 random bits, so a"},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='User',
            name='session_version',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.CreateModel(
            name='ShopFollow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_index=True, db_constraint=True, to_field='id', related_name='followed_shops', on_delete=OnDelete.CASCADE)),
                ('shop', fields.ForeignKeyField('models.Shop', source_field='shop_id', db_index=True, db_constraint=True, to_field='id', related_name='followers', on_delete=OnDelete.CASCADE)),
                ('last_notified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'shop_follows', 'app': 'models', 'unique_together': (('user', 'shop'),), 'pk_attr': 'id', 'table_description': 'A person following a shop (langganan): they hear of its new and restocked sembako, at most once per follower'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Shop',
            name='follower_count',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='User',
            name='extra_roles',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
    ]
