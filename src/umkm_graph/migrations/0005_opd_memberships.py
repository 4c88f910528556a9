"""Each ASN's OPD per month (hardening II, item 5): a row from the moment they joined it, so a move leaves closed months
as they were.

Accounts with a NIP before this migration get one row, their OPD since their NIP was registered: that is how every month
already shown counted them, so no figure shown before changes."""
from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_users_asn_since')]

    initial = False

    operations = [
        ops.CreateModel(
            name='OpdMembership',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='opd_memberships', on_delete=OnDelete.CASCADE)),
                ('opd', fields.CharField(max_length=120)),
                ('since', fields.DatetimeField(auto_now=False, auto_now_add=False, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'opd_memberships', 'app': 'models', 'pk_attr': 'id', 'table_description': "An ASN's OPD from a moment on, until their next row: the city counts a person in a month under the OPD in force"},
            bases=['Model'],
        ),
        ops.RunSQL("INSERT INTO opd_memberships (user_id, opd, since, created_at) SELECT id, opd, "
                   "COALESCE(asn_since, created_at), CURRENT_TIMESTAMP FROM users WHERE nip IS NOT NULL AND opd IS NOT NULL",
                   reverse_sql=""),
    ]
